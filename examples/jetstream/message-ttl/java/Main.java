// Since nats-server 2.11 a message can carry its own time to live, and a
// stream can leave a *delete marker* behind when the last message of a
// subject expires, so consumers hear about it. jnats 2.26 has typed
// settings for both: a TTL in `PublishOptions`, and `allowMessageTtl` and
// `subjectDeleteMarkerTtl` in the stream configuration.
import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
                jsm.deleteStream("PRESENCE");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }

            // Devices announce that they are online on `presence.<device>`,
            // and the stream keeps the latest announcement of each.
            // Per-message TTL is off by default: a message with a TTL is
            // refused, not stored without one. `messageTtlSeconds` puts the
            // TTL in the `Nats-TTL` header.
            jsm.addStream(StreamConfiguration.builder().name("PRESENCE").subjects("presence.>")
                    .maxMessagesPerSubject(1).build());
            try {
                js.publish("presence.sensor-1", bytes("online"), PublishOptions.builder().messageTtlSeconds(1).build());
            } catch (JetStreamApiException e) {
                System.out.println("publish with a TTL -> " + e.getErrorDescription());
            }

            // The stream is updated to allow it (`allowMessageTtl`), with a
            // stream-wide maximum age of 3 s for messages without a TTL, and
            // `subjectDeleteMarkerTtl`: when the last message of a subject
            // expires, the server stores a marker in its place, kept for
            // 1 s. (A maximum age this short needs a duplicate window no
            // longer than it.) The update starts from a copy of the current
            // configuration, so nothing else changes.
            StreamConfiguration current = jsm.getStreamInfo("PRESENCE").getConfiguration();
            jsm.updateStream(StreamConfiguration.builder(current)
                    .allowMessageTtl()
                    .subjectDeleteMarkerTtl(Duration.ofSeconds(1))
                    .maxAge(Duration.ofSeconds(3))
                    .duplicateWindow(Duration.ofSeconds(1))
                    .build());
            System.out.println("PRESENCE: allow_msg_ttl, max_age=3s, subject_delete_marker_ttl=1s");

            // Three announcements. sensor-1 is good for 1 s and must
            // announce again to stay listed. sensor-2 sets no TTL, so the
            // stream's maximum age applies. The gateway's TTL is `never`
            // (`messageTtlNever`): it outlives the maximum age. TTLs are
            // whole seconds, at least one.
            js.publish("presence.sensor-1", bytes("online"), PublishOptions.builder().messageTtlSeconds(1).build());
            js.publish("presence.sensor-2", bytes("online"));
            js.publish("presence.gateway", bytes("online"), PublishOptions.builder().messageTtlNever().build());

            // A consumer reading the stream sees the three announcements,
            // then, as the sensors expire, a delete marker for each: a
            // message with no data on the same subject, whose
            // `Nats-Marker-Reason` header says why (`MaxAge`, for a TTL or
            // the stream's maximum age) and whose `Nats-TTL` is the marker's
            // own lifetime. An ordered consumer suits a reader like this
            // one, which only follows along.
            try (IterableConsumer reader = nc.getStreamContext("PRESENCE")
                    .createOrderedConsumer(new OrderedConsumerConfiguration()).iterate()) {
                for (int i = 0; i < 5; i++) {
                    Message msg = reader.nextMessage(Duration.ofSeconds(5));
                    if (msg == null) {
                        throw new IllegalStateException("nothing arrived");
                    }
                    long seq = msg.metaData().streamSequence();
                    String reason = msg.hasHeaders() ? msg.getHeaders().getFirst("Nats-Marker-Reason") : null;
                    if (reason != null) {
                        System.out.println("  seq " + seq + " " + msg.getSubject() + ": delete marker, reason " + reason
                                + ", kept " + msg.getHeaders().getFirst("Nats-TTL"));
                    } else {
                        System.out.println("  seq " + seq + " " + msg.getSubject() + ": '"
                                + new String(msg.getData(), StandardCharsets.UTF_8) + "'");
                    }
                }
            }

            // The markers expire in turn. We poll the stream's subjects until
            // only one is left, with a deadline: the gateway, which ignores
            // the maximum age.
            Instant deadline = Instant.now().plusSeconds(5);
            List<Subject> subjects;
            while ((subjects = jsm.getStreamInfo("PRESENCE", StreamInfoOptions.filterSubjects(">"))
                    .getStreamState().getSubjects()).size() != 1) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the markers did not expire");
                }
                Thread.sleep(100);
            }
            System.out.println("PRESENCE holds " + subjects.stream().map(Subject::getName).collect(Collectors.joining(", ")));

            // Clean up.
            jsm.deleteStream("PRESENCE");
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
