// In jnats, handling several subjects in one place needs no extra
// machinery: a `Dispatcher` created with a default `MessageHandler` runs
// that one handler for every subject it is subscribed to. A
// `CompletableFuture` tells the main thread when the handler is done.
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

public class Main {
    // The steps of an order, in the order they happen.
    enum Step { created, paid, shipped }

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options);
             Connection publisher = Nats.connect(options)) {
            // Which step each subject reports.
            Map<String, Step> stepOf = new LinkedHashMap<>();
            stepOf.put("orders.created", Step.created);
            stepOf.put("payments.received", Step.paid);
            stepOf.put("shipments.sent", Step.shipped);

            // The state the handler keeps: the steps each order has passed,
            // and per subject the orders in the sequence they came. Only
            // the dispatcher's thread touches it while messages flow, so it
            // needs no locks; the main thread reads it after `done`
            // completes, which makes the handler's writes visible to it.
            Map<String, Set<Step>> passed = new TreeMap<>();
            Map<String, List<String>> perSubject = new LinkedHashMap<>();
            stepOf.keySet().forEach(s -> perSubject.put(s, new ArrayList<>()));
            CompletableFuture<Integer> done = new CompletableFuture<>();
            int[] handled = {0};

            // The single place where every message is handled: the
            // dispatcher's default handler. `msg.getSubject()` says which
            // subscription a message came through. Because the merged order
            // is not something NATS promises (see below), the state records
            // which steps each order has passed, not just the last message
            // seen, and the status is the furthest step.
            //
            // A condition that depends on several subjects at once is easy
            // here: once every order heard of has passed all three steps,
            // the handler completes `done`, and the main thread stops.
            Dispatcher dispatcher = nc.createDispatcher(msg -> {
                handled[0]++;
                String order = new String(msg.getData(), StandardCharsets.UTF_8);
                passed.computeIfAbsent(order, o -> EnumSet.noneOf(Step.class)).add(stepOf.get(msg.getSubject()));
                perSubject.get(msg.getSubject()).add(order);
                if (passed.values().stream().allMatch(s -> s.size() == Step.values().length)) {
                    done.complete(handled[0]);
                }
            });

            // One subscription per subject, all on this dispatcher, so one
            // queue and one thread serve all three. (Subscriptions created
            // with `nc.subscribe` are the other style: each has its own
            // queue that you read with `nextMessage`, and Java offers no way
            // to wait on several of them at once.) A flush makes sure the
            // server has the subscriptions before anything is published.
            for (String subject : stepOf.keySet()) {
                dispatcher.subscribe(subject);
            }
            nc.flush(Duration.ofSeconds(1));

            // Meanwhile another service (here, one more connection)
            // publishes the events of two orders, all at once.
            //
            // What NATS guarantees: the messages of one publisher reach each
            // subscription in the order they were published. Nothing more:
            // there is no order between different publishers, and none
            // between subscriptions. Here the dispatcher's single queue
            // happens to see the events in publishing order, because one
            // publisher and one server send them down one connection; with
            // several publishers, a cluster, or a dispatcher per subject, a
            // payment can come out ahead of the creation of its order.
            List<String[]> events = List.of(
                    new String[] {"orders.created", "order-1"},
                    new String[] {"orders.created", "order-2"},
                    new String[] {"payments.received", "order-2"},
                    new String[] {"payments.received", "order-1"},
                    new String[] {"shipments.sent", "order-2"},
                    new String[] {"shipments.sent", "order-1"});
            for (String[] event : events) {
                publisher.publish(event[0], event[1].getBytes(StandardCharsets.UTF_8));
            }
            System.out.println("published " + events.size() + " events on " + stepOf.size() + " subjects at once");

            // Wait for the handler's verdict, with a deadline so a lost
            // message fails the program instead of hanging it.
            int count = done.get(5, TimeUnit.SECONDS);
            System.out.println("every order created, paid and shipped after " + count + " messages, stopping");

            // Per subject, the orders came in the sequence they were
            // published: that is the order NATS does guarantee.
            perSubject.forEach((subject, orders) ->
                    System.out.printf("%-18s in publishing order: %s%n", subject, String.join(", ", orders)));
            List<String> status = new ArrayList<>();
            passed.forEach((order, steps) -> status.add(order + "=" + Collections.max(steps)));
            System.out.println("final status: " + String.join(", ", status));

            // Closing the dispatcher removes its three subscriptions and
            // ends its thread; then both connections drain.
            nc.closeDispatcher(dispatcher);
            publisher.drain(Duration.ofSeconds(5)).get();
            nc.drain(Duration.ofSeconds(5)).get();
        }
    }
}
