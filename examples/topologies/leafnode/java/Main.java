// A leaf node is a nats-server that extends another server (the hub)
// through a single outbound connection. Clients of the leaf talk to
// clients of the hub as if they shared one server, while the leaf keeps
// its own local clients, security and JetStream. Typical homes for a leaf:
// a factory, a store, a vehicle, an edge site that must keep working when
// its uplink is down. In jnats the only leaf-specific setting is the
// JetStream domain, given with `JetStreamOptions`.
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamConfiguration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

public class Main {
    // The server's error code for "stream not found".
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        // The recorder starts a hub and a leaf that dials into it, and gives
        // each its own URL. A client does not need to know which kind of
        // server it is using; it connects as usual.
        // `reportNoResponders()` lets a request tell "nobody listening"
        // from a timeout.
        String hubUrl = System.getenv().getOrDefault("NATS_URL_HUB", "nats://127.0.0.1:4222");
        String leafUrl = System.getenv().getOrDefault("NATS_URL_LEAF", "nats://127.0.0.1:4223");
        try (Connection hub = Nats.connect(Options.builder().server(hubUrl).reportNoResponders().build());
             Connection leaf = Nats.connect(Options.builder().server(leafUrl).reportNoResponders().build())) {
            BlockingQueue<Message> hubReceived = listen(hub, "hub");
            BlockingQueue<Message> leafReceived = listen(leaf, "leaf");

            // The leaf connection carries subscription interest both ways,
            // so the leaf forwards `hub.>` messages to the hub and the hub
            // forwards `leaf.>` messages to the leaf. That news crosses the
            // link asynchronously; a request sent in the first moments may
            // find "no responders", so the first request in each direction
            // tries again, until a deadline.
            System.out.println("leaf client: request hub.orders.count -> " + text(request(leaf, "hub.orders.count")));
            System.out.println("hub client: request leaf.line1.status -> " + text(request(hub, "leaf.line1.status")));

            // Plain publish-subscribe flows both ways as well: an alert from
            // the leaf reaches the hub, a command from the hub reaches the
            // leaf.
            leaf.publish("hub.alerts.temperature", "line 1 at 81C".getBytes(StandardCharsets.UTF_8));
            Message msg = hubReceived.poll(1, TimeUnit.SECONDS);
            System.out.println("hub client received " + msg.getSubject() + ": " + text(msg));

            hub.publish("leaf.commands.line1", "slow down".getBytes(StandardCharsets.UTF_8));
            msg = leafReceived.poll(1, TimeUnit.SECONDS);
            System.out.println("leaf client received " + msg.getSubject() + ": " + text(msg));

            // JetStream stays separate: the hub and the leaf each run their
            // own, in the JetStream domains `hub` and `leaf`. JetStream
            // views made without options use the server the client is
            // connected to; `JetStreamOptions` with a domain reach the other
            // one through the leaf connection (jnats prefixes the API
            // subjects with `$JS.hub.API`). Here the leaf client creates a
            // stream on the hub and stores an event in it. (Start clean:
            // delete the stream first if an interrupted run left it.)
            JetStreamOptions hubDomain = JetStreamOptions.builder().domain("hub").build();
            JetStreamManagement hubJsm = leaf.jetStreamManagement(hubDomain);
            JetStream hubJs = leaf.jetStream(hubDomain);
            try {
                hubJsm.deleteStream("EVENTS");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }
            hubJsm.addStream(StreamConfiguration.builder().name("EVENTS").subjects("events.>").build());
            PublishAck ack = hubJs.publish("events.shift", "shift 2 started".getBytes(StandardCharsets.UTF_8));
            System.out.println("leaf client: stored events.shift in domain " + ack.getDomain() + " -> stream "
                    + ack.getStream() + ", seq " + ack.getSeqno());

            // Seen from each side: the hub has the stream; the leaf's own
            // JetStream has no streams at all.
            long count = hub.jetStreamManagement().getStreamInfo("EVENTS").getStreamState().getMsgCount();
            System.out.println("hub client: stream EVENTS has " + count + " message(s)");
            System.out.println("leaf client: streams in domain leaf: " + leaf.jetStreamManagement().getStreamNames().size());

            // Clean up, through the leaf connection again: delete the hub's
            // stream.
            hubJsm.deleteStream("EVENTS");
            leaf.drain(Duration.ofSeconds(5)).get();
            hub.drain(Duration.ofSeconds(5)).get();
        }
    }

    // Each side listens on one subject tree named after itself: `hub.>` on
    // the hub, `leaf.>` on the leaf. Requests (messages with a reply
    // subject) get an answer; other messages are queued for the program to
    // print. The flush makes sure the server has the subscription.
    static BlockingQueue<Message> listen(Connection nc, String name) throws Exception {
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        nc.createDispatcher().subscribe(name + ".>", msg -> {
            if (msg.getReplyTo() != null) {
                nc.publish(msg.getReplyTo(), (name + " answered " + msg.getSubject()).getBytes(StandardCharsets.UTF_8));
            } else {
                received.add(msg);
            }
        });
        nc.flush(Duration.ofSeconds(1));
        return received;
    }

    // A request that tries again while the answer is "no responders", for
    // at most five seconds.
    static Message request(Connection nc, String subject) throws Exception {
        Instant deadline = Instant.now().plusSeconds(5);
        while (true) {
            try {
                return nc.request(subject, new byte[0]).get(1, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof JetStreamStatusException s && s.getStatus().isNoResponders())
                        || Instant.now().isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    static String text(Message msg) {
        return new String(msg.getData(), StandardCharsets.UTF_8);
    }
}
