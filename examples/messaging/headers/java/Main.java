// Headers are part of core NATS (servers 2.2 and later). In jnats they are
// a `Headers` object from `io.nats.client.impl`, passed to `publish` and
// `request` beside the subject and read back with `Message.getHeaders()`.
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

public class Main {
    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            Subscription sub = nc.subscribe("orders.new");

            // Build the headers with `add` (or `put`, which replaces), then
            // hand them to the `publish` overload that takes them. Here they
            // say how to decode the payload and which order it is about, so
            // a consumer can route or log the message without parsing the
            // body. A name or value with characters HTTP would not allow
            // (a newline, a colon in the name) is refused at once with an
            // `IllegalArgumentException`.
            Headers headers = new Headers()
                    .add("Content-Type", "application/json")
                    .add("Order-Id", "42");
            nc.publish("orders.new", headers, bytes("{\"item\":\"coffee\",\"quantity\":2}"));

            // On the receiving side every name maps to a *list* of values,
            // because the protocol allows a name to repeat; `getFirst`
            // gives the first one. Names are kept exactly as sent and
            // looked up case-sensitively by `get` (`getIgnoreCase` exists
            // when you cannot agree on one spelling). `Headers` is backed by
            // a hash map, so it keeps no order: we sort the names to print
            // them.
            Message msg = sub.nextMessage(Duration.ofSeconds(1));
            System.out.println("received " + msg.getSubject() + " with headers:");
            for (String name : new TreeMap<>(msg.getHeaders().toMap()).keySet()) {
                System.out.println("  " + name + ": " + msg.getHeaders().getFirst(name));
            }
            System.out.println("payload: " + text(msg.getData()));

            // A message published without headers has `getHeaders()` null,
            // not an empty `Headers`; `hasHeaders()` is the safe test when
            // headers are optional.
            nc.publish("orders.new", bytes("{}"));
            msg = sub.nextMessage(Duration.ofSeconds(1));
            System.out.println("received without headers: msg.getHeaders() is " + msg.getHeaders()
                    + ", hasHeaders() is " + msg.hasHeaders());

            // Headers work on requests and replies too. A common use is a
            // trace ID that every service copies along, so one request can
            // be followed through the logs of many services. A reply gets
            // no headers unless the service sets them: it publishes to
            // `getReplyTo()` with headers of its own. The handler runs on
            // the dispatcher's thread, so its line is printed before the
            // reply it sends can reach the requester.
            Dispatcher pricing = nc.createDispatcher();
            pricing.subscribe("price.coffee", request -> {
                String traceId = request.getHeaders().getFirst("Trace-Id");
                System.out.println("service saw Trace-Id: " + traceId);
                Headers replyHeaders = new Headers()
                        .add("Trace-Id", traceId)
                        .add("Served-By", "pricing-1");
                nc.publish(request.getReplyTo(), replyHeaders, bytes("3.50"));
            });
            Message reply = nc.request("price.coffee", new Headers().add("Trace-Id", "trace-7f3a"), null)
                    .get(1, TimeUnit.SECONDS);
            System.out.println("reply: " + text(reply.getData()));
            System.out.println("reply headers: " + new TreeMap<>(reply.getHeaders().toMap()));

            // A name can carry several values: `add` appends to the list
            // (`put` would replace it), each value travels as its own
            // `Tags: ...` line, and `get` returns them all, in order. No
            // need to invent a comma-separated format.
            nc.publish("orders.new", new Headers().add("Tags", "fragile").add("Tags", "gift"), bytes("{}"));
            msg = sub.nextMessage(Duration.ofSeconds(1));
            List<String> tags = msg.getHeaders().get("Tags");
            System.out.println("Tags has " + tags.size() + " values: " + String.join(", ", tags));

            nc.drain(Duration.ofSeconds(5)).get();
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }
}
