// Besides jnats this example uses `java.util.concurrent`: an
// `ExecutorService` (a pool of threads) to run jobs side by side, and a
// `CountDownLatch` to wait until every job has finished.
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.MessageHandler;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

public class Main {
    // Four jobs and how long each takes to process, in milliseconds. A
    // sleep stands in for I/O such as a database query; the jobs are
    // deliberately not in order of duration.
    static final Map<String, Integer> JOBS = new LinkedHashMap<>();
    static {
        JOBS.put("job-1", 400);
        JOBS.put("job-2", 100);
        JOBS.put("job-3", 300);
        JOBS.put("job-4", 200);
    }

    // A handler and the name it runs under.
    record Run(String name, MessageHandler handler) {}

    // The latch of the run in progress: each finished job counts it down.
    static final AtomicReference<CountDownLatch> allDone = new AtomicReference<>();

    // The work itself, shared by both handlers. When a job is done it
    // prints its name and counts down the latch the program waits on.
    static void process(Message msg) {
        String job = new String(msg.getData(), StandardCharsets.UTF_8);
        try {
            Thread.sleep(JOBS.get(job));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        System.out.printf("  %s done (%.1f s of work)%n", job, JOBS.get(job) / 1000.0);
        allDone.get().countDown();
    }

    // The total time, in words. The two cases to tell apart are "the sum
    // of the durations" (one job after another) and "the longest job" (all
    // at once). The program prints which one the measurement matches,
    // rather than the milliseconds, so its output is the same on every run.
    static String describe(long elapsedMillis) {
        int sum = JOBS.values().stream().mapToInt(Integer::intValue).sum();
        int longest = JOBS.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        if (Math.abs(elapsedMillis - sum) < 150) {
            return String.format("%.1f s, the sum of the durations", sum / 1000.0);
        }
        if (Math.abs(elapsedMillis - longest) < 150) {
            return String.format("%.1f s, the longest job", longest / 1000.0);
        }
        return String.format("%.2f s", elapsedMillis / 1000.0);
    }

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        // A pool of four threads for the concurrent handler. Its size is
        // the bound on jobs in flight: a burst of messages waits in the
        // pool's queue instead of starting thousands of threads. It is
        // shut down in the `finally` below, after the jobs it runs.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Connection nc = Nats.connect(options)) {
            // Sequential: the handler does the work itself. A `Dispatcher`
            // is a single thread that takes the next message only when the
            // handler returns, so the jobs run one after another, in the
            // order they were published, and the total is the sum of all
            // durations. That keeps messages in order, which is the right
            // default.
            MessageHandler sequential = Main::process;

            // Concurrent: the handler gives the job to the pool and returns
            // at once, so the dispatcher hands over the next message right
            // away and the waits overlap. (jnats can also do this for every
            // dispatcher of a connection, with the option
            // `useDispatcherWithExecutor()`; a pool of your own keeps the
            // choice per subscription and the bound in your hands.)
            MessageHandler concurrent = msg -> pool.submit(() -> process(msg));

            // Run the same four jobs through each handler and time them from
            // the first publish until the last job has finished. The wait
            // on the latch has a deadline, so a lost message fails the
            // program instead of hanging it.
            for (Run run : List.of(new Run("sequential", sequential), new Run("concurrent", concurrent))) {
                String name = run.name();
                System.out.println(name + ":");
                allDone.set(new CountDownLatch(JOBS.size()));
                Dispatcher dispatcher = nc.createDispatcher();
                dispatcher.subscribe("work." + name, run.handler());
                long start = System.nanoTime();
                for (String job : JOBS.keySet()) {
                    nc.publish("work." + name, job.getBytes(StandardCharsets.UTF_8));
                }
                if (!allDone.get().await(5, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("timed out waiting for the jobs");
                }
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                System.out.println("  all " + JOBS.size() + " jobs in " + describe(elapsed));
                // Closing the dispatcher ends its subscription and its
                // thread.
                nc.closeDispatcher(dispatcher);
            }

            // What to notice: sequentially the jobs finish in publish order
            // and the total is the sum (0.4 + 0.1 + 0.3 + 0.2 = 1.0 s).
            // Concurrently they finish shortest first, and the total is that
            // of the longest job (0.4 s). The price is that completion order
            // no longer follows publish order, and that the work now runs on
            // several threads, so whatever it shares must be thread-safe.
            nc.drain(Duration.ofSeconds(5)).get();
        } finally {
            // When shutting down, wait for your own threads too: draining
            // the connection only waits for the handler calls, which have
            // long returned.
            pool.shutdown();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
