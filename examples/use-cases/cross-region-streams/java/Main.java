// A service that takes orders in several regions wants two things that
// pull against each other: every write fast and local, even when the other
// regions are unreachable, and every region able to read every order. With
// JetStream in a super-cluster, each region writes only to a stream of its
// own, in its own cluster, and each region also keeps a global stream that
// sources all the regional ones. No stream is written from two regions, so
// nothing conflicts; the copying happens in the background, across the
// gateways, and catches up by itself after an interruption. From jnats
// this needs stream `Placement` and `Source`s, and a `ConnectionListener`.
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.Placement;
import io.nats.client.api.PublishAck;
import io.nats.client.api.Source;
import io.nats.client.api.StreamConfiguration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

public class Main {
    // The server's error code for "stream not found".
    static final int STREAM_NOT_FOUND = 10059;

    static final List<String> REGIONS = List.of("east", "west", "central");

    static final Map<String, Connection> CLIENTS = new LinkedHashMap<>();

    static String url(String region) {
        return System.getenv().getOrDefault("NATS_URL_" + region.toUpperCase() + "_1", "nats://127.0.0.1:4222");
    }

    public static void main(String[] args) throws Exception {
        // The recorder runs three clusters of three servers, one per
        // region, joined by gateways, and gives each server a URL. One
        // client per region connects to a server of its own region, as an
        // application running there would.
        //
        // The west client tells when it loses its server, through its
        // `ConnectionListener`; it then tries to reconnect, in vain, and
        // reports each failure to its `ErrorListener`, which stays quiet.
        CountDownLatch westGone = new CountDownLatch(1);
        try {
            for (String r : List.of("east", "central")) {
                CLIENTS.put(r, Nats.connect(url(r)));
            }
            CLIENTS.put("west", Nats.connect(Options.builder().server(url("west"))
                    .connectionListener((conn, event) -> {
                        if (event == ConnectionListener.Events.DISCONNECTED) {
                            westGone.countDown();
                        }
                    })
                    .errorListener(new ErrorListener() {})
                    .build()));
            JetStreamManagement east = CLIENTS.get("east").jetStreamManagement();

            // Start clean: delete the streams if an interrupted run left
            // them.
            for (String r : REGIONS) {
                for (String name : List.of("GLOBAL_" + r.toUpperCase(), "ORDERS_" + r.toUpperCase())) {
                    try {
                        east.deleteStream(name);
                    } catch (JetStreamApiException e) {
                        if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                            throw e;
                        }
                    }
                }
            }

            // A regional stream per region: ORDERS_EAST takes
            // `orders.east.>` and lives in cluster east (its `Placement`),
            // three replicas, and so on. Any client may create any of them;
            // placement decides where they live.
            for (String r : REGIONS) {
                east.addStream(StreamConfiguration.builder().name("ORDERS_" + r.toUpperCase())
                        .subjects("orders." + r + ".>").replicas(3)
                        .placement(Placement.builder().cluster(r).build()).build());
            }

            // And a global stream per region: GLOBAL_EAST, in east, sources
            // the three regional streams, and so do GLOBAL_WEST and
            // GLOBAL_CENTRAL in their regions. A source copies each message
            // with its subject, so a global stream knows where every order
            // came from.
            for (String r : REGIONS) {
                List<Source> sources = new ArrayList<>();
                for (String s : REGIONS) {
                    sources.add(Source.builder().sourceName("ORDERS_" + s.toUpperCase()).build());
                }
                east.addStream(StreamConfiguration.builder().name("GLOBAL_" + r.toUpperCase()).replicas(3)
                        .placement(Placement.builder().cluster(r).build()).sources(sources).build());
            }

            for (String r : REGIONS) {
                takeOrder(r, 1);
            }
            for (String r : REGIONS) {
                globalView(r, 3);
            }

            // Now the west region is lost: the recorder stops its three
            // servers when this line is printed. The program waits until
            // the west client has lost its server, then closes it.
            System.out.println("stopping region west");
            if (!westGone.await(15, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the west client never lost its server");
            }
            CLIENTS.get("west").close();
            System.out.println("west client: disconnected, its region is gone");

            // East and central go on taking orders: their regional streams
            // and their global streams live in their own regions, and
            // copying between them goes on. West's order, copied before the
            // loss, is still in every global stream that is left. When west
            // comes back, its global stream picks up where it stopped: a
            // source remembers the last message it copied.
            for (String r : List.of("east", "central")) {
                takeOrder(r, 2);
            }
            for (String r : List.of("east", "central")) {
                globalView(r, 5);
            }

            // Losing a region also loses its servers' votes in JetStream's
            // meta group: creating, changing or deleting streams needs a
            // majority of all JetStream servers, which three regions keep.
            // See the super-cluster JetStream quorum example.
            //
            // Clean up: delete the streams, the lost region's included (a
            // deletion is the meta group's decision; west's servers learn
            // of it when they return).
            for (String r : REGIONS) {
                for (String name : List.of("GLOBAL_" + r.toUpperCase(), "ORDERS_" + r.toUpperCase())) {
                    deleteStream(east, name);
                }
            }
            for (String r : List.of("east", "central")) {
                CLIENTS.get(r).drain(Duration.ofSeconds(5)).get();
            }
        } finally {
            for (Connection nc : CLIENTS.values()) {
                nc.close();
            }
        }
    }

