// A push consumer with a *deliver group* spreads its messages over several
// subscribers, like a core NATS queue group, but with JetStream's storage
// and acknowledgements behind it. This is jnats's older JetStream API
// (`js.subscribe` with a queue name and `PushSubscribeOptions`); new code
// that shares work between instances should use a pull consumer through
// `ConsumerContext`, which any number of workers can fetch or `consume`
// from. Read this page for code that already uses queue push consumers.
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamConfiguration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

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
            // Then create a stream for orders.
            try {
                jsm.deleteStream("ORDERS");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }
            jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>").build());

            // Each worker counts the orders it handles, and we count how
            // often each order was handled in total, to check that no order
            // is processed twice. The maps are concurrent because every
            // worker has its own dispatcher thread; each handled order
            // releases a semaphore permit that the main thread waits for.
            Map<String, Integer> perWorker = new ConcurrentHashMap<>();
            Map<String, Integer> perOrder = new ConcurrentHashMap<>();
            Semaphore handled = new Semaphore(0);

            // Passing a queue name to `js.subscribe` makes it a queue
            // subscription. The first call creates the durable push consumer
            // `processors` with its deliver group set to the queue name; the
            // next calls find that consumer and join the same group. The
            // server hands each message to one member of the group. With
            // auto-ack on (`true`), jnats acknowledges each message when the
            // handler returns. Each worker gets a dispatcher of its own, as
            // it would in a process of its own.
            PushSubscribeOptions processors = PushSubscribeOptions.builder().durable("processors").build();
            Map<String, Dispatcher> workers = new LinkedHashMap<>();
            JetStreamSubscription first = null;
            for (String name : List.of("worker-1", "worker-2", "worker-3")) {
                Dispatcher dispatcher = nc.createDispatcher();
                JetStreamSubscription sub = js.subscribe("orders.>", "processors", dispatcher, msg -> {
                    perWorker.merge(name, 1, Integer::sum);
                    perOrder.merge(msg.getSubject(), 1, Integer::sum);
                    handled.release();
                }, true, processors);
                workers.put(name, dispatcher);
                if (first == null) {
                    first = sub;
                }
            }

            // Publish 30 orders and wait for the group to handle them. Which
            // worker gets which order is up to the server and changes from
            // run to run, so we print totals: every order handled exactly
            // once, and every worker got a share.
            for (int i = 1; i <= 30; i++) {
                js.publish("orders." + i, ("order " + i).getBytes(StandardCharsets.UTF_8));
            }
            await(handled, 30);
            int total = perOrder.values().stream().mapToInt(Integer::intValue).sum();
            System.out.println("handled " + total + " orders, " + perOrder.size() + " distinct");
            System.out.println("orders handled more than once: " + perOrder.values().stream().filter(n -> n > 1).count());
            System.out.println("workers that got a share: " + perWorker.size() + " of 3");

            // Scaling down is just unsubscribing. Drain worker-3's
            // dispatcher (it finishes what it already has, then stops),
            // publish 20 more orders, and the two remaining workers take all
            // of them.
            workers.remove("worker-3").drain(Duration.ofSeconds(5)).get();
            int worker3Before = perWorker.getOrDefault("worker-3", 0);
            for (int i = 31; i <= 50; i++) {
                js.publish("orders." + i, ("order " + i).getBytes(StandardCharsets.UTF_8));
            }
            await(handled, 20);
            total = perOrder.values().stream().mapToInt(Integer::intValue).sum();
            System.out.println("after worker-3 left: handled " + total + " orders, " + perOrder.size() + " distinct");
            System.out.println("new orders taken by worker-3: " + (perWorker.getOrDefault("worker-3", 0) - worker3Before));

            // The consumer itself is an ordinary durable consumer with a
            // deliver group. Every stored order has been delivered, none is
            // pending.
            ConsumerInfo info = first.getConsumerInfo();
            System.out.println("consumer " + info.getName() + ": deliver_group="
                    + info.getConsumerConfiguration().getDeliverGroup()
                    + " delivered=" + info.getDelivered().getStreamSequence()
                    + " num_pending=" + info.getNumPending());

            // A subscriber outside the group cannot bind to this consumer:
            // jnats checks the consumer before subscribing and refuses, with
            // an `IllegalArgumentException`, a plain subscription to a
            // consumer that has a deliver group, so messages are never split
            // between group members and an outsider.
            try {
                js.subscribe("orders.>", processors);
            } catch (IllegalArgumentException e) {
                System.out.println("plain subscribe to 'processors' refused: " + e.getMessage());
            }

            // Clean up: closing the dispatchers ends their subscriptions;
            // deleting the stream deletes the consumer too.
            for (Dispatcher dispatcher : workers.values()) {
                nc.closeDispatcher(dispatcher);
            }
            jsm.deleteStream("ORDERS");
        }
    }

    // Wait until the handlers have handled `count` more orders, but never
    // forever.
    static void await(Semaphore handled, int count) throws InterruptedException {
        if (!handled.tryAcquire(count, 5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("timed out waiting for the workers");
        }
    }
}
