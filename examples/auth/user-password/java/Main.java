// Users and passwords: the server knows each user by name, checks the
// password when the client connects, then applies that user's permissions
// to every publish and subscribe. In jnats the credentials are a
// connection option, and what the server reports later arrives at the
// connection's `ErrorListener`.
import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

public class Main {
    public static void main(String[] args) throws Exception {
        String[] servers = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222").split(",");

        // First, a wrong password. The server answers the CONNECT with
        // "Authorization Violation" and closes the connection, and
        // `Nats.connect` throws an `AuthenticationException` (an
        // `IOException`) with that reason, without retrying. (jnats
        // also tells the connection's `ErrorListener`; this attempt gets one
        // that ignores it, since the exception is all we need here: every
        // method of the interface has an empty default.)
        Options wrong = Options.builder().servers(servers)
                .userInfo("web", "not-the-password")
                .errorListener(new ErrorListener() {})
                .build();
        try (Connection nc = Nats.connect(wrong)) {
            System.out.println("connected with a wrong password?");
        } catch (AuthenticationException e) {
            System.out.println("connect as web with a wrong password -> " + e.getMessage());
        }

        // Now connect both users with their real passwords. `userInfo`
        // puts them into the CONNECT message (so use TLS when the network
        // is not trusted); they can also be written in the URL as
        // `nats://web:web-secret@host:4222`.
        //
        // Violations are not exceptions of the call that caused them: the
        // server reports them asynchronously with an `-ERR` line, and jnats
        // passes the text to `errorOccurred` of the connection's listener,
        // on a thread of its own. Each connection's listener queues what it
        // hears, with the user's name in front, and the main thread prints
        // it where it belongs.
        BlockingQueue<String> errors = new LinkedBlockingQueue<>();
        try (Connection web = Nats.connect(options(servers, "web", "web-secret", errors));
             Connection orders = Nats.connect(options(servers, "orders", "orders-secret", errors))) {
            System.out.println("connected as web and as orders");

            // The order service subscribes to `orders.>`, which its
            // permissions allow. It may publish nothing at all, except that
            // `allow_responses` lets it answer each request it receives,
            // once, on that request's reply subject. A flush is a round trip
            // (jnats sends its PING after the SUB), so the service is
            // listening once it returns.
            orders.createDispatcher().subscribe("orders.>", msg ->
                    orders.publish(msg.getReplyTo(), ("order accepted: " + text(msg)).getBytes(StandardCharsets.UTF_8)));
            orders.flush(Duration.ofSeconds(1));

            // The web user may publish to `orders.>` and subscribe to
            // `_INBOX.>`, which is exactly what a request needs: publish the
            // question, receive the answer on a private inbox.
            Message reply = web.request("orders.new", "2 coffees".getBytes(StandardCharsets.UTF_8))
                    .get(1, TimeUnit.SECONDS);
            System.out.println("web: request orders.new -> " + text(reply));

            // Publishing outside its permissions does not fail the call. The
            // server drops the message and reports a permissions violation;
            // the flush returns once the server has answered everything sent
            // before it, error included, and then we wait for the listener
            // to pass the report on.
            web.publish("admin.shutdown", "now".getBytes(StandardCharsets.UTF_8));
            web.flush(Duration.ofSeconds(1));
            System.out.println(next(errors));

            // The same goes for subscribing: the order service may not
            // listen on `payments.>`. The connection stays open, and the
            // messages it may handle keep flowing.
            orders.subscribe("payments.>");
            orders.flush(Duration.ofSeconds(1));
            System.out.println(next(errors));

            // Even with `allow_responses`, the service cannot publish on its
            // own.
            orders.publish("orders.shipped", "order 1".getBytes(StandardCharsets.UTF_8));
            orders.flush(Duration.ofSeconds(1));
            System.out.println(next(errors));

            web.drain(Duration.ofSeconds(5)).get();
            orders.drain(Duration.ofSeconds(5)).get();
        }
    }

    // Connection options for one user, with a listener that queues the
    // errors the server reports on that connection.
    static Options options(String[] servers, String user, String password, BlockingQueue<String> errors) {
        return Options.builder().servers(servers)
                .userInfo(user, password)
                .errorListener(new ErrorListener() {
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        errors.add(user + ": error: " + error);
                    }
                })
                .build();
    }

    // The next reported error, waiting at most a second for it.
    static String next(BlockingQueue<String> errors) throws InterruptedException {
        String line = errors.poll(1, TimeUnit.SECONDS);
        if (line == null) {
            throw new IllegalStateException("the server reported no error");
        }
        return line;
    }

    static String text(Message msg) {
        return new String(msg.getData(), StandardCharsets.UTF_8);
    }
}
