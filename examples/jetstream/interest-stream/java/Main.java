// An *interest* stream keeps a message only as long as some consumer still
// needs it. Besides the stream settings we use jnats's simplified consumer
// API: a `StreamContext` for one stream, a `ConsumerContext` for one of its
// consumers, and `fetch` to pull a batch of messages.
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
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamState;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

            // Create the stream with interest retention. Think of it as
            // fan-out with a safety net: each service that cares about
            // orders gets its own consumer, and a message is deleted once
            // *every* consumer has acknowledged it, so nothing is stored for
            // longer than needed. `getStreamContext` then gives a handle on
            // the stream (it checks that the stream exists, and throws
            // `JetStreamApiException` if not).
            jsm.addStream(StreamConfiguration.builder()
                    .name("ORDERS")
                    .subjects("orders.>")
                    .retentionPolicy(RetentionPolicy.Interest)
                    .build());
            StreamContext orders = nc.getStreamContext("ORDERS");

            // With no consumers there is no interest at all. The stream
            // still acknowledges each publish and assigns it a sequence
            // number, but does not keep the message: the state shows 0
            // messages and the first sequence already past them.
            for (int i = 1; i <= 3; i++) {
                js.publish("orders." + i, ("order " + i).getBytes(StandardCharsets.UTF_8));
            }
            show(orders, "3 published, no consumers:");

            // Interest means consumers defined on the stream, not clients
            // that happen to be connected. Two durable pull consumers, one
            // for billing and one for shipping, now each want every order.
            // `createOrUpdateConsumer` creates them on the server and
            // returns a `ConsumerContext` to read with.
            ConsumerContext billing = orders.createOrUpdateConsumer(durable("billing"));
            ConsumerContext shipping = orders.createOrUpdateConsumer(durable("shipping"));

            for (int i = 4; i <= 6; i++) {
                js.publish("orders." + i, ("order " + i).getBytes(StandardCharsets.UTF_8));
            }
            show(orders, "3 published, 2 consumers:");

            // Billing processes and acknowledges all three. Nothing is
            // removed yet, because shipping has not acknowledged them.
            // `ackSync` waits for the server to confirm each ack (and throws
            // a `TimeoutException` if it does not), so the state we read
            // afterwards is exact.
            for (Message msg : fetch(billing, 3)) {
                msg.ackSync(Duration.ofSeconds(1));
            }
            show(orders, "billing acked 3:");

            // As soon as shipping acknowledges a message, the last interest
            // in it is gone and the stream deletes it, one by one.
            List<Message> msgs = fetch(shipping, 3);
            msgs.get(0).ackSync(Duration.ofSeconds(1));
            show(orders, "shipping acked 1:");
            for (Message msg : msgs.subList(1, msgs.size())) {
                msg.ackSync(Duration.ofSeconds(1));
            }
            show(orders, "shipping acked 3:");

            // Removing a consumer removes its interest too. Billing
            // acknowledges two new orders that shipping never reads;
            // deleting the shipping consumer releases them, and the stream
            // is empty again.
            for (int i = 7; i <= 8; i++) {
                js.publish("orders." + i, ("order " + i).getBytes(StandardCharsets.UTF_8));
            }
            for (Message msg : fetch(billing, 2)) {
                msg.ackSync(Duration.ofSeconds(1));
            }
            show(orders, "2 more, billing acked them:");
            orders.deleteConsumer("shipping");
            show(orders, "shipping consumer deleted:");

            // Clean up: deleting the stream deletes its consumers too.
            jsm.deleteStream("ORDERS");
        }
    }

    // A durable pull consumer that wants every message of the stream and
    // acknowledges each one explicitly.
    static ConsumerConfiguration durable(String name) {
        return ConsumerConfiguration.builder().durable(name).ackPolicy(AckPolicy.Explicit).build();
    }

    // Pull up to `count` messages, waiting at most a second for them.
    // `fetch` sends one pull request; the `FetchConsumer` it returns hands
    // out the messages with `nextMessage` and returns null once the batch
    // is complete or the request expired. It is `AutoCloseable`, so
    // try-with-resources ends the pull if we stop early.
    static List<Message> fetch(ConsumerContext consumer, int count) throws Exception {
        List<Message> batch = new ArrayList<>();
        FetchConsumeOptions opts = FetchConsumeOptions.builder()
                .maxMessages(count).expiresIn(1000).build();
        try (FetchConsumer fetch = consumer.fetch(opts)) {
            Message msg;
            while ((msg = fetch.nextMessage()) != null) {
                batch.add(msg);
            }
        }
        return batch;
    }

    // A one-line summary of the stream: how many messages it holds, the
    // range of sequence numbers they span, and how many consumers exist.
    static void show(StreamContext stream, String label) throws Exception {
        StreamState s = stream.getStreamInfo().getStreamState();
        System.out.printf("%-28s messages=%d first_seq=%d last_seq=%d consumers=%d%n",
                label, s.getMsgCount(), s.getFirstSequence(), s.getLastSequence(), s.getConsumerCount());
    }
}
