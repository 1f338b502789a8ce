// A request's reply travels on an ordinary subject, the requester's
// *inbox*, and anyone allowed to subscribe to it can read the reply. This
// program shows the leak and the fix: a private inbox prefix per user,
// enforced by permissions. In jnats the prefix is the connection option
// `inboxPrefix`.
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

public class Main {
    static String[] servers;

    // Permission violations come back asynchronously, to the connection's
    // `ErrorListener`, on a thread of its own. Each connection's listener
    // queues them, with the user's name in front and the random part of an
    // inbox name hidden, so that the main thread prints them where they
    // belong and the output is the same on every run.
    static final BlockingQueue<String> ERRORS = new LinkedBlockingQueue<>();

    static final List<Connection> CONNECTIONS = new ArrayList<>();

    static Connection connect(String user, String inboxPrefix) throws Exception {
        Options.Builder builder = Options.builder().servers(servers)
                .userInfo(user, user + "-secret")
                .errorListener(new ErrorListener() {
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        ERRORS.add("  " + user + ": error: " + error.replaceAll("_INBOX\\.[A-Za-z0-9]{22}", "_INBOX.<random>"));
                    }
                });
        if (inboxPrefix != null) {
            builder.inboxPrefix(inboxPrefix);
        }
        Connection nc = Nats.connect(builder.build());
        CONNECTIONS.add(nc);
        return nc;
    }

    static void printNextError() throws InterruptedException {
        String error = ERRORS.poll(1, TimeUnit.SECONDS);
        if (error == null) {
            throw new IllegalStateException("the server reported no error");
        }
        System.out.println(error);
    }

    public static void main(String[] args) throws Exception {
        servers = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222").split(",");
        try {
            // The bank answers balance requests on `bank.balance`. A flush
            // makes sure the server has the subscription.
            Map<String, String> balances = Map.of("alice", "120 EUR", "bob", "75 EUR");
            Connection bank = connect("bank", null);
            bank.createDispatcher().subscribe("bank.balance", msg -> {
                String who = text(msg);
                bank.publish(msg.getReplyTo(), (who + ": " + balances.get(who)).getBytes(StandardCharsets.UTF_8));
            });
            bank.flush(Duration.ofSeconds(1));

            // By default jnats receives replies on `_INBOX.<random>.*`, one
            // subscription shared by all the connection's requests, and the
            // usual permission for that is `_INBOX.>`: every inbox. eve has
            // it, and subscribes to all of it. The random part hides
            // nothing from a wildcard.
            Connection eve = connect("eve", null);
            BlockingQueue<Message> overheard = new LinkedBlockingQueue<>();
            eve.createDispatcher().subscribe("_INBOX.>", overheard::add);
            eve.flush(Duration.ofSeconds(1));

            // alice connects with `inboxPrefix("_INBOX.alice")`: her replies
            // come to `_INBOX.alice.<random>.<n>`, the only inboxes her
            // permissions let her subscribe to. Her request works, and eve
            // reads the answer too.
            Connection alice = connect("alice", "_INBOX.alice");
            Message reply = alice.request("bank.balance", bytes("alice")).get(1, TimeUnit.SECONDS);
            System.out.println("alice: request bank.balance -> '" + text(reply) + "'");
            Message leaked = overheard.poll(1, TimeUnit.SECONDS);
            String[] tokens = leaked.getSubject().split("\\.");
            System.out.println("eve, allowed _INBOX.>, overheard on " + tokens[0] + "." + tokens[1] + ".*.*: '"
                    + text(leaked) + "'");

            // The fix is in the permissions: each user may subscribe to its
            // own prefix only, as bob may to `_INBOX.bob.>`. His attempts to
            // listen to every inbox, or to alice's, are refused by the
            // server; the flush returns once the server has answered, and
            // the listener passes the refusal on.
            System.out.println("bob tries to listen to other inboxes:");
            Connection bob = connect("bob", null);
            bob.subscribe("_INBOX.>");
            bob.flush(Duration.ofSeconds(1));
            printNextError();
            bob.subscribe("_INBOX.alice.>");
            bob.flush(Duration.ofSeconds(1));
            printNextError();

            // The client has to play along. Without `inboxPrefix`, bob's
            // request subscribes to a default inbox his permissions forbid:
            // the server refuses the subscription, the bank's answer has
            // nowhere to go, and the request's future times out.
            System.out.println("bob requests without inbox_prefix:");
            try {
                bob.request("bank.balance", bytes("bob")).get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                printNextError();
                System.out.println("  bob: request bank.balance -> timed out");
            }

            // With his prefix, it works, and no other customer can read it.
            Connection bobPrivate = connect("bob", "_INBOX.bob");
            reply = bobPrivate.request("bank.balance", bytes("bob")).get(1, TimeUnit.SECONDS);
            System.out.println("bob with inbox_prefix _INBOX.bob: request bank.balance -> '" + text(reply) + "'");

            for (Connection nc : List.of(bobPrivate, bob, alice, eve, bank)) {
                nc.drain(Duration.ofSeconds(5)).get();
            }
        } finally {
            for (Connection nc : CONNECTIONS) {
                nc.close();
            }
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Message msg) {
        return new String(msg.getData(), StandardCharsets.UTF_8);
    }
}
