// A push consumer has the server send messages to the client as soon as
// they are available, with no requests in between. Push consumers belong
// to jnats's older JetStream API: `js.subscribe` with
// `PushSubscribeOptions`, returning a `JetStreamSubscription`. New code
// should prefer pull consumers through the simplified API
// (`ConsumerContext`), whose `consume` gives the same steady flow of
// messages with the client in control of how many are in flight; this
// page is for reading and maintaining code that uses push consumers.
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.MessageHandler;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamConfiguration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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
            // Then store five events.
            try {
                jsm.deleteStream("EVENTS");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }
            jsm.addStream(StreamConfiguration.builder().name("EVENTS").subjects("events.>").build());
            for (int i = 1; i <= 5; i++) {
                js.publish("events." + i, ("event " + i).getBytes(StandardCharsets.UTF_8));
            }

            // `js.subscribe` without a durable name creates an *ephemeral*
            // consumer: the server removes it some time after the
            // subscription goes away. Without a dispatcher the subscription
            // is read with `nextMessage`. Every JetStream message says in
            // its metadata how many more messages the consumer has waiting
            // after it (`pendingCount`), so `receive` reads, acknowledges
            // and collects until that reaches 0, then prints what came.
            //
            // The deliver policy picks where a new consumer starts. `All`,
            // the default, starts at the beginning of the stream.
            receive("deliver all:", js.subscribe("events.>"));

            // `Last` starts with the last message in the stream.
            receive("deliver last:", js.subscribe("events.>", startAt(DeliverPolicy.Last, 0)));

            // `New` skips everything already stored and waits for messages
            // published after the consumer was created. `js.subscribe`
            // returns once the server has created the consumer, so the
            // publish that follows is sure to reach it.
            JetStreamSubscription sub = js.subscribe("events.>", startAt(DeliverPolicy.New, 0));
            js.publish("events.6", "event 6".getBytes(StandardCharsets.UTF_8));
            receive("deliver new:", sub);

            // `ByStartSequence` starts at a stream sequence of our choice,
            // given as a second setting, the start sequence.
            receive("start at seq 3:", js.subscribe("events.>", startAt(DeliverPolicy.ByStartSequence, 3)));

            // A *durable* push consumer has a name and remembers its
            // position on the server. Here it is read with a handler on a
            // `Dispatcher` instead of `nextMessage`. The `false` after the
            // handler turns jnats's auto-ack off (with it on, jnats acks
            // each message after the handler returns), so the handler acks
            // itself, once the work is done. (`ackSync` waits for the server
            // to confirm, which keeps the consumer info printed at the end
            // exact; it throws checked exceptions, which a `MessageHandler`
            // may not, so a failure is rethrown unchecked and jnats hands it
            // to the connection's `ErrorListener`.) When it has handled the
            // last pending message it counts down a latch the program waits
            // on, with a deadline.
            Queue<String> received = new ConcurrentLinkedQueue<>();
            AtomicReference<CountDownLatch> caughtUp = new AtomicReference<>(new CountDownLatch(1));
            PushSubscribeOptions audit = PushSubscribeOptions.builder().durable("audit").build();
            MessageHandler auditHandler = msg -> {
                received.add(msg.getSubject());
                try {
                    msg.ackSync(Duration.ofSeconds(1));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
                if (msg.metaData().pendingCount() == 0) {
                    caughtUp.get().countDown();
                }
            };

            // The dispatcher gets the same handler as its default, for the
            // second subscription below: jnats 2.26 sends a subscription's
            // SUB before it files the handler under it, and a consumer that
            // already has messages waiting starts delivering as soon as the
            // SUB arrives. A message that beats the filing finds no handler
            // and, without a default one, is dropped (and redelivered only
            // after the ack wait); we saw it in about 1 run in 8 on a busy
            // machine. A new consumer is not affected: jnats subscribes
            // first and creates the consumer after.
            Dispatcher dispatcher = nc.createDispatcher(auditHandler);
            sub = js.subscribe("events.>", dispatcher, auditHandler, false, audit);
            await(caughtUp.get());
            System.out.printf("%-20s %s%n", "durable audit:", String.join(" ", received));
            dispatcher.unsubscribe(sub);

            // While no one is subscribed, the server holds delivery back.
            // The consumer info says `push_bound` while a subscriber
            // listens on its deliver subject; waiting (with a deadline)
            // until it no longer does makes sure the consumer has noticed
            // that nobody is there before anything is published. Two more
            // events are then published; subscribing again with the same
            // durable name binds to the same consumer (jnats looks it up and
            // subscribes to its deliver subject), which resumes after the
            // last message it delivered and sends only the new ones.
            Instant deadline = Instant.now().plusSeconds(5);
            while (jsm.getConsumerInfo("EVENTS", "audit").isPushBound()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the consumer stayed bound");
                }
                Thread.sleep(20);
            }
            js.publish("events.7", "event 7".getBytes(StandardCharsets.UTF_8));
            js.publish("events.8", "event 8".getBytes(StandardCharsets.UTF_8));
            received.clear();
            caughtUp.set(new CountDownLatch(1));
            sub = js.subscribe("events.>", dispatcher, auditHandler, false, audit);
            await(caughtUp.get());
            System.out.printf("%-20s %s%n", "audit, resubscribed:", String.join(" ", received));

            ConsumerInfo info = sub.getConsumerInfo();
            System.out.printf("%-20s delivered=%d ack_floor=%d num_pending=%d%n", "audit consumer info:",
                    info.getDelivered().getStreamSequence(), info.getAckFloor().getStreamSequence(),
                    info.getNumPending());

            // Clean up: deleting the stream deletes the durable consumer
            // too.
            dispatcher.unsubscribe(sub);
            jsm.deleteStream("EVENTS");
        }
    }

    // Subscribe options for an ephemeral push consumer that starts where
    // the deliver policy says.
    static PushSubscribeOptions startAt(DeliverPolicy policy, long startSequence) {
        ConsumerConfiguration.Builder config = ConsumerConfiguration.builder().deliverPolicy(policy);
        if (startSequence > 0) {
            config.startSequence(startSequence);
        }
        return PushSubscribeOptions.builder().configuration(config.build()).build();
    }

    // Read, ack and collect until the consumer has nothing more pending,
    // then print the subjects and unsubscribe. `nextMessage` returns null
    // if nothing comes within the wait.
    static void receive(String label, JetStreamSubscription sub) throws Exception {
        List<String> subjects = new ArrayList<>();
        while (true) {
            Message msg = sub.nextMessage(Duration.ofSeconds(2));
            if (msg == null) {
                throw new IllegalStateException(label + " nothing arrived");
            }
            subjects.add(msg.getSubject());
            msg.ack();
            if (msg.metaData().pendingCount() == 0) {
                break;
            }
        }
        System.out.printf("%-20s %s%n", label, String.join(" ", subjects));
        sub.unsubscribe();
    }

    static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("timed out waiting for the handler");
        }
    }
}
