// Publish-subscribe needs only the core of jnats, the `io.nats.client`
// package: `Nats.connect` with its `Options`, the `Connection` it returns,
// and the `Subscription` and `Message` types. NATS payloads are bytes, so
// text goes through `StandardCharsets.UTF_8` both ways.
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

public class Main {
    public static void main(String[] args) throws Exception {
        // Read the server list from `NATS_URL` (comma-separated), or use a
        // local server on the default port.
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        // In a real system the publisher and each subscriber are separate
        // programs, and nothing below changes when they are. One connection
        // plays every role here because it makes the timing exact: jnats
        // sends commands from a single queue in the order the program issued
        // them, and the server handles one connection's commands in that
        // order too. `Nats.connect` blocks until the connection is ready or
        // throws an `IOException` if no server can be reached. A
        // `Connection` is `AutoCloseable`, so try-with-resources closes it
        // even if something below throws.
        try (Connection nc = Nats.connect(options)) {
            // Publish before anybody has subscribed. `publish` does not wait
            // for the server: it puts the message on the outgoing queue and
            // returns. The server finds no interest in `weather.oslo` and
            // drops the message, and the publisher is never told: core NATS
            // delivers at most once, to whoever is listening at that moment.
            nc.publish("weather.oslo", "12°C fog".getBytes(StandardCharsets.UTF_8));
            System.out.println("published weather.oslo: 12°C fog (nobody subscribed yet)");

            // Subscriber A subscribes. `nc.subscribe` without a handler makes
            // a synchronous subscription: incoming messages wait in its queue
            // until the program pulls them with `nextMessage`.
            Subscription subA = nc.subscribe("weather.oslo");

            // The earlier message is not waiting for A: `nextMessage` gives
            // up after half a second and returns null (jnats reports a
            // timeout with null, not an exception). A subscriber only sees
            // what is published after it subscribed; to read what was sent
            // while you were away, store messages in a JetStream stream.
            receive("A", subA, Duration.ofMillis(500));

            // A message published now reaches A.
            nc.publish("weather.oslo", "14°C rain".getBytes(StandardCharsets.UTF_8));
            System.out.println("published weather.oslo: 14°C rain");
            receive("A", subA, Duration.ofSeconds(1));

            // Subscriber B subscribes to the same subject. Now one publish is
            // delivered to both subscriptions, each getting its own copy.
            // This fan-out lets one event feed a dashboard, an alerting
            // service and an archive at once, and the publisher knows none
            // of them.
            Subscription subB = nc.subscribe("weather.oslo");

            nc.publish("weather.oslo", "16°C sun".getBytes(StandardCharsets.UTF_8));
            System.out.println("published weather.oslo: 16°C sun");
            receive("A", subA, Duration.ofSeconds(1));
            receive("B", subB, Duration.ofSeconds(1));

            // `drain` unsubscribes, lets messages already on their way be
            // handled, flushes what is queued for the server and then closes
            // the connection. It returns a future that completes with true
            // once all of that is done within the given time; waiting on it
            // keeps the program from exiting early.
            nc.drain(Duration.ofSeconds(5)).get();
        }
    }

    // Wait at most `wait` for a subscription's next message and say what
    // arrived, or that nothing did.
    static void receive(String name, Subscription sub, Duration wait) throws InterruptedException {
        Message msg = sub.nextMessage(wait);
        if (msg == null) {
            System.out.println("subscriber " + name + ": nothing received");
        } else {
            String text = new String(msg.getData(), StandardCharsets.UTF_8);
            System.out.println("subscriber " + name + " received " + msg.getSubject() + ": " + text);
        }
    }
}
