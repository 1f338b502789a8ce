// The system account is where nats-servers talk about themselves. Every
// server answers monitoring requests on `$SYS.REQ.>` subjects and publishes
// events (connects, disconnects, stats) on `$SYS.>`, all over plain NATS.
// A client in the system account can watch a whole deployment, every
// server of every cluster, through a single connection. Besides jnats we
// use Jackson's tree model to read the JSON the servers send.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

public class Main {
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        String[] servers = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222").split(",");

        // Log in as `admin`, a user of the SYS account (server.conf names
        // SYS as `system_account`). `connectionName` is the name servers
        // show for this connection in events and connection lists.
        Options monitorOptions = Options.builder().servers(servers)
                .userInfo("admin", "admin-secret").connectionName("monitor").build();
        try (Connection sys = Nats.connect(monitorOptions)) {
            // Servers announce every client that connects or disconnects,
            // on `$SYS.ACCOUNT.<account>.CONNECT` and `.DISCONNECT`. The
            // event is JSON describing the client: its account, user, name,
            // address and more. We watch the APP account. (A `*` for the
            // account would watch all of them, and could even catch the
            // announcement of this monitor's own connection, which the
            // server sends a moment after it connected.) The handler also
            // puts each event on a queue, so the program can wait for the
            // ones it expects, with a deadline, instead of sleeping.
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            var events = sys.createDispatcher(msg -> {
                JsonNode event = parse(msg.getData());
                String type = event.path("type").asText();
                String kind = type.substring(type.lastIndexOf('.') + 1);
                JsonNode client = event.path("client");
                System.out.println("event " + kind + ": account " + client.path("acc").asText() + ", user "
                        + client.path("user").asText() + ", " + client.path("name").asText());
                seen.add(kind);
            });
            events.subscribe("$SYS.ACCOUNT.APP.CONNECT");
            events.subscribe("$SYS.ACCOUNT.APP.DISCONNECT");
            sys.flush(Duration.ofSeconds(1));

            // Two application clients connect; the events above report
            // them. `reportNoResponders()` lets the orders client tell "no
            // responders" from a timeout below.
            Options.Builder app = Options.builder().servers(servers).userInfo("app", "app-secret");
            try (Connection orders = Nats.connect(app.connectionName("orders").reportNoResponders().build())) {
                waitForEvent(seen);
                Connection billing = Nats.connect(app.connectionName("billing").build());
                waitForEvent(seen);

                // The bare PING returns each server's identity and current
                // statistics (`statsz`). Server IDs and timestamps change on
                // every run, so we print the stable fields: name, version,
                // connection counts.
                List<JsonNode> answers = ping(sys, "$SYS.REQ.SERVER.PING", "", Integer.MAX_VALUE);
                answers.sort(Comparator.comparing(a -> a.path("server").path("name").asText()));
                System.out.println("PING: " + answers.size() + " server(s) answered");
                for (JsonNode answer : answers) {
                    JsonNode server = answer.path("server");
                    JsonNode stats = answer.path("statsz");
                    System.out.println("  " + server.path("name").asText() + ": version " + server.path("ver").asText()
                            + ", " + stats.path("connections").asInt() + " connections, "
                            + stats.path("active_accounts").asInt() + " active accounts");
                }

                // `PING.<ENDPOINT>` asks every server for one of its
                // monitoring endpoints, the same data the HTTP monitoring
                // port serves (VARZ, CONNZ, ACCOUNTZ, JSZ, HEALTHZ...). The
                // payload carries the endpoint's options: for CONNZ, `auth`
                // adds each connection's account and user.
                for (JsonNode answer : ping(sys, "$SYS.REQ.SERVER.PING.CONNZ", "{\"auth\": true}", answers.size())) {
                    System.out.println("CONNZ from " + answer.path("server").path("name").asText() + ":");
                    for (JsonNode conn : answer.path("data").path("connections")) {
                        System.out.println("  " + conn.path("name").asText() + ": account " + conn.path("account").asText()
                                + ", user " + conn.path("authorized_user").asText());
                    }
                }
                for (JsonNode answer : ping(sys, "$SYS.REQ.SERVER.PING.HEALTHZ", "", answers.size())) {
                    System.out.println("HEALTHZ from " + answer.path("server").path("name").asText() + ": "
                            + answer.path("data").path("status").asText());
                }

                // What can an application account ask? Every account gets
                // three system requests imported by the server, each
                // answered about that account only:
                // `$SYS.REQ.SERVER.PING.CONNZ` and
                // `$SYS.REQ.ACCOUNT.PING.CONNZ` list its own connections,
                // and `$SYS.REQ.ACCOUNT.PING.STATZ` gives its own message
                // and connection counts. (`$SYS.REQ.USER.INFO`, who am I and
                // with what permissions, is there too.) Asking about another
                // account, or with `auth`, still only shows the caller's
                // account: here the monitor's connection in SYS does not
                // appear.
                Message reply = orders.request("$SYS.REQ.ACCOUNT.PING.CONNZ", bytes("{\"auth\": true}"))
                        .get(1, TimeUnit.SECONDS);
                List<String> names = new ArrayList<>();
                parse(reply.getData()).path("data").path("connections")
                        .forEach(c -> names.add(c.path("name").asText()));
                names.sort(null);
                System.out.println("orders (account APP): $SYS.REQ.ACCOUNT.PING.CONNZ -> " + String.join(", ", names));

                // Everything else under `$SYS` is out of reach. The
                // server-wide PING, VARZ, HEALTHZ, JSZ, the events: in APP
                // those are ordinary subjects that nobody serves, so a
                // request finds no responders.
                try {
                    orders.request("$SYS.REQ.SERVER.PING", new byte[0]).get(1, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof JetStreamStatusException status && status.getStatus().isNoResponders())) {
                        throw e;
                    }
                    System.out.println("orders (account APP): $SYS.REQ.SERVER.PING -> no responders");
                }

                // Closing a client produces a DISCONNECT event.
                billing.close();
                waitForEvent(seen);

                // The monitor stops listening before the last client leaves,
                // so its disconnect is not part of the output.
                sys.drain(Duration.ofSeconds(5)).get();
                orders.drain(Duration.ofSeconds(5)).get();
            }
        }
    }

    // Requests on `$SYS.REQ.SERVER.PING...` go to every server, and each
    // one answers, so this is scatter-gather rather than a plain request:
    // publish with a reply inbox, then collect answers until none has come
    // for half a second. (`expected` ends the wait early once we know how
    // many servers exist.)
    static List<JsonNode> ping(Connection nc, String subject, String payload, int expected) throws Exception {
        Subscription sub = nc.subscribe(nc.createInbox());
        nc.publish(subject, sub.getSubject(), bytes(payload));
        List<JsonNode> answers = new ArrayList<>();
        Message msg;
        while (answers.size() < expected && (msg = sub.nextMessage(Duration.ofMillis(500))) != null) {
            answers.add(parse(msg.getData()));
        }
        sub.unsubscribe();
        return answers;
    }

    // Wait for the next connect or disconnect event, at most five seconds.
    static void waitForEvent(BlockingQueue<String> seen) throws InterruptedException {
        if (seen.poll(5, TimeUnit.SECONDS) == null) {
            throw new IllegalStateException("the expected event did not come");
        }
    }

    // Parse a JSON payload. `readTree` throws the checked `IOException`,
    // which a `MessageHandler` may not throw; as an unchecked exception a
    // bad payload would reach the connection's `ErrorListener`.
    static JsonNode parse(byte[] data) {
        try {
            return JSON.readTree(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
