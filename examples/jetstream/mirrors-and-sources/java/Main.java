// Mirrors and sources let one stream be filled from others by the server
// itself. From jnats we only declare them, in the stream configuration,
// with a `Mirror` or a list of `Source`s; `MessageInfo` is what reading one
// stored message by its sequence returns.
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.Mirror;
import io.nats.client.api.Source;
import io.nats.client.api.StreamConfiguration;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

public class Main {
    // The server's error code for "stream not found".
    static final int STREAM_NOT_FOUND = 10059;

    static final List<String> STREAMS = List.of("ORDERS_EU", "ORDERS_US", "ORDERS_EU_BACKUP", "ORDERS_ALL", "PRIORITY");

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();

            // Start clean: delete the five streams if an interrupted run
            // left them.
            for (String stream : STREAMS) {
                try {
                    jsm.deleteStream(stream);
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                        throw e;
                    }
                }
            }

            // Two origin streams, one per region, each taking orders on its
            // own subjects. Each order is either `standard` or `priority`.
            jsm.addStream(StreamConfiguration.builder().name("ORDERS_EU").subjects("orders.eu.>").build());
            jsm.addStream(StreamConfiguration.builder().name("ORDERS_US").subjects("orders.us.>").build());
            publish(js, "eu", "standard", "priority", "standard");
            publish(js, "us", "priority", "standard", "standard", "priority");
            System.out.println("published 3 orders to ORDERS_EU and 4 to ORDERS_US");

            // A mirror is a read-only copy of exactly one stream: same
            // messages, same sequence numbers. It has no subjects of its
            // own, so nobody can publish into it. Mirrors serve as backups,
            // or as read replicas placed closer to where the data is read.
            jsm.addStream(StreamConfiguration.builder()
                    .name("ORDERS_EU_BACKUP")
                    .mirror(Mirror.builder().sourceName("ORDERS_EU").build())
                    .build());

            // A stream with sources aggregates one or more streams, each
            // message getting a new sequence in the aggregate. Here
            // ORDERS_ALL combines both regions, and PRIORITY takes only the
            // priority orders from each, using a subject filter per source.
            jsm.addStream(StreamConfiguration.builder()
                    .name("ORDERS_ALL")
                    .sources(Source.builder().sourceName("ORDERS_EU").build(),
                            Source.builder().sourceName("ORDERS_US").build())
                    .build());
            jsm.addStream(StreamConfiguration.builder()
                    .name("PRIORITY")
                    .sources(Source.builder().sourceName("ORDERS_EU").filterSubject("orders.eu.priority").build(),
                            Source.builder().sourceName("ORDERS_US").filterSubject("orders.us.priority").build())
                    .build());

            System.out.println("message counts:");
            waitFor(jsm, "ORDERS_EU_BACKUP", 3);
            waitFor(jsm, "ORDERS_ALL", 7);
            waitFor(jsm, "PRIORITY", 3);

            // The mirror really is a copy: message 2 has the same subject
            // and data in both streams. `getMessage` reads one stored
            // message by its stream sequence.
            MessageInfo original = jsm.getMessage("ORDERS_EU", 2);
            MessageInfo copy = jsm.getMessage("ORDERS_EU_BACKUP", 2);
            System.out.println("ORDERS_EU seq 2:        " + original.getSubject() + " '" + text(original) + "'");
            System.out.println("ORDERS_EU_BACKUP seq 2: " + copy.getSubject() + " '" + text(copy) + "'");

            // Mirrors and sources keep following their origins. Two new
            // priority orders, one per region, flow into every stream that
            // wants them.
            publish(js, "eu", "priority");
            publish(js, "us", "priority");
            System.out.println("published 1 more priority order to each region");
            waitFor(jsm, "ORDERS_EU_BACKUP", 4);
            waitFor(jsm, "ORDERS_ALL", 9);
            waitFor(jsm, "PRIORITY", 5);

            // Clean up: the copies first, then the streams they copy from.
            List<String> reversed = new ArrayList<>(STREAMS);
            Collections.reverse(reversed);
            for (String stream : reversed) {
                jsm.deleteStream(stream);
            }
        }
    }

    static void publish(JetStream js, String region, String... kinds) throws Exception {
        for (String kind : kinds) {
            js.publish("orders." + region + "." + kind, (region + " " + kind + " order").getBytes(StandardCharsets.UTF_8));
        }
    }

    // Copying happens in the background: the server runs an internal
    // consumer for each mirror and source. So we poll stream info until
    // the expected count arrives, with a deadline so a broken setup fails
    // instead of hanging.
    static void waitFor(JetStreamManagement jsm, String stream, long expected) throws Exception {
        Instant giveUp = Instant.now().plusSeconds(5);
        long count;
        while ((count = jsm.getStreamInfo(stream).getStreamState().getMsgCount()) < expected
                && Instant.now().isBefore(giveUp)) {
            Thread.sleep(100);
        }
        System.out.println("  " + stream + ": " + count + " messages");
    }

    static String text(MessageInfo info) {
        return new String(info.getData(), StandardCharsets.UTF_8);
    }
}
