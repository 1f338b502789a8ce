// With a pull consumer, `fetch` is how messages get to the application.
// How long it waits and what it returns depend on what the stream holds
// and on the `FetchConsumeOptions` given, so this program times every
// call. `ConsumerContext.next` is the one-message form of the same thing.
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.StreamContext;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StreamConfiguration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

public class Main {
    // The server's error code for "stream not found".
    static final int STREAM_NOT_FOUND = 10059;

    // How long a call waited, in words: "at once", or "after the whole
    // timeout". The program prints the words rather than the
    // milliseconds, so its output is the same on every run; anything else
    // would show up as a measured time.
    static String waited(long startNanos, double timeout) {
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        if (elapsed < 0.2) {
            return "at once";
        }
        if (timeout - 0.05 < elapsed && elapsed < timeout + 0.3) {
            return String.format("after the whole %.0f s timeout", timeout);
        }
        return String.format("after %.2f s", elapsed);
    }

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();

            // Start clean: delete the stream if an interrupted run left it.
            try {
                jsm.deleteStream("TASKS");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }

            // A backlog of seven messages, and a durable pull consumer to
            // read it.
            jsm.addStream(StreamConfiguration.builder().name("TASKS").subjects("tasks.>").build());
            for (int i = 1; i <= 7; i++) {
                js.publish("tasks." + i, ("task " + i).getBytes(StandardCharsets.UTF_8));
            }
            StreamContext tasks = nc.getStreamContext("TASKS");
            ConsumerContext worker = tasks.createOrUpdateConsumer(
                    ConsumerConfiguration.builder().durable("worker").build());

            // A plain fetch, `maxMessages(3)` with `expiresIn(1000)`, sends
            // one pull request and hands out messages as they come; it ends
            // when the batch is full or when the request expires, whichever
            // is first. (jnats refuses an expiry under one second.) To work
            // through a backlog, fetch in a loop. The first two batches are
            // full and return at once. The third asks for 3 while only 1 is
            // left, so the request stays open at the server until it expires
            // and only then returns the one message. The fourth finds
            // nothing and returns empty after the whole expiry (no
            // exception), which is the signal to stop.
            FetchConsumeOptions batchOf3 = FetchConsumeOptions.builder().maxMessages(3).expiresIn(1000).build();
            for (int n = 1; n <= 5; n++) {
                long start = System.nanoTime();
                List<Message> msgs = fetch(worker, batchOf3);
                if (msgs.isEmpty()) {
                    System.out.println("fetch #" + n + ": nothing, " + waited(start, 1) + ": backlog done");
                    break;
                }
                String subjects = msgs.stream().map(Message::getSubject).collect(Collectors.joining(", "));
                System.out.println("fetch #" + n + ": " + msgs.size() + " " + waited(start, 1) + ": " + subjects);
                for (Message msg : msgs) {
                    msg.ack();
                }
            }

            // To take a partial batch without waiting, say so: `noWait()`
            // returns at once with whatever is there, even nothing, and
            // `noWaitExpiresIn(ms)` returns at once when something is there
            // and waits up to the expiry for the first message otherwise.
            // (Every jnats fetch also asks the server for idle heartbeats,
            // at half its expiry, and checks them itself; for readers that
            // run for long, `consume` and `iterate`, missing heartbeats
            // raise the `ErrorListener`'s `heartbeatAlarm`.)
            long start = System.nanoTime();
            List<Message> none = fetch(worker, FetchConsumeOptions.builder().maxMessages(3).noWait().build());
            System.out.println("fetch with noWait(): " + none.size() + " messages, " + waited(start, 1));

            // A pull request is also a long poll: it waits at the server
            // until a message comes. To show it, a second worker gets its
            // own context for the same durable consumer (any number of
            // clients may pull from one consumer, sharing its messages) and
            // calls `next`, which pulls exactly one message and returns it,
            // or null once its wait is over. Another thread publishes a
            // message 0.3 s later (a `Connection` is safe to use from many
            // threads), and `next` returns as soon as it arrives instead of
            // at its 2 s limit: timed from the publish, it returns at once.
            ConsumerContext second = nc.getConsumerContext("TASKS", "worker");
            CompletableFuture<Long> published = CompletableFuture.supplyAsync(() -> {
                try {
                    Thread.sleep(300);
                    js.publish("tasks.8", "task 8".getBytes(StandardCharsets.UTF_8));
                    return System.nanoTime();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Message msg = second.next(Duration.ofSeconds(2));
            String when = waited(published.get(), 2);
            System.out.println("second worker, next(): " + msg.getSubject() + " published 0.3 s in, returned " + when);
            msg.ack();

            // Clean up: deleting the stream deletes the consumer too.
            jsm.deleteStream("TASKS");
        }
    }

    // Run one fetch and collect its messages. The `FetchConsumer` is
    // `AutoCloseable`; `nextMessage` returns null once the fetch is over.
    static List<Message> fetch(ConsumerContext consumer, FetchConsumeOptions options) throws Exception {
        List<Message> batch = new ArrayList<>();
        try (FetchConsumer fetch = consumer.fetch(options)) {
            Message msg;
            while ((msg = fetch.nextMessage()) != null) {
                batch.add(msg);
            }
        }
        return batch;
    }
}
