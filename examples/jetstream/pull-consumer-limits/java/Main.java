// A pull consumer can be given limits that protect the server and share
// the work fairly between clients. This program shows each limit being hit
// and what the client gets back. jnats's `ConsumerConfiguration` has a
// setting for every limit; `PullRequestOptions` is jnats's own description
// of one pull request, which we also send by hand below.
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
import io.nats.client.PullRequestOptions;
import io.nats.client.StreamContext;
import io.nats.client.Subscription;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamConfiguration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

public class Main {
    // The server's error code for "stream not found".
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        // Start clean: delete the stream if an interrupted run left it,
        // then store ten orders.
        try (Connection nc = Nats.connect(options)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();
            try {
                jsm.deleteStream("ORDERS");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }
            jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>").build());
            for (int i = 1; i <= 10; i++) {
                js.publish("orders." + i, ("order " + i).getBytes(StandardCharsets.UTF_8));
            }
            StreamContext orders = nc.getStreamContext("ORDERS");

            // `maxAckPending(3)`: at most 3 messages delivered and not yet
            // acked. We ask for 5 and get 3; the next fetch gets nothing
            // and ends empty when its pull request expires (jnats's fetch
            // does not throw on a timeout). Once they are acked, the next
            // fetch gets 3 more.
            System.out.println("-- max_ack_pending=3");
            ConsumerContext worker = orders.createOrUpdateConsumer(
                    ConsumerConfiguration.builder().durable("worker").maxAckPending(3).build());
            List<Message> msgs = fetch(worker, 5);
            System.out.println("fetch(5): got " + msgs.size() + ": " + subjects(msgs));
            if (fetch(worker, 5).isEmpty()) {
                System.out.println("fetch(5): timed out empty, 3 messages are waiting for an ack");
            }
            for (Message msg : msgs) {
                msg.ackSync(Duration.ofSeconds(1));
            }
            msgs = fetch(worker, 5);
            System.out.println("acked them, fetch(5): got " + msgs.size() + ": " + subjects(msgs));
            for (Message msg : msgs) {
                msg.ackSync(Duration.ofSeconds(1));
            }

            // The other limits are about *pull requests*: the small JSON
            // request (batch, expiry, byte budget) that `fetch` publishes to
            // `$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`. A refused
            // request is answered with a status message (409 and a reason).
            // jnats's `fetch` handles those itself: it takes the refusals
            // as warnings (passed to the `ErrorListener`'s
            // `pullStatusWarning` if the fetch options say
            // `raiseStatusWarnings()`) and returns an empty batch when the
            // request expires. To see each status as the server sends it,
            // `send` publishes the request itself, with a fresh inbox as the
            // reply subject, and `outcome` reads what comes back.
            //
            // `maxPullWaiting(1)`: one pull request may wait at the
            // consumer. Both requests go out on one connection, so the
            // server sees them in that order: the first waits for new
            // messages and takes the only slot, the second is refused. The
            // first ends when its expiry runs out (408).
            System.out.println("-- max_waiting=1");
            orders.createOrUpdateConsumer(ConsumerConfiguration.builder()
                    .durable("idle").deliverPolicy(DeliverPolicy.New).maxPullWaiting(1).build());
            Subscription first = send(nc, "idle", PullRequestOptions.builder(1).expiresIn(500).build());
            Subscription second = send(nc, "idle", PullRequestOptions.builder(1).expiresIn(500).build());
            System.out.println("second request: " + outcome(second, 1));
            System.out.println("first request:  " + outcome(first, 1));

            // A consumer can also bound each request: `maxBatch`,
            // `maxBytes` and `maxExpires`. If the server refused the
            // configuration, `createOrUpdateConsumer` would throw a
            // `JetStreamApiException`.
            System.out.println("-- max_batch=4, max_bytes=1000, max_expires=1s");
            orders.createOrUpdateConsumer(ConsumerConfiguration.builder().durable("batcher")
                    .maxBatch(4).maxBytes(1000).maxExpires(Duration.ofSeconds(1)).build());

            // Requests over a limit are refused outright. A request within
            // the byte limit but too small for the next message gets what
            // fits (each counts its subject, reply subject, headers and
            // payload), then a 409.
            Map<String, PullRequestOptions> requests = new LinkedHashMap<>();
            requests.put("batch=10", PullRequestOptions.builder(10).build());
            requests.put("batch=4 max_bytes=5000", PullRequestOptions.builder(4).maxBytes(5000).build());
            requests.put("batch=1 expires=5s", PullRequestOptions.builder(1).expiresIn(5000).build());
            requests.put("batch=4 max_bytes=200", PullRequestOptions.builder(4).maxBytes(200).build());
            requests.put("batch=4", PullRequestOptions.builder(4).build());
            for (var request : requests.entrySet()) {
                Subscription sub = send(nc, "batcher", request.getValue());
                System.out.printf("%-23s %s%n", request.getKey() + ":",
                        outcome(sub, request.getValue().getBatchSize()));
            }

            // Clean up: deleting the stream deletes its consumers too.
            jsm.deleteStream("ORDERS");
        }
    }

    // Pull up to `count` messages, waiting at most a second (the least
    // jnats accepts for a fetch: a shorter `expiresIn` is refused with an
    // `IllegalArgumentException`).
    static List<Message> fetch(ConsumerContext consumer, int count) throws Exception {
        List<Message> batch = new ArrayList<>();
        try (FetchConsumer fetch = consumer.fetch(
                FetchConsumeOptions.builder().maxMessages(count).expiresIn(1000).build())) {
            Message msg;
            while ((msg = fetch.nextMessage()) != null) {
                batch.add(msg);
            }
        }
        return batch;
    }

    // Publish one pull request for `consumer`; `toJson` gives the body the
    // server expects. The subscription on the reply inbox receives the
    // messages and the status that answer it.
    static Subscription send(Connection nc, String consumer, PullRequestOptions request) {
        Subscription sub = nc.subscribe(nc.createInbox());
        nc.publish("$JS.API.CONSUMER.MSG.NEXT.ORDERS." + consumer, sub.getSubject(),
                request.toJson().getBytes(StandardCharsets.UTF_8));
        return sub;
    }

    // Count the messages that answer a request until the batch is full or
    // a status message ends it. jnats marks a status message with
    // `isStatusMessage()` and parses its code and description. (These
    // deliveries come on a plain subscription, so they are counted, not
    // acknowledged; the consumers go away with the stream.)
    static String outcome(Subscription sub, int batch) throws InterruptedException {
        int got = 0;
        try {
            while (got < batch) {
                Message msg = sub.nextMessage(Duration.ofSeconds(2));
                if (msg == null) {
                    return "got " + got + ", then nothing";
                }
                if (msg.isStatusMessage()) {
                    return "got " + got + ", then " + msg.getStatus().getCode() + " " + msg.getStatus().getMessage();
                }
                got++;
            }
            return "got " + got;
        } finally {
            sub.unsubscribe();
        }
    }

    static String subjects(List<Message> msgs) {
        return msgs.stream().map(Message::getSubject).collect(Collectors.joining(", "));
    }
}
