// A NATS cluster is a set of nats-servers joined by routes. Clients can
// connect to any node and still reach every subscriber on every other
// node, and JetStream can keep each stream on several nodes at once, so
// losing a server loses neither connectivity nor data. jnats needs nothing
// special for a cluster; Jackson reads the one raw API answer below.
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.Replica;
import io.nats.client.api.StreamConfiguration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

public class Main {
    // The server's error code for "stream not found".
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        // Each node has its own client URL. Connecting to one explicitly
        // shows that it does not matter which node a client uses.
        // (`NATS_URL` lists all three; a real application passes that whole
        // list, so it can fail over to another node.) `reportNoResponders()`
        // lets a request tell "nobody listening" from a timeout.
        Map<String, Connection> conns = new LinkedHashMap<>();
        try {
            for (String node : List.of("n1", "n2", "n3")) {
                String url = System.getenv().getOrDefault("NATS_URL_" + node.toUpperCase(), "nats://127.0.0.1:4222");
                conns.put(node, Nats.connect(Options.builder().server(url).reportNoResponders().build()));
            }
            Connection n1 = conns.get("n1");
            Connection n2 = conns.get("n2");
            Connection n3 = conns.get("n3");

            // Core NATS across the cluster: a responder on n3, a requester
            // on n1. The routes tell every node about each subscription, so
            // n1 knows to forward the request to n3, and n3 sends the reply
            // back to n1. That news travels asynchronously, though: the
            // flush only tells us that n3 has the subscription, and for a
            // moment n1 may not have heard yet and answers "no responders".
            // A client that starts at the same time as its peers simply
            // tries again, until a deadline.
            n3.createDispatcher().subscribe("greet", msg -> n3.publish(msg.getReplyTo(),
                    ("hello from a client on n3, to " + text(msg)).getBytes(StandardCharsets.UTF_8)));
            n3.flush(Duration.ofSeconds(1));
            Message reply = null;
            Instant deadline = Instant.now().plusSeconds(5);
            while (reply == null) {
                try {
                    reply = n1.request("greet", "a client on n1".getBytes(StandardCharsets.UTF_8)).get(1, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof JetStreamStatusException s && s.getStatus().isNoResponders())
                            || Instant.now().isAfter(deadline)) {
                        throw e;
                    }
                    Thread.sleep(50);
                }
            }
            System.out.println("client on n1 sent a request, reply: " + text(reply));

            // JetStream: `replicas(3)` keeps a copy of the stream on three
            // nodes. One of them is the stream's leader, elected with Raft;
            // the other two are replicas that follow it. (Start clean:
            // delete the stream if an interrupted run left it.)
            JetStreamManagement jsm = n1.jetStreamManagement();
            JetStream js = n1.jetStream();
            try {
                jsm.deleteStream("ORDERS");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }
            jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>").replicas(3).build());

            // Stream info shows the placement. The leader is whichever node
            // won the election, so it changes from run to run; we print the
            // facts that do not: there is one leader, two replicas, and
            // together they are all three nodes. The replicas may need a
            // moment to catch up, so we ask until all of them report
            // current, for at most ten seconds.
            ClusterInfo cluster = null;
            deadline = Instant.now().plusSeconds(10);
            while (cluster == null) {
                ClusterInfo info = jsm.getStreamInfo("ORDERS").getClusterInfo();
                List<Replica> replicas = info.getReplicas() == null ? List.of() : info.getReplicas();
                if (info.getLeader() != null && replicas.size() == 2 && replicas.stream().allMatch(Replica::isCurrent)) {
                    cluster = info;
                } else if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the replicas did not catch up");
                } else {
                    Thread.sleep(100);
                }
            }
            List<String> peers = new ArrayList<>();
            peers.add(cluster.getLeader());
            cluster.getReplicas().forEach(r -> peers.add(r.getName()));
            peers.sort(null);
            System.out.println("stream ORDERS: stored on " + String.join(",", peers));
            System.out.println("stream ORDERS: 1 leader (one of those), " + cluster.getReplicas().size()
                    + " replicas, all current");

            // Publish through n1. The acknowledgement comes only after a
            // majority of the three copies has stored the message.
            for (int i = 1; i <= 3; i++) {
                PublishAck ack = js.publish("orders." + i, ("order " + i).getBytes(StandardCharsets.UTF_8));
                System.out.println("published orders." + i + " via n1 -> stream " + ack.getStream() + ", seq " + ack.getSeqno());
            }

            // Ask the leader to step down. The stream elects a new leader
            // among the replicas, as it would if the leader's server went
            // away. jnats has no method for this, but every JetStream API
            // call is a plain request on a `$JS.API.` subject, answered with
            // JSON.
            String oldLeader = cluster.getLeader();
            Message answer = n2.request("$JS.API.STREAM.LEADER.STEPDOWN.ORDERS", new byte[0]).get(5, TimeUnit.SECONDS);
            boolean success = new ObjectMapper().readTree(answer.getData()).path("success").asBoolean();
            System.out.println("leader step-down requested: success=" + success);

            // While the election runs, the stream briefly has no leader and
            // API calls may fail (`JetStreamApiException`) or time out (an
            // `IOException` in jnats); we ask again, for at most ten
            // seconds.
            JetStreamManagement jsm3 = n3.jetStreamManagement();
            deadline = Instant.now().plusSeconds(10);
            while (true) {
                try {
                    String leader = jsm3.getStreamInfo("ORDERS").getClusterInfo().getLeader();
                    if (leader != null && !leader.equals(oldLeader)) {
                        break;
                    }
                } catch (JetStreamApiException | IOException e) {
                    // no leader yet
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("no new leader was elected");
                }
                Thread.sleep(100);
            }
            System.out.println("stream ORDERS: a new leader was elected on another node");

            // The data is all still there, on the new leader too, and a
            // client on n3 reads it. Wherever a client is connected, the
            // routes carry its JetStream requests to the nodes that lead the
            // stream and consumer.
            ConsumerContext reader = n3.getStreamContext("ORDERS").createOrUpdateConsumer(
                    ConsumerConfiguration.builder().durable("reader").build());
            try (FetchConsumer fetch = reader.fetch(FetchConsumeOptions.builder().maxMessages(3).expiresIn(2000).build())) {
                Message m;
                while ((m = fetch.nextMessage()) != null) {
                    System.out.println("client on n3 fetched " + m.getSubject() + ": " + text(m));
                    m.ack();
                }
            }

            // Clean up: deleting the stream removes all three copies and the
            // consumer.
            jsm3.deleteStream("ORDERS");
            for (Connection nc : conns.values()) {
                nc.drain(Duration.ofSeconds(5)).get();
            }
        } finally {
            for (Connection nc : conns.values()) {
                nc.close();
            }
        }
    }

    static String text(Message msg) {
        return new String(msg.getData(), StandardCharsets.UTF_8);
    }
}
