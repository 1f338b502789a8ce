// Queue groups are part of core NATS: the `io.nats.client` package is all
// we need. `java.util.concurrent` provides the thread-safe collections and
// the semaphores the main thread waits on, since handlers run on other
// threads.
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

public class Main {
    // Which worker handled which job.
    record Handled(String worker, String job) {}

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        // Each worker would normally be its own process, so each gets its
        // own connection here. The monitor and the publisher get one too.
        // The `finally` at the end closes them all, whatever happens.
        Map<String, Connection> workers = new LinkedHashMap<>();
        List<Connection> all = new ArrayList<>();
        try {
            for (String name : List.of("worker-1", "worker-2", "worker-3")) {
                workers.put(name, Nats.connect(options));
            }
            all.addAll(workers.values());
            Connection monitor = Nats.connect(options);
            all.add(monitor);

            // Bookkeeping. Every connection has its own dispatcher thread,
            // so the handlers write to concurrent collections, and release
            // one permit of a semaphore per message: the main thread waits
            // for as many permits as it expects messages, with a deadline.
            Queue<Handled> handled = new ConcurrentLinkedQueue<>();
            Queue<String> seen = new ConcurrentLinkedQueue<>();
            Semaphore groupDone = new Semaphore(0);
            Semaphore monitorDone = new Semaphore(0);

            // Giving `subscribe` a queue name, `workers`, makes the
            // subscription a member of that queue group. All three members
            // use the same subject and group name; that is all it takes to
            // share the work.
            //
            // `flush` is a round trip: jnats queues the PING behind the SUB
            // it just queued, and returns when the server's PONG arrives,
            // so the server has registered the member by then. It throws a
            // `TimeoutException` if that takes longer than the time given.
            for (var worker : workers.entrySet()) {
                String name = worker.getKey();
                worker.getValue().createDispatcher().subscribe("jobs", "workers", msg -> {
                    handled.add(new Handled(name, new String(msg.getData(), StandardCharsets.UTF_8)));
                    groupDone.release();
                });
                worker.getValue().flush(Duration.ofSeconds(1));
            }

            // An ordinary subscription on the same subject is not affected
            // by the group: it still receives every message. Typical uses
            // are auditing or metrics next to the workers.
            monitor.createDispatcher().subscribe("jobs", msg -> {
                seen.add(new String(msg.getData(), StandardCharsets.UTF_8));
                monitorDone.release();
            });
            monitor.flush(Duration.ofSeconds(1));

            // The publisher connects once everyone is listening. It
            // publishes 30 jobs, then we wait until both the group and the
            // monitor have processed 30 messages.
            Connection publisher = Nats.connect(options);
            all.add(publisher);
            for (int i = 1; i <= 30; i++) {
                publisher.publish("jobs", ("job-" + i).getBytes(StandardCharsets.UTF_8));
            }
            System.out.println("published 30 jobs");
            await(groupDone, 30);
            await(monitorDone, 30);

            // Each job reached exactly one member: none is missing and none
            // was handled twice. How many each worker got varies from run
            // to run (the server picks a member at random), but every
            // worker got a share and the shares add up. (With 30 jobs, the
            // chance that one of three members gets none is about 1 in
            // 60,000.)
            List<String> jobs = handled.stream().map(Handled::job).toList();
            int twice = jobs.size() - new HashSet<>(jobs).size();
            System.out.println("queue group handled " + jobs.size() + " jobs, " + twice + " of them twice");
            Map<String, Integer> perWorker = new LinkedHashMap<>();
            handled.forEach(h -> perWorker.merge(h.worker(), 1, Integer::sum));
            System.out.println("workers that got a share: " + perWorker.size() + " of " + workers.size());
            int total = perWorker.values().stream().mapToInt(Integer::intValue).sum();
            System.out.println("jobs per worker vary from run to run, but add up to " + total);

            // The monitor, outside the group, got its own copy of every
            // job. The server delivers each message once to every queue
            // group and once to every plain subscription.
            System.out.println("monitor (no queue group) saw " + new HashSet<>(seen).size() + " jobs");

            // Now two workers shut down. Draining lets each finish what it
            // already received, removes its membership from the server and
            // closes the connection; the future says when that is done.
            for (String name : List.of("worker-2", "worker-3")) {
                workers.get(name).drain(Duration.ofSeconds(5)).get();
                System.out.println(name + " stopped");
            }

            // With one member left, the group keeps working: worker-1 gets
            // every new job. Nothing had to be reconfigured; the server
            // just has fewer members to choose from.
            handled.clear();
            for (int i = 31; i <= 40; i++) {
                publisher.publish("jobs", ("job-" + i).getBytes(StandardCharsets.UTF_8));
            }
            System.out.println("published 10 more jobs");
            await(groupDone, 10);
            long byWorker1 = handled.stream().filter(h -> h.worker().equals("worker-1")).count();
            System.out.println("worker-1 handled " + byWorker1 + " of them");

            for (Connection nc : List.of(publisher, monitor, workers.get("worker-1"))) {
                nc.drain(Duration.ofSeconds(5)).get();
            }
        } finally {
            // Closing an already drained connection does nothing.
            for (Connection nc : all) {
                nc.close();
            }
        }
    }

    // Wait until the handlers have released `count` permits, but never
    // forever.
    static void await(Semaphore done, int count) throws InterruptedException {
        if (!done.tryAcquire(count, 5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("timed out waiting for the handlers");
        }
    }
}
