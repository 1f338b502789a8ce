// Acknowledging a JetStream message is itself a message, sent to the
// server on the message's reply subject. This example compares the
// fire-and-forget `ack()` with `ackSync(Duration)`, which waits for the
// server to confirm and throws a `TimeoutException` when no confirmation
// comes.
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamConfiguration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

public class Main {
    // The server's error code for "stream not found".
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();

            // Start clean: delete the stream if an interrupted run left it.
            try {
                jsm.deleteStream("TASKS");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }

            // Four tasks in a stream and a durable pull consumer that
            // requires an explicit ack for each message it delivers.
            jsm.addStream(StreamConfiguration.builder().name("TASKS").subjects("tasks.>").build());
            for (int n = 1; n <= 4; n++) {
                js.publish("tasks." + n, ("task " + n).getBytes(StandardCharsets.UTF_8));
            }
            ConsumerContext worker = nc.getStreamContext("TASKS").createOrUpdateConsumer(
                    ConsumerConfiguration.builder().durable("worker").build());

            // Fetch two messages. Both now count as delivered and
            // unacknowledged.
            List<Message> msgs = fetch(worker, 2);
            show(worker, "after fetching 2");

            // `ack()` publishes the ack and returns at once, before the
            // server has seen it. That is fast and usually fine, but if the
            // ack is lost (a network blip, a server restart) the program
            // never knows, and the message is delivered again after the ack
            // wait.
            msgs.get(0).ack();
            System.out.println("ack()     " + msgs.get(0).getSubject() + ": sent, no reply expected");

            // `ackSync` sends the same ack as a request and waits, at most
            // the given time, for the server to answer, which it does only
            // once the ack is recorded. This is the "double ack". Use it
            // when processing a message twice would be costly, for example
            // before telling a user their payment went through.
            msgs.get(1).ackSync(Duration.ofSeconds(1));
            System.out.println("ackSync() " + msgs.get(1).getSubject() + ": confirmed by the server");
            show(worker, "after both acks");

            // The difference shows when the ack cannot land. Fetch the last
            // two messages, then delete the consumer, as if it had been
            // removed or its server lost while we were working.
            msgs = fetch(worker, 2);
            jsm.deleteConsumer("TASKS", "worker");
            System.out.println("consumer deleted");

            // The plain ack "succeeds": it was published, and nobody tells
            // the program it went nowhere. The confirmed ack fails, because
            // no consumer is there to answer; the program knows to retry the
            // work or raise an alarm. jnats reports every unconfirmed ack
            // the same way, as a `TimeoutException` ("Ack response timed
            // out"), but here it comes at once: the server answers the
            // request with "no responders" and jnats gives up without
            // waiting out the second.
            msgs.get(0).ack();
            System.out.println("ack()     " + msgs.get(0).getSubject() + ": sent, no exception thrown");
            long start = System.nanoTime();
            try {
                msgs.get(1).ackSync(Duration.ofSeconds(1));
            } catch (TimeoutException e) {
                String when = System.nanoTime() - start < 500_000_000L ? "at once" : "after the wait";
                System.out.println("ackSync() " + msgs.get(1).getSubject() + ": failed " + when
                        + " with TimeoutException, no consumer answered the ack");
            }

            // Clean up: deleting the stream deletes its messages too.
            jsm.deleteStream("TASKS");
        }
    }

    // Pull up to `count` messages, waiting at most a second.
    static List<Message> fetch(ConsumerContext consumer, int count) throws Exception {
        List<Message> batch = new ArrayList<>();
        try (FetchConsumer fetch = consumer.fetch(
                FetchConsumeOptions.builder().maxMessages(count).expiresIn(1000).build())) {
            Message msg;
            while ((msg = fetch.nextMessage()) != null) {
                batch.add(msg);
            }
        }
        return batch;
    }

    // The consumer's bookkeeping: how many messages it has delivered, how
    // many of those still await an ack, the stream sequence below which
    // everything is acked (the ack floor), and how many messages are still
    // waiting to be delivered.
    static void show(ConsumerContext consumer, String label) throws Exception {
        ConsumerInfo info = consumer.getConsumerInfo();
        System.out.println(label + ": delivered=" + info.getDelivered().getStreamSequence()
                + " ack_pending=" + info.getNumAckPending()
                + " ack_floor=" + info.getAckFloor().getStreamSequence()
                + " pending=" + info.getNumPending());
    }
}
