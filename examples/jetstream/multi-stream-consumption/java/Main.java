// A consumer always belongs to exactly one stream, yet one service often
// needs data from several. In jnats one consumer per stream, each read
// with `consume`, and a single `Dispatcher` shared by all of them, are
// enough to see the streams as one flow of work.
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamConfiguration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

public class Main {
    // The server's error code for "stream not found".
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        Map<String, String> streams = new LinkedHashMap<>();
        streams.put("ORDERS", "orders.>");
        streams.put("PAYMENTS", "payments.>");
        streams.put("SHIPPING", "shipping.>");

        try (Connection nc = Nats.connect(options)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();

            // Three independent streams, as three teams might own them:
            // orders, payments and shipping. Each has its own subjects,
            // limits and retention, and none knows about the others. (Start
            // clean: delete them first if an interrupted run left them.)
            for (var stream : streams.entrySet()) {
                try {
                    jsm.deleteStream(stream.getKey());
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                        throw e;
                    }
                }
                jsm.addStream(StreamConfiguration.builder().name(stream.getKey()).subjects(stream.getValue()).build());
            }

            // Our service keeps a timeline of everything that happens to an
            // order, so it creates one durable pull consumer per stream, all
            // named `timeline`. Each consumer tracks its own position and
            // acks, so the service can stop and resume every stream
            // independently.
            Map<String, ConsumerContext> consumers = new LinkedHashMap<>();
            for (String stream : streams.keySet()) {
                consumers.put(stream, nc.getStreamContext(stream).createOrUpdateConsumer(
                        ConsumerConfiguration.builder().durable("timeline").build()));
            }

            // The merge point is one `Dispatcher`. `consume` keeps pull
            // requests going for its consumer in the background and calls
            // the handler for each message; given the same dispatcher, all
            // three consumers hand their messages to the same thread and
            // the same handler. The handler's state needs no lock, since
            // only that thread touches it; the main thread reads it after
            // the semaphore says all six events were handled. Each message
            // names its stream in its metadata, and its ack goes back to
            // the consumer it came from; `ackSync` waits for the server to
            // confirm it, so the consumer info printed at the end is exact
            // (its checked exceptions, which a handler may not throw, are
            // rethrown unchecked and reach the `ErrorListener`).
            List<Message> handled = new ArrayList<>();
            Semaphore done = new Semaphore(0);
            Dispatcher merged = nc.createDispatcher();
            List<MessageConsumer> readers = new ArrayList<>();
            for (ConsumerContext consumer : consumers.values()) {
                readers.add(consumer.consume(ConsumeOptions.DEFAULT_CONSUME_OPTIONS, merged, msg -> {
                    handled.add(msg);
                    try {
                        msg.ackSync(Duration.ofSeconds(1));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                    done.release();
                }));
            }

            // Other services publish the life of order 1001 across the three
            // streams, all at once.
            String[][] events = {
                    {"orders.created", "order 1001 created"},
                    {"payments.authorized", "order 1001: 42.00 EUR authorized"},
                    {"orders.confirmed", "order 1001 confirmed"},
                    {"shipping.packed", "order 1001 packed"},
                    {"payments.captured", "order 1001: 42.00 EUR captured"},
                    {"shipping.delivered", "order 1001 delivered"},
            };
            for (String[] event : events) {
                js.publish(event[0], event[1].getBytes(StandardCharsets.UTF_8));
            }
            if (!done.tryAcquire(events.length, 5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the events did not all arrive");
            }

            // What arrives in order, and what does not: each consumer
            // delivers its stream in stream order, so within a stream the
            // sequence numbers only go up. Between streams there is no
            // order at all; three consumers pull independently, and the
            // shared dispatcher sees their messages interleaved in whatever
            // way they happened to arrive. So the printout groups by
            // stream.
            List<Message> byStream = new ArrayList<>(handled);
            byStream.sort(Comparator.comparing((Message m) -> m.metaData().getStream())
                    .thenComparingLong(m -> m.metaData().streamSequence()));
            for (Message msg : byStream) {
                System.out.printf("%-8s seq %d  %-19s %s%n", msg.metaData().getStream(),
                        msg.metaData().streamSequence(), msg.getSubject(), text(msg));
            }

            // When the order across streams matters, it has to come from
            // the data. Every JetStream message carries the time its stream
            // stored it; with one publisher that waited for each
            // acknowledgement, as here, those times put the events back in
            // publishing order. (Events from several publishers need a
            // timestamp or sequence of their own.)
            System.out.println("timeline, by the time each stream stored the event:");
            List<Message> byTime = new ArrayList<>(handled);
            byTime.sort(Comparator.comparing(m -> m.metaData().timestamp()));
            for (Message msg : byTime) {
                System.out.printf("  %-19s %s%n", msg.getSubject(), text(msg));
            }

            // Stop reading: closing a `MessageConsumer` ends its pulls and
            // its subscription. Then check each consumer: everything
            // delivered has been acknowledged and nothing is left pending.
            for (MessageConsumer reader : readers) {
                reader.close();
            }
            for (var consumer : consumers.entrySet()) {
                ConsumerInfo info = consumer.getValue().getConsumerInfo();
                System.out.println(consumer.getKey() + " consumer: acked up to seq "
                        + info.getAckFloor().getStreamSequence() + ", pending " + info.getNumPending());
            }

            // Clean up: deleting the streams deletes their consumers too.
            for (String stream : streams.keySet()) {
                jsm.deleteStream(stream);
            }
        }
    }

    static String text(Message msg) {
        return new String(msg.getData(), StandardCharsets.UTF_8);
    }
}
