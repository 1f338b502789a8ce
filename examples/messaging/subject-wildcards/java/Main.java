// Wildcards are part of core NATS: the `io.nats.client` package is all we
// need, with a `Dispatcher` to run a handler for each subscription.
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

public class Main {
    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            // Four subscriptions, each with a different pattern:
            //
            // - `orders.*`: `orders` followed by exactly one more token.
            // - `orders.*.shipped`: a `*` can stand in the middle, here for
            //   a region.
            // - `orders.>`: everything below `orders`, however deep.
            // - `*.eu.>`: wildcards combine; any first token, then `eu`,
            //   then at least one more token.
            List<String> patterns = List.of("orders.*", "orders.*.shipped", "orders.>", "*.eu.>");

            // Each handler records the subjects it was given.
            // `msg.getSubject()` is the concrete subject the message was
            // published to, not the pattern, so a wildcard handler can tell
            // the messages apart.
            //
            // One `Dispatcher` can carry many subscriptions, each with its
            // own handler; all of them run on the dispatcher's single
            // thread. The sets are concurrent ones because the main thread
            // reads them afterwards.
            Map<String, Set<String>> received = new LinkedHashMap<>();
            Dispatcher dispatcher = nc.createDispatcher();
            for (String pattern : patterns) {
                Set<String> seen = ConcurrentHashMap.newKeySet();
                received.put(pattern, seen);
                dispatcher.subscribe(pattern, msg -> seen.add(msg.getSubject()));
            }

            // Publish one message to each subject. The server compares each
            // subject with every pattern and delivers a copy to each
            // subscription that matches. A subject may match several
            // patterns, or none at all. A payload may be empty.
            List<String> subjects = List.of(
                    "orders",
                    "orders.new",
                    "orders.eu.shipped",
                    "orders.us.shipped",
                    "orders.eu.paris.shipped");
            for (String subject : subjects) {
                nc.publish(subject, new byte[0]);
            }

            // Draining unsubscribes, waits until the dispatcher has handled
            // every message already delivered, then closes the connection,
            // so the results are complete once its future does.
            nc.drain(Duration.ofSeconds(5)).get();

            // Print one row per subject and one column per subscription.
            // Notice:
            //
            // - `orders` matches nothing: `*` and `>` both need at least one
            //   token.
            // - `orders.eu.paris.shipped` has one token too many for
            //   `orders.*.shipped`; a `*` never spans two tokens.
            // - Only `orders.>` sees every order event.
            int width = subjects.stream().mapToInt(String::length).max().orElse(0) + 2;
            StringBuilder header = new StringBuilder(pad("subject", width));
            patterns.forEach(p -> header.append(pad(p, 18)));
            System.out.println(header.toString().stripTrailing());
            for (String subject : subjects) {
                StringBuilder row = new StringBuilder(pad(subject, width));
                for (String p : patterns) {
                    row.append(pad(received.get(p).contains(subject) ? "yes" : "-", 18));
                }
                System.out.println(row.toString().stripTrailing());
            }
        }
    }

    static String pad(String text, int width) {
        return String.format("%-" + width + "s", text);
    }
}
