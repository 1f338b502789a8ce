// Deterministic partitioning splits one flow of messages into a fixed
// number of partitions, always sending the same key to the same one. The
// server does the splitting with a subject mapping in its config (see
// server.conf next to this example); the program uses plain jnats
// JetStream calls.
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
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamConfiguration;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class Main {
    // The server's error code for "stream not found".
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();

            // Start clean: delete the stream if an interrupted run left it.
            try {
                jsm.deleteStream("ORDERS");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }

            // The server maps `orders.<customer>` to
            // `orders.<customer>.<partition>` before anything else sees the
            // message, so the stream captures the mapped form, `orders.*.*`.
            jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.*.*").build());
            StreamContext stream = nc.getStreamContext("ORDERS");

            // Publishers know nothing about partitions: they publish to
            // `orders.<customer>` as usual. Reading each message back from
            // the stream, by the sequence its `PublishAck` names, shows the
            // subject it was stored under, with the partition number added
            // as the last token.
            List<String> orders = List.of("alice", "ivan", "dave", "bob", "alice", "judy", "erin", "ivan", "alice", "dave");
            Map<String, Integer> count = new HashMap<>();
            for (String customer : orders) {
                String order = customer + "#" + count.merge(customer, 1, Integer::sum);
                PublishAck ack = js.publish("orders." + customer, order.getBytes(StandardCharsets.UTF_8));
                String stored = stream.getMessage(ack.getSeqno()).getSubject();
                System.out.printf("published %-8s on orders.%-6s -> stored as %s%n", order, customer, stored);
            }

            // That is what makes partitions useful. One consumer per
            // partition, each filtered on `orders.*.<n>`, can run in
            // parallel while every customer's orders still go to one
            // consumer, in the order they were published. The mapping is a
            // hash, so it only changes if the number of partitions changes.
            //
            // Per-key order holds under two conditions. Only one worker may
            // read each partition's consumer: two workers pulling from it
            // would split a customer's orders between them. And a message
            // must not come back after later ones: a `nak` or an expired ack
            // wait redelivers it behind them. A consumer with
            // `maxAckPending(1)` keeps order even then, at the price of one
            // message in flight per partition.
            //
            // Each worker takes what its partition holds with one fetch;
            // `noWaitExpiresIn` returns as soon as the available messages
            // are in, rather than waiting for a full batch of 10.
            for (int partition = 0; partition < 3; partition++) {
                ConsumerContext worker = stream.createOrUpdateConsumer(ConsumerConfiguration.builder()
                        .durable("worker-" + partition).filterSubject("orders.*." + partition).build());
                List<String> got = new ArrayList<>();
                try (FetchConsumer fetch = worker.fetch(
                        FetchConsumeOptions.builder().maxMessages(10).noWaitExpiresIn(1000).build())) {
                    Message msg;
                    while ((msg = fetch.nextMessage()) != null) {
                        msg.ack();
                        got.add(new String(msg.getData(), StandardCharsets.UTF_8));
                    }
                }
                System.out.println("partition " + partition + " worker got: " + String.join(", ", got));
            }

            // Clean up: deleting the stream deletes the consumers too.
            jsm.deleteStream("ORDERS");
        }
    }
}
