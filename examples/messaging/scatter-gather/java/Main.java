// Scatter-gather is built from core NATS pieces: a connection, handlers on
// `Dispatcher`s for the responders, and a plain `Subscription` on an inbox
// for the requester.
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

public class Main {
    // A shop's name, how long it takes to answer, and its price.
    record Shop(String name, Duration delay, String price) {}

    // One reply: who answered and at what price.
    record Quote(String shop, String price) {}

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection shops = Nats.connect(options);
             Connection client = Nats.connect(options)) {
            // Four shops answer price requests on `quote.coffee`. They use
            // plain subscriptions, not a queue group, so every one of them
            // receives each request. (They share one connection here; they
            // could just as well be four separate programs.) Each takes a
            // different time to answer; `slow-brew` is so slow that it will
            // miss the requester's deadline.
            //
            // A `Dispatcher` is one thread that runs its handlers one
            // message at a time, so a handler that blocks (here it sleeps
            // to stand in for work) holds up every other subscription on
            // the same dispatcher. Each shop therefore gets a dispatcher of
            // its own, and the four answer in parallel.
            List<Shop> prices = List.of(
                    new Shop("cafe-corner", Duration.ofMillis(50), "3.40"),
                    new Shop("daily-grind", Duration.ofMillis(100), "2.90"),
                    new Shop("bean-barn", Duration.ofMillis(200), "3.10"),
                    new Shop("slow-brew", Duration.ofMillis(1000), "2.50"));
            for (Shop shop : prices) {
                shops.createDispatcher().subscribe("quote.coffee", msg -> {
                    try {
                        Thread.sleep(shop.delay().toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                    shops.publish(msg.getReplyTo(), (shop.name() + " " + shop.price()).getBytes(StandardCharsets.UTF_8));
                });
            }
            // One round trip makes sure the server has every subscription
            // before a request goes out: jnats sends the flush's PING after
            // the SUBs queued before it.
            shops.flush(Duration.ofSeconds(1));

            // First round: wait 0.5 s and take whatever has arrived. Three
            // shops make it; `slow-brew` does not, and the requester does
            // not wait for it. Replies arrive in whatever order the shops
            // finish, so sort them before printing.
            List<Quote> quotes = scatterGather(client, "quote.coffee", Duration.ofMillis(500), Integer.MAX_VALUE);
            quotes.sort(Comparator.comparing(Quote::shop));
            System.out.println("gathered " + quotes.size() + " quotes before the deadline:");
            for (Quote q : quotes) {
                System.out.println("  " + q.shop() + ": " + q.price());
            }
            Quote cheapest = quotes.stream().min(Comparator.comparing(q -> Double.parseDouble(q.price()))).orElseThrow();
            System.out.println("cheapest: " + cheapest.shop() + " at " + cheapest.price());

            // Second round: stop as soon as two replies are in. This trades
            // completeness for latency, for example when any two answers
            // are enough to go on. The two fastest shops answer first.
            quotes = scatterGather(client, "quote.coffee", Duration.ofMillis(500), 2);
            List<String> names = quotes.stream().map(Quote::shop).sorted().toList();
            System.out.println("gathered the first " + quotes.size() + " quotes: " + String.join(", ", names));

            // Third round: no shop sells tea. Instead of waiting out the
            // deadline, the gatherer learns at once that nobody is
            // listening.
            quotes = scatterGather(client, "quote.tea", Duration.ofMillis(500), Integer.MAX_VALUE);
            System.out.println("gathered " + quotes.size() + " tea quotes");

            // Draining the shops' connection waits for their handlers to
            // finish, including `slow-brew`'s late answers, which nobody
            // receives anymore.
            client.drain(Duration.ofSeconds(5)).get();
            shops.drain(Duration.ofSeconds(5)).get();
        }
    }

    // The gather side. `nc.request` completes its future with the first
    // reply and ignores the rest, so the requester does the steps itself.
    // `createInbox` returns a unique subject (`_INBOX.` plus a random ID)
    // that only this requester listens on. Subscribing to it *before*
    // publishing ensures no early reply is missed. The request then goes
    // out with the inbox as its reply subject, which is what
    // `getReplyTo()` returns on the responders' side.
    //
    // Replies are read with `nextMessage`, each wait bounded by the time
    // left until the deadline (it returns null when that runs out), and the
    // loop also stops once `maxReplies` have arrived.
    //
    // If nobody at all is subscribed to the subject, the server says so at
    // once: it sends the inbox a message with no payload and a 503 status.
    // jnats marks such a message (`isStatusMessage()`), and `nc.request`
    // turns it into a failed future; here we read the inbox ourselves, so
    // we check for it, or the status would be taken for an (empty) reply.
    static List<Quote> scatterGather(Connection nc, String subject, Duration deadline, int maxReplies)
            throws InterruptedException {
        String inbox = nc.createInbox();
        Subscription sub = nc.subscribe(inbox);
        nc.publish(subject, inbox, new byte[0]);

        Instant end = Instant.now().plus(deadline);
        List<Quote> replies = new ArrayList<>();
        while (replies.size() < maxReplies) {
            Duration remaining = Duration.between(Instant.now(), end);
            if (remaining.isNegative() || remaining.isZero()) {
                break;
            }
            Message msg = sub.nextMessage(remaining);
            if (msg == null) {
                break;
            }
            if (msg.isStatusMessage() && msg.getStatus().isNoResponders()) {
                System.out.println("nobody answers " + subject + ": no responders");
                break;
            }
            String[] parts = new String(msg.getData(), StandardCharsets.UTF_8).split(" ");
            replies.add(new Quote(parts[0], parts[1]));
        }

        // Stop listening. Any reply that arrives later finds no interest on
        // the inbox and is dropped by the server.
        sub.unsubscribe();
        return replies;
    }
}
