// Request-reply needs only the core of jnats, the `io.nats.client`
// package, plus the exception jnats uses to report a status the server
// sent back: `JetStreamStatusException`. Despite its name it is not limited
// to JetStream; here it carries the "no responders" status of a plain
// request. The `java.util.concurrent` types are there because a request
// returns a `CompletableFuture`.
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

public class Main {
    public static void main(String[] args) throws Exception {
        // Every example takes its servers from `NATS_URL`, so the same
        // program runs against the recorder's server, one on your laptop or
        // a whole cluster. Without it we fall back to the default local port.
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");

        // By default, when a request finds nobody to answer it, jnats just
        // cancels the request's future, and the caller sees a bare
        // `CancellationException` that gives no reason. The option
        // `reportNoResponders()` makes the future fail with the server's
        // status instead, which is what we want to show below.
        Options options = Options.builder()
                .servers(urls.split(","))
                .reportNoResponders()
                .build();

        // `Nats.connect` blocks until the connection is ready (or throws an
        // `IOException`). Try-with-resources closes it however the block
        // ends.
        try (Connection nc = Nats.connect(options)) {
            // A service is just a subscription that answers what it
            // receives. Messages for a subscription with a handler are
            // delivered by a `Dispatcher`, which runs the handler on its own
            // thread, one message at a time. Each request carries a reply
            // subject (`getReplyTo`), a private inbox only the requester
            // listens on, and the handler publishes the answer there.
            //
            // The wildcard `greet.*` lets one subscription serve
            // `greet.joe`, `greet.sue` and any other single-token name; the
            // last token is the name to greet.
            Dispatcher service = nc.createDispatcher();
            service.subscribe("greet.*", msg -> {
                String subject = msg.getSubject();
                String name = subject.substring(subject.lastIndexOf('.') + 1);
                byte[] answer = ("hello, " + name).getBytes(StandardCharsets.UTF_8);
                nc.publish(msg.getReplyTo(), answer);
            });

            // `nc.request` publishes the message with a fresh reply subject
            // and returns at once with a `CompletableFuture` that completes
            // with the first answer. Here we block on it with `get`, whose
            // time limit throws a `TimeoutException` if the service is too
            // slow. These requests carry no payload (null), only a subject.
            for (String name : List.of("joe", "sue", "bob")) {
                Message reply = nc.request("greet." + name, null).get(1, TimeUnit.SECONDS);
                String text = new String(reply.getData(), StandardCharsets.UTF_8);
                System.out.println("request greet." + name + " -> reply: " + text);
            }

            // Draining the dispatcher removes its subscriptions from the
            // server, lets the handler finish any request it was already
            // given, and then closes the dispatcher. The future it returns
            // completes once that is done; from then on nobody listens on
            // `greet.*`.
            service.drain(Duration.ofSeconds(5)).get();

            // Now a request finds no subscriber. The server does not leave
            // it waiting for its timeout: it answers at once with a 503 "no
            // responders" status. With `reportNoResponders()` the future
            // fails, so `get` throws an `ExecutionException` whose cause is
            // the `JetStreamStatusException` holding that status. So a
            // caller can tell "nobody is there" from "somebody is there but
            // slow". Any other failure is not ours to handle here, so it is
            // thrown on.
            try {
                nc.request("greet.joe", null).get(1, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof JetStreamStatusException status
                        && status.getStatus().isNoResponders())) {
                    throw e;
                }
                System.out.println("request greet.joe -> error: " + status.getMessage());
            }

            // Drain the connection as well: whatever is still in flight is
            // delivered, then the connection closes. Waiting on the returned
            // future keeps the program from exiting before that.
            nc.drain(Duration.ofSeconds(5)).get();
        }
    }
}
