// Three stream features that change where messages go and how they are
// read: a subject transform rewrites the subject of every message as the
// stream stores it, republish copies every stored message to core NATS
// subscribers, and direct get reads one message without going through the
// stream leader's API. jnats has a type for each setting, and its message
// reads use direct get by themselves when the stream allows it.
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.Republish;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import io.nats.client.api.SubjectTransform;
import io.nats.client.impl.Headers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
                jsm.deleteStream("ORDERS");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }

            // Republish sends a copy of each stored message to another
            // subject. That subject must lie outside the stream's own
            // subjects, or every copy would be stored and copied again; the
            // server refuses the loop.
            try {
                jsm.addStream(StreamConfiguration.builder()
                        .name("ORDERS")
                        .subjects("orders.*.*")
                        .republish(Republish.builder().source("orders.>").destination("orders.live.>").build())
                        .build());
            } catch (JetStreamApiException e) {
                System.out.println("republish into the stream's own subjects: refused: " + e.getErrorDescription());
            }

            // The shop publishes `orders.<id>.<event>`. The stream stores
            // them as `orders.<event>.<id>`: `{{wildcard(2)}}` is the second
            // `*` of the source pattern. Now a consumer or a lookup can
            // filter on the event (`orders.shipped.*`), and the publishers
            // did not change. The republish source matches the stored,
            // transformed subject; here every order is copied to
            // `live.orders.<event>.<id>`. `allowDirect` turns on direct get,
            // used further down.
            jsm.addStream(StreamConfiguration.builder()
                    .name("ORDERS")
                    .subjects("orders.*.*")
                    .subjectTransform(SubjectTransform.builder()
                            .source("orders.*.*").destination("orders.{{wildcard(2)}}.{{wildcard(1)}}").build())
                    .republish(Republish.builder().source("orders.>").destination("live.orders.>").build())
                    .allowDirect(true)
                    .build());

            // A dashboard follows the orders with a plain core subscription:
            // no consumer, no acknowledgements, nothing kept on the server
            // for it. It sees only what is published while it is
            // subscribed; the flush makes sure the server has the
            // subscription before the first order.
            Subscription live = nc.subscribe("live.orders.>");
            nc.flush(Duration.ofSeconds(1));

            String[][] orders = {
                    {"orders.17.created", "2 coffees"},
                    {"orders.17.shipped", "by bike"},
                    {"orders.18.created", "1 tea"},
            };
            for (String[] order : orders) {
                PublishAck ack = js.publish(order[0], order[1].getBytes(StandardCharsets.UTF_8));
                System.out.println("published " + order[0] + " -> stored as seq " + ack.getSeqno());
            }
            String stored = jsm.getStreamInfo("ORDERS", StreamInfoOptions.filterSubjects(">")).getStreamState()
                    .getSubjects().stream().map(Subject::getName).sorted().collect(Collectors.joining(", "));
            System.out.println("stored subjects: " + stored);

            // Each copy arrives on the republish subject, with headers
            // saying where it came from: the stream, the stored subject and
            // its sequence.
            for (int i = 0; i < 3; i++) {
                Message msg = live.nextMessage(Duration.ofSeconds(2));
                Headers h = msg.getHeaders();
                System.out.println("  " + msg.getSubject() + ": '" + text(msg.getData()) + "' (from "
                        + h.getFirst("Nats-Stream") + " " + h.getFirst("Nats-Subject") + ", seq "
                        + h.getFirst("Nats-Sequence") + ")");
            }

            // Direct get reads a message by sequence, or the last one on a
            // subject, with a plain request on `$JS.API.DIRECT.GET.<stream>`.
            // Every server holding a copy of the stream answers it
            // (replicas, and mirrors with `mirrorDirect`), so reads scale
            // out and do not queue behind the leader's API; key-value
            // clients read keys this way when the bucket allows it. jnats
            // needs no option for it: `getMessage` and `getLastMessage` look
            // up the stream's configuration once and use direct get when
            // `allowDirect` is on. A wildcard asks for the last message
            // matching it. A message that is not there is a
            // `JetStreamApiException` with code 404.
            MessageInfo last = jsm.getLastMessage("ORDERS", "orders.created.*");
            System.out.println("direct get, last orders.created.*: " + last.getSubject() + " '" + text(last.getData())
                    + "' (seq " + last.getSeq() + ")");
            MessageInfo second = jsm.getMessage("ORDERS", 2);
            System.out.println("direct get, seq 2: " + second.getSubject() + " '" + text(second.getData()) + "'");
            try {
                jsm.getLastMessage("ORDERS", "orders.returned.17");
            } catch (JetStreamApiException e) {
                if (e.getErrorCode() != 404) {
                    throw e;
                }
                System.out.println("direct get, last orders.returned.17: not found");
            }

            // Clean up.
            live.unsubscribe();
            jsm.deleteStream("ORDERS");
        }
    }

    static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }
}
