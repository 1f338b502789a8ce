// A super-cluster joins whole clusters with gateways, typically one
// cluster per region or cloud. Clients connect to their local cluster, and
// gateways carry messages to other clusters only when someone there is
// interested. Queue groups prefer members in the local cluster and fall
// back to other clusters, which gives services geo-affinity and failover
// for free. From jnats we need core requests, `getServerInfo` to see where
// a connection landed, and a stream `Placement`.
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.Placement;
import io.nats.client.api.StreamConfiguration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

public class Main {
    // The server's error code for "stream not found".
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        // The recorder runs the clusters `east` and `west`, three nodes
        // each, and gives every node a URL of its own. `NATS_URL` lists the
        // east nodes; our requesting client lives there.
        // `reportNoResponders()` lets a request tell "nobody listening"
        // from a timeout.
        try (Connection client = Nats.connect(Options.builder().server(url("EAST_1")).reportNoResponders().build());
             Connection west = Nats.connect(url("WEST_2"));
             Connection east = Nats.connect(url("EAST_1"))) {
            // 1. The only responder is in the west. The east client's
            // request crosses the gateway, and the answer comes back the
            // same way.
            startResponder(west);
            System.out.println("only a west responder: east client's request -> " + ask(client));

            // 2. A responder joins the same queue group in the east. The
            // east servers now have a member nearby, so the requests stay in
            // the east cluster, with no gateway hop.
            Dispatcher eastResponder = startResponder(east);
            for (int i = 1; i <= 3; i++) {
                System.out.println("responders in both: east client's request " + i + " -> " + ask(client));
            }

            // 3. The east responder leaves the group. The queue group still
            // has a member in the west, so requests fail over across the
            // gateway.
            eastResponder.unsubscribe("weather");
            east.flush(Duration.ofSeconds(1));
            System.out.println("east responder gone: east client's request -> " + ask(client));

            // JetStream spans the super-cluster too. A stream can be placed
            // in a chosen cluster; here the east client creates one in the
            // west, and the stream's info names the cluster that holds it.
            // (Start clean: delete it first if an interrupted run left it.)
            JetStreamManagement jsm = client.jetStreamManagement();
            try {
                jsm.deleteStream("WEST_EVENTS");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }
            jsm.addStream(StreamConfiguration.builder()
                    .name("WEST_EVENTS")
                    .subjects("west.events.>")
                    .placement(Placement.builder().cluster("west").build())
                    .build());
            String placed = jsm.getStreamInfo("WEST_EVENTS").getClusterInfo().getName();
            System.out.println("stream WEST_EVENTS created from the east, placed in cluster " + placed);

            // A warning about this layout. Every stream and consumer is
            // created, changed and deleted through JetStream's meta group:
            // one Raft group of all six servers, in both clusters, which
            // acts only with a majority, four of six. If one region goes
            // down, the other has three: no majority. Streams that live in
            // the surviving region keep storing and delivering messages, but
            // creating or deleting any stream or consumer (ephemeral
            // consumers and KV watchers included) fails everywhere until the
            // lost region returns. Two regions cannot outvote each other;
            // with JetStream, run three, or two and a small third cluster
            // whose only job is to vote.
            //
            // Clean up: delete the stream.
            jsm.deleteStream("WEST_EVENTS");
            east.drain(Duration.ofSeconds(5)).get();
            west.drain(Duration.ofSeconds(5)).get();
            client.drain(Duration.ofSeconds(5)).get();
        }
    }

    static String url(String node) {
        return System.getenv().getOrDefault("NATS_URL_" + node, "nats://127.0.0.1:4222");
    }

    // A responder is an ordinary queue subscriber. The server's INFO,
    // which jnats keeps as `getServerInfo()`, names the cluster the
    // connection landed in, and the responder puts it in its answers to
    // make the routing visible. The flush makes sure its own server has
    // the subscription.
    static Dispatcher startResponder(Connection nc) throws Exception {
        String cluster = nc.getServerInfo().getCluster();
        Dispatcher dispatcher = nc.createDispatcher();
        dispatcher.subscribe("weather", "weather-service", msg ->
                nc.publish(msg.getReplyTo(), ("answered by a responder in " + cluster).getBytes(StandardCharsets.UTF_8)));
        nc.flush(Duration.ofSeconds(1));
        return dispatcher;
    }

    // The flush only tells a responder that its own server has the
    // subscription. News of it takes a moment more to travel through routes
    // and gateways; until it reaches the east client's server, a request
    // there finds "no responders", so `ask` tries again after a short
    // pause, until a deadline.
    static String ask(Connection client) throws Exception {
        Instant deadline = Instant.now().plusSeconds(5);
        while (true) {
            try {
                Message reply = client.request("weather", new byte[0]).get(1, TimeUnit.SECONDS);
                return new String(reply.getData(), StandardCharsets.UTF_8);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof JetStreamStatusException s && s.getStatus().isNoResponders())
                        || Instant.now().isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
