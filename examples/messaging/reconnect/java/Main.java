// A NATS connection outlives the TCP connection under it. When its server
// goes away, jnats reconnects by itself, to another server of the cluster
// or to the same one when it is back, sends its subscriptions again and
// carries on; meanwhile, publishes wait in a buffer inside the client. The
// program hears of it all through a `ConnectionListener`. This example
// makes a server leave in each of the two ways servers leave: politely,
// in lame-duck mode, and abruptly.
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ConnectionListener.Events;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

public class Main {
    // The buffer for publishes made while disconnected. jnats keeps 8 MiB
    // by default; this example makes it small enough to fill.
    static final int BUFFER = 1024;

    // The events this program prints, each with a semaphore the listener
    // releases so that the main thread can wait for it, with a deadline,
    // instead of guessing how long a reconnect takes.
    static final Map<Events, Semaphore> EVENTS = new EnumMap<>(Events.class);

    public static void main(String[] args) throws Exception {
        // The recorder runs a cluster of three servers, n1, n2 and n3, and
        // gives each one a URL of its own.
        Map<String, String> urls = new LinkedHashMap<>();
        for (String n : List.of("n1", "n2", "n3")) {
            urls.put(n, System.getenv().getOrDefault("NATS_URL_" + n.toUpperCase(), "nats://127.0.0.1:4222"));
        }

        // jnats calls the listener on a thread of its own with every
        // connection event: connected, disconnected, reconnected,
        // resubscribed, closed, servers discovered, lame-duck mode. This one
        // prints the four the example is about.
        for (Events e : List.of(Events.DISCONNECTED, Events.RECONNECTED, Events.CLOSED, Events.LAME_DUCK)) {
            EVENTS.put(e, new Semaphore(0));
        }
        ConnectionListener listener = (conn, event) -> {
            if (EVENTS.containsKey(event)) {
                System.out.println("  callback: " + event.getEvent());
                EVENTS.get(event).release();
            }
        };

        // A failed attempt to reach a server goes to the `ErrorListener`,
        // which by default logs it. How many there are depends on timing,
        // so this one stays quiet (all its methods have empty defaults); a
        // real program would log them.
        ErrorListener quiet = new ErrorListener() {};

        // jnats shuffles its list of servers, so that clients spread over
        // the cluster; `noRandomize` keeps the order given, so that this
        // example knows where its client lands: n1 first, then n2, then
        // n3. `reconnectWait` is the pause before the same server is tried
        // again (2 s by default); with `BeforeAllRounds` jnats also pauses
        // that long before its first attempt, which gives the buffer below
        // time to fill. `maxReconnects` is how many attempts the client
        // makes before it gives up and closes (60 by default; -1, never),
        // and `reconnectBufferSize` bounds the buffer.
        Options options = Options.builder()
                .servers(urls.values().toArray(new String[0]))
                .noRandomize()
                .connectionListener(listener)
                .errorListener(quiet)
                .reconnectWait(Duration.ofMillis(500))
                .reconnectDelayBehavior(Options.ReconnectDelayBehavior.BeforeAllRounds)
                .maxReconnects(-1)
                .reconnectBufferSize(BUFFER)
                .build();
        Connection nc = Nats.connect(options);
        try {
            System.out.println("connected to " + serverName(nc, urls));

            // The client subscribes to the subject it publishes on, so it
            // sees its own messages come back (NATS echoes them unless
            // `noEcho`).
            Subscription sub = nc.subscribe("orders");
            nc.publish("orders", "order 1".getBytes(StandardCharsets.UTF_8));
            System.out.println("published and received: " + receive(sub));

            // 1. Lame-duck mode. Before a server is taken down, for an
            // upgrade say, it is put into lame-duck mode (`nats-server
            // --signal ldm`): it stops accepting connections and tells its
            // clients, whose listener gets `LAME_DUCK`. After a grace period
            // (10 s) it closes the connections left, a few at a time, over
            // `lame_duck_duration` (2 minutes), so that thousands of clients
            // do not all reconnect at once.
            //
            // The recorder puts n1 into lame-duck mode when this line is
            // printed.
            System.out.println("asking n1 to enter lame-duck mode");
            await(Events.LAME_DUCK);

            // jnats only reports it. A client that would rather move now
            // than be cut off later calls `forceReconnect()`: it drops the
            // connection and takes the next server of its list, the usual
            // reconnect path, with both events. (n1 would refuse it anyway.)
            // Its subscription comes along.
            System.out.println("moving on: forceReconnect()");
            nc.forceReconnect();
            await(Events.DISCONNECTED);
            await(Events.RECONNECTED);
            System.out.println("now connected to " + serverName(nc, urls));
            nc.publish("orders", "order 2".getBytes(StandardCharsets.UTF_8));
            System.out.println("published and received: " + receive(sub));

            // 2. A server that simply goes away: a crash, a machine that
            // fails. The recorder stops n2 when this line is printed, and
            // the client finds its connection gone. It waits `reconnectWait`
            // before its first attempt, so for now it is disconnected.
            System.out.println("stopping n2");
            await(Events.DISCONNECTED);
            System.out.println("status: " + nc.getStatus());

            // Until a server takes the client back, `publish` neither fails
            // nor waits: it appends the message to the client's buffer and
            // returns. Here another server is up and the wait is short; with
            // every server down it lasts until one is back, or until the
            // client gives up. (`outgoingPendingBytes()` would say how full
            // the buffer is, but in jnats 2.26 it takes a lock that the
            // reconnecting thread holds, so while disconnected it blocks
            // until the reconnect is over.)
            for (int n = 3; n <= 5; n++) {
                nc.publish("orders", ("order " + n).getBytes(StandardCharsets.UTF_8));
            }
            System.out.println("published order 3, 4 and 5: they wait in the buffer");

            // A publish that would take the buffer past its size throws an
            // `IllegalStateException`: that message is dropped, the ones
            // already buffered stay. (With a size of 0, every publish made
            // while disconnected throws.)
            try {
                nc.publish("orders", new byte[1000]);
            } catch (IllegalStateException e) {
                System.out.println("a 1000-byte publish does not fit in the " + BUFFER + "-byte buffer: " + e.getMessage());
            }

            // Once a server takes the client, jnats sends its subscriptions
            // first and the buffer after them, so the orders published while
            // disconnected arrive, in order.
            await(Events.RECONNECTED);
            System.out.println("now connected to " + serverName(nc, urls));
            List<String> received = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                received.add(receive(sub));
            }
            System.out.println("received after the reconnect: " + String.join(", ", received));

            // The buffer lives in this process's memory: what is in it when
            // the process ends, or when the program closes the connection,
            // is lost. A message that must not be lost goes to a JetStream
            // stream, whose publish waits for the server's acknowledgement.
            //
            // `close()` ends the connection for good, and the listener gets
            // `CLOSED`, which a program also gets when the client gives up
            // reconnecting.
            System.out.println("closing");
        } finally {
            nc.close();
        }
        await(Events.CLOSED);
    }

    // Which of the three servers the connection uses, by the port of the
    // URL it is connected to.
    static String serverName(Connection nc, Map<String, String> urls) {
        String connected = nc.getConnectedUrl();
        String port = connected.substring(connected.lastIndexOf(':'));
        return urls.entrySet().stream().filter(e -> e.getValue().endsWith(port))
                .map(Map.Entry::getKey).findFirst().orElse(connected);
    }

    static String receive(Subscription sub) throws InterruptedException {
        var msg = sub.nextMessage(Duration.ofSeconds(5));
        if (msg == null) {
            throw new IllegalStateException("nothing received");
        }
        return new String(msg.getData(), StandardCharsets.UTF_8);
    }

    // Wait for the listener to report an event, at most fifteen seconds.
    static void await(Events event) throws InterruptedException {
        if (!EVENTS.get(event).tryAcquire(15, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no " + event.getEvent() + " event");
        }
    }
}
