// A stream with the default *limits* retention keeps messages until one of
// its limits says otherwise. jnats splits JetStream in two:
// `JetStreamManagement` creates, inspects and deletes streams and
// consumers, and `JetStream` publishes and subscribes. Stream settings are
// built with `StreamConfiguration.builder()`, and every error the server
// returns for a JetStream request arrives as a checked
// `JetStreamApiException` carrying the server's error code and text.
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamState;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

public class Main {
    // The server's error code for "stream not found" (jnats has no
    // constant for it).
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        // Connect, then take the two JetStream interfaces. Neither call
        // talks to the server yet; they are views on the connection, cheap
        // to create, and live as long as it does.
        try (Connection nc = Nats.connect(options)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();

            // Start clean: delete the streams if an interrupted run left
            // them. "Not found" is the one error we expect; any other is
            // thrown on.
            for (String stream : List.of("EVENTS", "ORDERS")) {
                deleteIfPresent(jsm, stream);
            }

            // Create a stream capturing `events.>` with three limits at
            // once: at most 10 messages, at most 1000 bytes, and nothing
            // older than one second. Limits retention is the default, so it
            // is not named here. The discard policy is also the default,
            // `Old`: when a new message would break a limit, the oldest
            // messages are removed to make room.
            jsm.addStream(StreamConfiguration.builder()
                    .name("EVENTS")
                    .subjects("events.>")
                    .maxMessages(10)
                    .maxBytes(1000)
                    .maxAge(Duration.ofSeconds(1))
                    .build());

            // Publish 15 small messages. `js.publish` waits for the
            // stream's acknowledgement, so each call returns once the
            // message is stored. Every one is accepted, but only the last
            // 10 are kept: in the output, the first sequence has moved on to
            // 6 while the last is 15. Sequence numbers are never reused.
            for (int i = 1; i <= 15; i++) {
                js.publish("events.click." + i, ("click " + i).getBytes(StandardCharsets.UTF_8));
            }
            show(jsm, "after 15 small msgs:", "EVENTS");

            // Now two larger messages of 400 bytes each. Stored size counts
            // the subject, headers and payload plus some overhead, so the
            // byte limit bites first: the stream drops old messages until
            // the total fits under 1000 bytes, leaving far fewer than 10.
            byte[] large = new byte[400];
            Arrays.fill(large, (byte) 'x');
            for (int i = 1; i <= 2; i++) {
                js.publish("events.upload." + i, large);
            }
            show(jsm, "after 2 large msgs:", "EVENTS");

            // Finally the age limit. Here the waiting is the point: a
            // little longer than one second later every message has
            // expired. The stream is empty, and the first sequence points
            // one past the last: the next message will get sequence 18.
            Thread.sleep(1500);
            show(jsm, "after 1.5 s:", "EVENTS");

            // The other discard policy, `New`, turns a limit into
            // back-pressure: a full stream keeps what it has and rejects the
            // new message instead. The publisher learns it from the
            // acknowledgement: `js.publish` throws a `JetStreamApiException`
            // whose description is the server's reason.
            jsm.addStream(StreamConfiguration.builder()
                    .name("ORDERS")
                    .subjects("orders.>")
                    .maxMessages(3)
                    .discardPolicy(DiscardPolicy.New)
                    .build());
            for (int i = 1; i <= 4; i++) {
                try {
                    PublishAck ack = js.publish("orders." + i, "order".getBytes(StandardCharsets.UTF_8));
                    System.out.println("orders." + i + " stored as seq " + ack.getSeqno());
                } catch (JetStreamApiException e) {
                    System.out.println("orders." + i + " rejected: " + e.getErrorDescription());
                }
            }
            show(jsm, "ORDERS:", "ORDERS");

            // Clean up: deleting a stream deletes its messages too.
            for (String stream : List.of("EVENTS", "ORDERS")) {
                jsm.deleteStream(stream);
            }
        }
    }

    // Print the part of the stream state that tells the story: how many
    // messages and bytes are stored, and the sequence numbers of the
    // oldest and the newest one still kept. `getStreamInfo` asks the server
    // each time; the state is a snapshot.
    static void show(JetStreamManagement jsm, String label, String stream) throws Exception {
        StreamState s = jsm.getStreamInfo(stream).getStreamState();
        System.out.printf("%-22s messages=%-2d bytes=%-4d first_seq=%-2d last_seq=%d%n",
                label, s.getMsgCount(), s.getByteCount(), s.getFirstSequence(), s.getLastSequence());
    }

    static void deleteIfPresent(JetStreamManagement jsm, String stream) throws Exception {
        try {
            jsm.deleteStream(stream);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw e;
            }
        }
    }
}
