// An ordered consumer is the simplest way to read a stream from start to
// finish. In jnats's simplified API it is one call on a `StreamContext`,
// `createOrderedConsumer`, configured with an
// `OrderedConsumerConfiguration`; the context it returns is read like any
// other, here with `consume` and a handler. An `ErrorListener` lets us see
// what the client notices when things go wrong.
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.MessageConsumer;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.StreamContext;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.support.Status;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

public class Main {
    // The server's error code for "stream not found".
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");

        // jnats reports trouble it handles by itself to the connection's
        // `ErrorListener`, on a thread of its own; by default it logs it.
        // This one keeps what it is told, to print at the end: a status
        // the server sent to a pull request, and a heartbeat alarm.
        Queue<String> noticed = new ConcurrentLinkedQueue<>();
        ErrorListener listener = new ErrorListener() {
            @Override
            public void pullStatusError(Connection conn, JetStreamSubscription sub, Status status) {
                noticed.add(status.getCode() + " " + status.getMessage());
            }

            @Override
            public void heartbeatAlarm(Connection conn, JetStreamSubscription sub, long lastStreamSeq, long lastConsumerSeq) {
                noticed.add("heartbeat alarm");
            }
        };
        Options options = Options.builder().servers(urls.split(",")).errorListener(listener).build();

        try (Connection nc = Nats.connect(options)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();

            // Start clean: delete the stream if an interrupted run left it.
            try {
                jsm.deleteStream("PAGES");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }

            // A stream of page views with five messages in it. Reading them
            // back in exactly this order is what the rest of the example is
            // about.
            jsm.addStream(StreamConfiguration.builder().name("PAGES").subjects("pages.>").build());
            for (String page : List.of("home", "pricing", "docs", "blog", "signup")) {
                js.publish("pages." + page, ("view of /" + page).getBytes(StandardCharsets.UTF_8));
            }
            System.out.println("published 5 page views");
            StreamContext pages = nc.getStreamContext("PAGES");

            // `createOrderedConsumer` gives a consumer that the client
            // manages entirely: an ephemeral pull consumer with no
            // acknowledgements (ack policy `none`), a single in-memory
            // replica, read strictly in stream order. jnats checks every
            // message's consumer sequence, and when it finds a gap, or the
            // consumer's heartbeats stop, it throws the consumer away and
            // creates a new one that starts right after the last message it
            // handed out.
            //
            // `consume` creates the consumer and keeps pull requests going
            // in the background, calling the handler on a dispatcher thread
            // for each message. Its pulls expire after one second here (the
            // least jnats allows; the default is 30 s), and the server sends
            // an idle heartbeat at half that, so a vanished consumer is
            // noticed after three missed heartbeats, 1.5 s. Each message
            // releases a permit the main thread waits for, with a deadline.
            OrderedConsumerContext ordered = pages.createOrderedConsumer(
                    new OrderedConsumerConfiguration().filterSubject("pages.>"));
            Semaphore received = new Semaphore(0);
            ConsumeOptions quickPulls = ConsumeOptions.builder().expiresIn(1000).build();
            MessageConsumer reader = ordered.consume(quickPulls, msg -> {
                // Messages arrive in stream order. Each one carries its
                // stream sequence (its position in the stream) and its
                // consumer sequence (how many this consumer has delivered).
                // There is nothing to ack.
                System.out.println("stream seq " + msg.metaData().streamSequence() + ", consumer seq "
                        + msg.metaData().consumerSequence() + ": " + msg.getSubject() + " '"
                        + new String(msg.getData(), StandardCharsets.UTF_8) + "'");
                received.release();
            });
            await(received, 5);

            // The consumer has a name the client generated; its settings
            // are on the server.
            String firstName = ordered.getConsumerName();
            ConsumerConfiguration cc = jsm.getConsumerInfo("PAGES", firstName).getConsumerConfiguration();
            System.out.println("consumer: ack_policy=" + cc.getAckPolicy() + " replicas="
                    + cc.getNumReplicas() + " memory=" + cc.isMemStorage());

            // Now break it on purpose: delete the consumer on the server,
            // as would happen if the server holding it restarted, then
            // publish three more views. The server answers the waiting pull
            // request with a "409 Consumer Deleted" status, which jnats
            // passes to the `ErrorListener`; the heartbeats stop, and once
            // they are missed jnats creates a fresh consumer that starts at
            // the stream sequence after the last one it received.
            jsm.deleteConsumer("PAGES", firstName);
            System.out.println("consumer deleted on the server");
            for (String page : List.of("home", "docs", "pricing")) {
                js.publish("pages." + page, ("view of /" + page).getBytes(StandardCharsets.UTF_8));
            }
            System.out.println("published 3 more page views");

            // Reading simply continues. Notice the stream sequence picks up
            // at 6 with nothing skipped or repeated, while the consumer
            // sequence starts again at 1: it belongs to the new consumer.
            await(received, 3);
            System.out.println("the client noticed: " + String.join(", ", noticed));
            System.out.println("recreated consumer is a new one: " + !ordered.getConsumerName().equals(firstName));

            // Closing the `MessageConsumer` ends the background pulls and
            // its subscription; the server removes the ephemeral consumer on
            // its own once nobody reads it. Then clean up: deleting the
            // stream deletes its messages too.
            reader.close();
            jsm.deleteStream("PAGES");
        }
    }

    // Wait for `count` more messages, but never forever.
    static void await(Semaphore received, int count) throws InterruptedException {
        if (!received.tryAcquire(count, 10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the messages did not arrive in time");
        }
    }
}
