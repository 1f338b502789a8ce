// Core NATS does not wait for slow subscribers. When messages arrive faster
// than a handler takes them, the client buffers them up to a limit, and
// past that limit it drops them and reports a *slow consumer*. In jnats
// the limits belong to a `Consumer`, the common parent of `Subscription`
// and `Dispatcher`, and the report goes to the connection's
// `ErrorListener`.
import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

public class Main {
    public static void main(String[] args) throws Exception {
        String[] servers = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222").split(",");

        // Dropped messages are not an exception of any call: jnats counts
        // them on the consumer and calls `slowConsumerDetected` of the
        // connection's listener, once when the consumer becomes slow (not
        // once per dropped message); it will call again only after the
        // consumer has caught up and fallen behind anew. The default
        // listener logs a warning; this one keeps the reports.
        List<Consumer> reports = new CopyOnWriteArrayList<>();
        CountDownLatch reported = new CountDownLatch(1);
        ErrorListener listener = new ErrorListener() {
            @Override
            public void slowConsumerDetected(Connection conn, Consumer consumer) {
                reports.add(consumer);
                reported.countDown();
            }
        };

        try (Connection nc = Nats.connect(Options.builder().servers(servers).errorListener(listener).build());
             Connection publisher = Nats.connect(Options.builder().servers(servers).build())) {
            // The handler is stuck on its first message until we let it go,
            // like a handler waiting on a slow database. A dispatcher takes
            // messages from its queue one at a time on its one thread, so
            // while the handler waits, new messages queue up.
            List<String> handled = new CopyOnWriteArrayList<>();
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch goOn = new CountDownLatch(1);
            Semaphore done = new Semaphore(0);
            Dispatcher dispatcher = nc.createDispatcher();
            dispatcher.subscribe("sensor.readings", msg -> {
                handled.add(new String(msg.getData(), StandardCharsets.UTF_8));
                busy.countDown();
                goOn.await();
                done.release();
            });

            // `setPendingLimits` caps that queue: a number of messages and a
            // number of bytes (512 Ki messages and 64 MiB by default; 0 means
            // no limit). The queue belongs to the dispatcher, so the limits
            // are set there and hold for all its subscriptions together. A
            // tiny limit of 10 makes the effect easy to see. The flush makes
            // sure the server has the subscription.
            dispatcher.setPendingLimits(10, 0);
            nc.flush(Duration.ofSeconds(1));

            // Reading 1 reaches the handler, which is now busy. Then 100
            // more readings arrive at once. A flush on each connection makes
            // sure all of them have reached the subscriber before we look:
            // the publisher's returns once the server has them, the
            // subscriber's once everything the server sent before its PONG
            // has been read.
            publisher.publish("sensor.readings", "1".getBytes(StandardCharsets.UTF_8));
            if (!busy.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("reading 1 never arrived");
            }
            for (int i = 2; i <= 101; i++) {
                publisher.publish("sensor.readings", String.valueOf(i).getBytes(StandardCharsets.UTF_8));
            }
            publisher.flush(Duration.ofSeconds(1));
            nc.flush(Duration.ofSeconds(1));

            // Ten readings wait in the queue, the limit. The other ninety
            // were dropped by the client as they arrived, and counted. The
            // report reaches the listener on a thread of its own, so we wait
            // for it, with a deadline; it names the consumer that was slow,
            // here the dispatcher (jnats has no subject to give, since a
            // dispatcher may serve several).
            System.out.println("handler busy with reading 1; 100 more published");
            System.out.println("pending: " + dispatcher.getPendingMessageCount() + " messages ("
                    + dispatcher.getPendingByteCount() + " bytes)");
            System.out.println("dropped: " + dispatcher.getDroppedCount());
            if (!reported.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no slow consumer report");
            }
            System.out.println("slow consumer reports: " + reports.size() + ", for "
                    + (reports.get(0) == dispatcher ? "the readings' dispatcher" : "another consumer"));

            // Once the handler is free it works through what was kept:
            // readings 1 to 11. The gap after 11 is the data that was lost.
            // We wait for the handler with a deadline.
            goOn.countDown();
            if (!done.tryAcquire(11, 5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the handler did not catch up");
            }
            System.out.println("handled " + handled.size() + " of 101: " + handled.get(0) + " to "
                    + handled.get(handled.size() - 1));

            // A slow consumer is not an error of the subscription: it keeps
            // working, and a reading published now arrives as usual.
            publisher.publish("sensor.readings", "102".getBytes(StandardCharsets.UTF_8));
            if (!done.tryAcquire(1, 5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("reading 102 never arrived");
            }
            System.out.println("still subscribed: reading " + handled.get(handled.size() - 1) + " handled");

            // The cure is a handler that keeps up on average: faster
            // handling, several members of a queue group sharing the load,
            // or a JetStream consumer, which holds messages on the server
            // until they are asked for. A larger limit only absorbs bursts,
            // and costs memory.
            //
            // The server has a limit of its own, per connection: a client
            // that does not read its socket fast enough, so that more than
            // `max_pending` (64 MiB by default) piles up for it, is
            // disconnected as a slow consumer. jnats reads the socket on a
            // thread of its own, apart from the dispatchers, so a slow
            // handler fills the client's queues rather than the server's.
            publisher.drain(Duration.ofSeconds(5)).get();
            nc.drain(Duration.ofSeconds(5)).get();
        }
    }
}
