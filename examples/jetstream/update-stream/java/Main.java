// A stream's configuration is not fixed at creation: limits, subjects and
// policies can be changed while the stream is in use, and the server
// applies them to the messages it already holds. This program changes a
// live stream step by step with `JetStreamManagement.updateStream`.
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamState;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;

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

            // A stream with no limits, and ten orders from three regions.
            jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.*").build());
            String[] regions = {"eu", "us", "asia"};
            for (int i = 1; i <= 10; i++) {
                js.publish("orders." + regions[i % 3], ("order " + i).getBytes(StandardCharsets.UTF_8));
            }
            show(jsm, "created, 10 orders:");

            // Lowering a limit applies at once to what is stored: the five
            // oldest orders are removed to get down to five messages. The
            // sequence numbers of the rest do not change.
            update(jsm, b -> b.maxMessages(5));
            show(jsm, "max_msgs=5:");

            // With the discard policy `New`, a full stream refuses new
            // messages instead of dropping old ones. The stream holds 5 of
            // 5, so the next publish is rejected, and the exception says why.
            update(jsm, b -> b.discardPolicy(DiscardPolicy.New));
            try {
                js.publish("orders.eu", "order 11".getBytes(StandardCharsets.UTF_8));
            } catch (JetStreamApiException e) {
                System.out.println("discard=new, 5 of 5 stored: publish -> " + e.getErrorDescription());
            }

            // `maxMessagesPerSubject(1)` keeps only the newest message of
            // each subject: the latest order per region.
            update(jsm, b -> b.maxMessagesPerSubject(1));
            show(jsm, "max_msgs_per_subject=1:");

            // Subjects can change too. After adding `returns.*` the stream
            // stores returns as well; the stored orders are untouched.
            update(jsm, b -> b.subjects("orders.*", "returns.*"));
            js.publish("returns.eu", "return of order 9".getBytes(StandardCharsets.UTF_8));
            show(jsm, "subjects + returns.*, 1 return:");

            // Some settings are fixed once the stream exists: its name, its
            // storage type, and whether it is a work queue. The server
            // refuses the update with a `JetStreamApiException`, and nothing
            // changes.
            try {
                update(jsm, b -> b.storageType(StorageType.Memory));
            } catch (JetStreamApiException e) {
                System.out.println("storage file -> memory: refused: " + e.getErrorDescription());
            }

            // A change must also be consistent with the rest of the
            // configuration. The duplicate window (2 minutes by default, see
            // the deduplication example) may not be longer than the
            // maximum age, so a 1-second `maxAge` alone is refused...
            try {
                update(jsm, b -> b.maxAge(Duration.ofSeconds(1)));
            } catch (JetStreamApiException e) {
                System.out.println("max_age=1s: refused: " + e.getErrorDescription());
            }

            // ...and accepted together with a 1-second duplicate window.
            // The maximum age counts from when each message was stored, not
            // from the update, so the stored messages expire as soon as they
            // are a second old. We poll the stream state until it is empty,
            // with a deadline. An empty stream reports its first sequence
            // one past its last: sequence numbers are never reused.
            update(jsm, b -> b.maxAge(Duration.ofSeconds(1)).duplicateWindow(Duration.ofSeconds(1)));
            Instant deadline = Instant.now().plusSeconds(5);
            while (jsm.getStreamInfo("ORDERS").getStreamState().getMsgCount() > 0) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the messages did not expire");
                }
                Thread.sleep(100);
            }
            show(jsm, "max_age=1s, a moment later:");

            // Clean up.
            jsm.deleteStream("ORDERS");
        }
    }

    // `updateStream` sends a complete configuration, and a field left
    // unset in it goes back to its default: a configuration with only the
    // name and a message limit would also reset the subjects to the
    // stream's name and stop it from storing `orders.*`. So every change
    // starts from the current configuration: `StreamConfiguration.builder`
    // given an existing configuration copies all of it, and the change sets
    // only what differs.
    static void update(JetStreamManagement jsm, UnaryOperator<StreamConfiguration.Builder> change) throws Exception {
        StreamConfiguration current = jsm.getStreamInfo("ORDERS").getConfiguration();
        jsm.updateStream(change.apply(StreamConfiguration.builder(current)).build());
    }

    // After each step, print what the stream holds: how many messages, and
    // the range of sequence numbers they span.
    static void show(JetStreamManagement jsm, String label) throws Exception {
        StreamState s = jsm.getStreamInfo("ORDERS").getStreamState();
        System.out.printf("%-34s messages=%d first_seq=%d last_seq=%d%n",
                label, s.getMsgCount(), s.getFirstSequence(), s.getLastSequence());
    }
}
