// Java has no JSON in its standard library; the usual choice is Jackson
// (`jackson-databind`, pinned beside jnats in `examples/pom.xml`). Its
// `ObjectMapper` turns objects into JSON bytes and back, and its
// exceptions tell a payload that is not JSON from JSON of the wrong shape.
// From jnats we need only the core: a connection and a `Subscription`.
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

public class Main {
    // The message schema, a Java record. Publisher and subscriber share
    // this definition; in a larger system it would live in a library both
    // depend on. Jackson maps a record's components to JSON fields by name.
    record Order(long id, String item, int quantity) {}

    // One `ObjectMapper` is enough for the whole program: it is
    // thread-safe once configured, and building it is not free. By default
    // Jackson already refuses a JSON field the record does not have; the
    // feature below makes it refuse a missing field too, instead of
    // quietly filling in null or 0.
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    // Decoding is where things go wrong, so keep it in one place. It turns
    // the raw bytes into an `Order`, or throws `IllegalArgumentException`
    // with a readable reason. Reading happens in two steps so the two
    // failures can be told apart: `readTree` fails if the bytes are not
    // JSON at all, `treeToValue` if the JSON does not fit the record. Both
    // throw a `JsonProcessingException`; `getOriginalMessage` is its text
    // without the location details Jackson appends.
    static Order decodeOrder(byte[] data) {
        JsonNode tree;
        try {
            tree = JSON.readTree(data);
        } catch (IOException e) {
            String reason = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw new IllegalArgumentException("not valid JSON (" + reason + ")");
        }
        try {
            return JSON.treeToValue(tree, Order.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("JSON without the expected fields: " + tree);
        }
    }

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            // The subscriber reads messages one at a time with
            // `nextMessage`, which keeps the output in step with what is
            // published.
            Subscription sub = nc.subscribe("orders.new");

            // Encoding: `writeValueAsBytes` turns the record into the UTF-8
            // JSON bytes NATS carries, in one step.
            Order order = new Order(1, "coffee", 2);
            byte[] payload = JSON.writeValueAsBytes(order);
            nc.publish("orders.new", payload);
            System.out.println("published " + new String(payload, StandardCharsets.UTF_8));
            receive(sub);

            // NATS delivers whatever bytes it is given. A producer with a
            // bug (or a person testing with the `nats` CLI) can send text
            // that is not JSON. Jackson throws, and the subscriber reports
            // it instead of crashing.
            //
            // Handle this in `Dispatcher` handlers too. An exception that
            // escapes a handler does not reach your code and does not stop
            // the dispatcher's thread: jnats catches it, passes it to the
            // connection's `ErrorListener` (`exceptionOccurred`; by default
            // a SEVERE log line) and moves on to the next message.
            payload = "two coffees, please".getBytes(StandardCharsets.UTF_8);
            nc.publish("orders.new", payload);
            System.out.println("published two coffees, please");
            receive(sub);

            // Valid JSON is not enough either: this one parses, but its
            // fields do not match `Order`. Mapping it onto the record, with
            // unknown and missing fields refused, catches it.
            payload = "{\"id\":2,\"product\":\"tea\"}".getBytes(StandardCharsets.UTF_8);
            nc.publish("orders.new", payload);
            System.out.println("published " + new String(payload, StandardCharsets.UTF_8));
            receive(sub);

            // Drain so everything in flight is handled before the program
            // exits; the future completes once the connection is closed.
            nc.drain(Duration.ofSeconds(5)).get();
        }
    }

    // Take the next message (waiting at most a second; jnats returns null
    // on a timeout) and print the order it holds, or why it was rejected.
    static void receive(Subscription sub) throws InterruptedException {
        Message msg = sub.nextMessage(Duration.ofSeconds(1));
        if (msg == null) {
            System.out.println("nothing received");
            return;
        }
        try {
            System.out.println("received " + decodeOrder(msg.getData()));
        } catch (IllegalArgumentException e) {
            System.out.println("rejected: " + e.getMessage());
        }
    }
}
