// JetStream in a super-cluster keeps one piece of shared state: the meta
// group, a Raft group of every JetStream server in every cluster, which
// decides where each stream and consumer lives and records every creation
// and deletion. Like every Raft group it acts only while a majority of its
// members can talk. With three regions, losing any one leaves a majority;
// with two, losing either does not. This example loses a region and shows
// what still works, and how each failure looks in jnats.
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.Mirror;
import io.nats.client.api.Placement;
import io.nats.client.api.StreamConfiguration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

public class Main {
    // The server's error code for "stream not found".
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        // The recorder runs three clusters of three servers, east, west and
        // central, joined by gateways, with JetStream on every server; it
        // gives each server a URL (`NATS_URL_EAST_1` ...). The client lives
        // in east (`NATS_URL` lists the east servers).
        long servers = System.getenv().keySet().stream()
                .filter(v -> v.matches("NATS_URL_(EAST|WEST|CENTRAL)_\\d+")).count();
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        try (Connection nc = Nats.connect(Options.builder().servers(urls.split(",")).build())) {
            // Every server runs JetStream, so every server is a member of
            // the meta group. Here that is nine, and a majority is five.
            System.out.println("meta group: " + servers + " servers, a majority is " + (servers / 2 + 1));

            // JetStream API calls wait 2 s for an answer (the request
            // timeout of `JetStreamOptions`), so that what no longer answers
            // shows quickly: jnats then throws an `IOException`.
            JetStreamOptions quick = JetStreamOptions.builder().requestTimeout(Duration.ofSeconds(2)).build();
            JetStreamManagement jsm = nc.jetStreamManagement(quick);
            JetStream js = nc.jetStream(quick);

            // Start clean: delete the streams if an interrupted run left
            // them.
            for (String name : List.of("ORDERS_MIRROR", "ORDERS", "AUDIT")) {
                try {
                    jsm.deleteStream(name);
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                        throw e;
                    }
                }
            }

            // A stream lives in one cluster: all its replicas are servers of
            // that cluster, chosen with a `Placement`. ORDERS lives in west,
            // three replicas, and takes the subjects `orders.>`. The client
            // is in east: its requests and publishes cross a gateway.
            jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>").replicas(3)
                    .placement(Placement.builder().cluster("west").build()).build());

            // The new stream's interest in `orders.>` takes a moment to
            // travel through the gateway to east. Until it arrives, a
            // publish from east finds "no responders" and nothing is stored;
            // jnats reports that as an `IOException` whose message names
            // the 503 status, so the first publish is tried again, until a
            // deadline.
            Instant deadline = Instant.now().plusSeconds(10);
            while (true) {
                try {
                    js.publish("orders.1", bytes("order 1"));
                    break;
                } catch (IOException e) {
                    if (!e.getMessage().contains("No Responders") || Instant.now().isAfter(deadline)) {
                        throw e;
                    }
                    Thread.sleep(50);
                }
            }
            for (int n = 2; n <= 3; n++) {
                js.publish("orders." + n, bytes("order " + n));
            }

            // A mirror keeps a read-only copy of another stream, here in
            // east. The servers holding the mirror pull from ORDERS across
            // the gateway; the copy catches up on its own, so the program
            // waits (with a deadline) until it holds the three orders.
            jsm.addStream(StreamConfiguration.builder().name("ORDERS_MIRROR").replicas(3)
                    .mirror(Mirror.builder().sourceName("ORDERS").build())
                    .placement(Placement.builder().cluster("east").build()).build());
            deadline = Instant.now().plusSeconds(10);
            while (jsm.getStreamInfo("ORDERS_MIRROR").getStreamState().getMsgCount() < 3) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the mirror did not catch up");
                }
                Thread.sleep(50);
            }
            System.out.println("ORDERS in west: 3 orders; ORDERS_MIRROR in east: 3 orders");

            // Central holds no stream. It is the arbiter: its servers take
            // part in the meta group's votes and store nothing. (In
            // production an arbiter can be a small cluster whose JetStream
            // limits, or whose placement tags, keep streams away.)
            //
            // Now the whole west region goes down: the recorder stops its
            // three servers when this line is printed. The client asks for
            // ORDERS' info until that fails: depending on what the other
            // servers know by then, the request goes unanswered (an
            // `IOException` after the timeout) or is answered with an error
            // such as "stream is offline" (a `JetStreamApiException`).
            // Either way, nothing is left that holds ORDERS.
            System.out.println("stopping region west");
            deadline = Instant.now().plusSeconds(30);
            while (true) {
                try {
                    jsm.getStreamInfo("ORDERS");
                } catch (IOException | JetStreamApiException e) {
                    break;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("ORDERS still answers");
                }
                Thread.sleep(100);
            }
            System.out.println("ORDERS (west): stream info fails, every replica is down");

            // Publishing to `orders.>` fails: no stream takes those subjects
            // any more, and the server answers "no responders". (A core NATS
            // publish would succeed, and be stored nowhere.)
            try {
                js.publish("orders.4", bytes("order 4"));
            } catch (IOException e) {
                System.out.println("publish to orders.4 -> " + e.getMessage());
            }

            // The mirror lives in east and answers as before: what ORDERS
            // stored before west went down can still be read.
            List<String> stored = new ArrayList<>();
            for (long seq = 1; seq <= 3; seq++) {
                stored.add(new String(jsm.getMessage("ORDERS_MIRROR", seq).getData(), StandardCharsets.UTF_8));
            }
            System.out.println("ORDERS_MIRROR (east): " + String.join(", ", stored));

            // And the meta group still has six of its nine members, more
            // than the five it needs, so JetStream can still create streams
            // (and consumers, and key-value buckets). If the meta group's
            // leader was in west, the six elect a new one first, which takes
            // a few seconds: until then the API answers "JetStream system
            // temporarily unavailable" (or does not answer), so the client
            // tries again, until a deadline.
            deadline = Instant.now().plusSeconds(30);
            while (true) {
                try {
                    jsm.addStream(StreamConfiguration.builder().name("AUDIT").subjects("audit.>").replicas(3)
                            .placement(Placement.builder().cluster("east").build()).build());
                    break;
                } catch (IOException | JetStreamApiException e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw e;
                    }
                    Thread.sleep(250);
                }
            }
            System.out.println("new stream AUDIT in east: created, the meta group has 6 of 9");

            // With two regions, as on the super-cluster page, the same loss
            // leaves three of six: no majority, and that last step would
            // fail everywhere until the region came back.
            //
            // Clean up: delete the streams. Deleting is a meta group
            // decision too, so even ORDERS, whose servers are down, can be
            // deleted; west's servers learn of it when they return.
            for (String name : List.of("AUDIT", "ORDERS_MIRROR", "ORDERS")) {
                jsm.deleteStream(name);
            }
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
