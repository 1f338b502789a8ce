// Draining is part of the core client: `Connection.drain` (and
// `Dispatcher.drain`, `Subscription.drain` for one part of it) from the
// `io.nats.client` package. The latch lets the main thread wait for the
// handler, which runs on the dispatcher's thread.
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

public class Main {
    static final int JOBS = 6;

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        // Same service, same six jobs, two ways to stop. Notice that
        // `close()` returns after two jobs and loses the other four, while
        // `drain()` keeps handling until all six are done. A single
        // dispatcher or subscription can be drained the same way with its
        // own `drain`, leaving the connection open.
        run(options, "close");
        run(options, "drain");
    }

    // Runs a small service and shuts it down with the given method, `close`
    // or `drain`, while it still has work buffered.
    static void run(Options options, String shutdown) throws Exception {
        try (Connection nc = Nats.connect(options)) {
            System.out.println(shutdown + "():");

            // A slow handler: each job takes 0.1 s. A dispatcher hands its
            // messages to the handler one at a time, on its one thread, so
            // while one job is being handled the rest wait in the
            // dispatcher's queue inside the client.
            //
            // `close()` interrupts that thread, so a handler that blocks
            // must expect an `InterruptedException`: here the job in
            // progress is abandoned, and not counted.
            List<String> handled = new CopyOnWriteArrayList<>();
            CountDownLatch twoHandled = new CountDownLatch(2);
            nc.createDispatcher().subscribe("jobs", msg -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                String job = new String(msg.getData(), StandardCharsets.UTF_8);
                handled.add(job);
                System.out.println("  handled " + job);
                twoHandled.countDown();
            });

            // Publish six jobs and wait until all of them have reached this
            // client. The connection's statistics count every message it
            // received (`getInMsgs`), whether handled or still queued; the
            // wait polls that counter, with a deadline so that a lost
            // message fails the program instead of hanging it.
            for (int i = 1; i <= JOBS; i++) {
                nc.publish("jobs", ("job-" + i).getBytes(StandardCharsets.UTF_8));
            }
            Instant deadline = Instant.now().plusSeconds(5);
            while (nc.getStatistics().getInMsgs() < JOBS) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the jobs did not arrive");
                }
                Thread.sleep(10);
            }
            System.out.println("  " + nc.getStatistics().getInMsgs() + " jobs received, handling them...");

            // Shut down after the first two jobs are handled, as if the
            // process had been told to stop (for example by SIGTERM during a
            // deploy).
            if (!twoHandled.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the handler did not get through two jobs");
            }
            System.out.println("  calling " + shutdown + "()");
            if (shutdown.equals("close")) {
                // `close` stops the dispatcher at once: the job in progress
                // is interrupted mid-way and the queued ones are discarded.
                // (Try-with-resources would do the same when the block
                // ends.)
                nc.close();
            } else {
                // `drain` unsubscribes, lets the handler finish every
                // message already received, flushes, then closes. It runs in
                // the background and returns a future; the duration bounds
                // it: after that the connection closes anyway and the
                // future completes with false instead of true.
                boolean clean = nc.drain(Duration.ofSeconds(5)).get();
                if (!clean) {
                    System.out.println("  drain timed out");
                }
            }

            int lost = JOBS - handled.size();
            System.out.println(shutdown + "(): " + handled.size() + " of " + JOBS + " jobs handled, " + lost + " lost");
        }
    }
}