    // The clean-up deletes each stream with this method. If the meta
    // group's leader was in west, the six servers left elect a new one
    // first, which takes a few seconds: until then the API does not answer
    // (jnats throws an `IOException` for the timeout), or answers
    // "JetStream system temporarily unavailable" (status 503), so the
    // deletion is tried again until a deadline. A stream that is already
    // gone counts as deleted: a try that timed out may still have gone
    // through.
    static void deleteStream(JetStreamManagement jsm, String name) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            try {
                jsm.deleteStream(name);
                return;
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
                    return;
                }
                if (e.getErrorCode() != 503 || Instant.now().isAfter(deadline)) {
                    throw e;
                }
            } catch (IOException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw e;
                }
            }
            Thread.sleep(250);
        }
    }

    // Each region takes an order, on its own subjects. The publish is
    // answered by the regional stream, in the client's own cluster: the
    // write never waits on another region. A new stream's interest takes a
    // moment to reach every server; until then a publish finds no
    // responders (jnats throws an `IOException` naming the 503 status, and
    // nothing is stored), so it is tried again until a deadline.
    static void takeOrder(String region, int n) throws Exception {
        JetStream js = CLIENTS.get(region).jetStream();
        Instant deadline = Instant.now().plusSeconds(10);
        PublishAck ack;
        while (true) {
            try {
                ack = js.publish("orders." + region + "." + n, "an order".getBytes(StandardCharsets.UTF_8));
                break;
            } catch (IOException e) {
                if (!e.getMessage().contains("No Responders") || Instant.now().isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
        System.out.println(region + " client: orders." + region + "." + n + " -> stored in " + ack.getStream());
    }

    // The global streams fill in the background. Each region waits, with a
    // deadline, until its own global stream holds what it expects, and then
    // counts its orders by region of origin, from the subjects.
    static void globalView(String region, int expected) throws Exception {
        JetStreamManagement jsm = CLIENTS.get(region).jetStreamManagement();
        String stream = "GLOBAL_" + region.toUpperCase();
        Instant deadline = Instant.now().plusSeconds(15);
        while (jsm.getStreamInfo(stream).getStreamState().getMsgCount() < expected) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(stream + " did not fill");
            }
            Thread.sleep(100);
        }
        Map<String, Integer> origins = new LinkedHashMap<>();
        REGIONS.forEach(r -> origins.put(r, 0));
        for (long seq = 1; seq <= expected; seq++) {
            origins.merge(jsm.getMessage(stream, seq).getSubject().split("\\.")[1], 1, Integer::sum);
        }
        List<String> counts = new ArrayList<>();
        origins.forEach((r, c) -> counts.add(r + " " + c));
        System.out.println(stream + ": " + expected + " orders (" + String.join(", ", counts) + ")");
    }
}
