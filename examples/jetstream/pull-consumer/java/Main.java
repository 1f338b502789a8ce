// A pull consumer lets the application ask for messages when it is ready
// for them, in batches of the size it chooses. jnats's simplified consumer
// API is built for it: a `ConsumerContext` names one consumer of one
// stream, and its `fetch` pulls a batch. `ConsumerInfo` is the server's
// view of the consumer's progress.
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
import io.nats.client.StreamContext;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamConfiguration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

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
                jsm.deleteStream("ORDERS");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }

            // A stream of ten orders to work through.
            jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>").build());
            for (int i = 1; i <= 10; i++) {
                js.publish("orders." + i, ("order " + i).getBytes(StandardCharsets.UTF_8));
            }
            StreamContext orders = nc.getStreamContext("ORDERS");

            // `createOrUpdateConsumer` with a durable name creates the
            // consumer on the server (or updates it, if it exists with a
            // compatible configuration). A durable consumer outlives the
            // program and the connection: its position is kept by the
            // server, not by the client. Nothing is delivered until we ask.
            ConsumerContext consumer = orders.createOrUpdateConsumer(
                    ConsumerConfiguration.builder().durable("processor").build());
            show("new consumer:", consumer);

            // `fetch` sends one pull request for up to 4 messages and
            // returns a `FetchConsumer` that hands them out. Each message
            // carries its stream sequence in `metaData()`; acknowledging it
            // tells the server the work is done, and `ackSync` waits until
            // the server confirms.
            List<Message> msgs = fetch(consumer, 4);
            System.out.println("batch 1: " + msgs.stream()
                    .map(m -> m.getSubject() + " (seq " + m.metaData().streamSequence() + ")")
                    .collect(Collectors.joining(", ")));
            for (Message msg : msgs) {
                msg.ackSync(Duration.ofSeconds(1));
            }
            show("acked 4 of 4:", consumer);

            // The next batch is only half acknowledged. Notice that
            // `delivered` has moved to 8 while `ack_floor` stops at 6: two
            // messages are out with the application. If they are never
            // acked, the server redelivers them once the consumer's ack wait
            // (30 s by default) runs out. Here they are acked a moment
            // later; the Redelivery example shows the other outcomes: `nak`
            // (redeliver now, or after a delay with `nakWithDelay`),
            // `inProgress` (more time), `term` (give up), and the consumer's
            // `maxDeliver`.
            msgs = fetch(consumer, 4);
            System.out.println("batch 2: " + subjects(msgs));
            for (Message msg : msgs.subList(0, 2)) {
                msg.ackSync(Duration.ofSeconds(1));
            }
            show("acked 2 of 4:", consumer);
            for (Message msg : msgs.subList(2, 4)) {
                msg.ackSync(Duration.ofSeconds(1));
            }
            show("acked 4 of 4:", consumer);

            // Simulate a restart: look the durable consumer up again, by
            // name, as a new process would. It resumes where it left off.
            // We ask for 10 and only 2 are left; with `noWaitExpiresIn` the
            // pull returns what is there at once (at least one message,
            // waiting up to the expiry for the first) instead of waiting for
            // the full batch.
            consumer = nc.getConsumerContext("ORDERS", "processor");
            try (FetchConsumer fetch = consumer.fetch(
                    FetchConsumeOptions.builder().maxMessages(10).noWaitExpiresIn(1000).build())) {
                msgs = new ArrayList<>();
                Message msg;
                while ((msg = fetch.nextMessage()) != null) {
                    msgs.add(msg);
                }
            }
            System.out.println("after rebind: " + subjects(msgs));
            for (Message msg : msgs) {
                msg.ackSync(Duration.ofSeconds(1));
            }
            show("acked 2 of 2:", consumer);

            // Clean up: deleting the stream deletes the durable consumer
            // too.
            jsm.deleteStream("ORDERS");
        }
    }

    // Pull up to `count` messages, waiting at most a second for them. The
    // `FetchConsumer` is `AutoCloseable`; `nextMessage` returns null once
    // the batch is complete or the pull has expired.
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

    // Consumer info, fetched from the server each time:
    // - `delivered`: the last stream sequence handed out;
    // - `ack_floor`: the sequence up to which *everything* is
    //   acknowledged;
    // - `num_ack_pending`: delivered but not yet acknowledged;
    // - `num_pending`: still waiting in the stream, never delivered.
    static void show(String label, ConsumerContext consumer) throws Exception {
        ConsumerInfo info = consumer.getConsumerInfo();
        System.out.printf("  %-14s delivered=%-2d ack_floor=%d num_ack_pending=%d num_pending=%d%n",
                label, info.getDelivered().getStreamSequence(), info.getAckFloor().getStreamSequence(),
                info.getNumAckPending(), info.getNumPending());
    }

    static String subjects(List<Message> msgs) {
        return msgs.stream().map(Message::getSubject).collect(Collectors.joining(", "));
    }
}
