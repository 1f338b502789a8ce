// JetStream can drop a message it has already stored, as long as the
// publisher gives each message a unique ID. In jnats the ID is a
// `PublishOptions` setting (it travels in the `Nats-Msg-Id` header), and
// the `PublishAck` says whether the server took the message for a
// duplicate.
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamConfiguration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

public class Main {
    // The server's error code for "stream not found".
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();

            // Start clean: delete the stream (and the IDs it remembers) if
            // an interrupted run left it.
            try {
                jsm.deleteStream("ORDERS");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }

            // The stream remembers message IDs for its *duplicate window*,
            // two minutes by default. We shorten it to one second so the
            // example can show what happens when the window has passed.
            jsm.addStream(StreamConfiguration.builder()
                    .name("ORDERS")
                    .subjects("orders.>")
                    .duplicateWindow(Duration.ofSeconds(1))
                    .build());

            // Two orders, two IDs, two stored messages.
            publish(js, 1001, "order-1001");
            publish(js, 1002, "order-1002");

            // Now the publisher retries order 1001, as it would if the first
            // publish had timed out waiting for its ack. The server
            // recognises the ID, stores nothing, and answers with the
            // sequence of the original message and `duplicate=true`. The
            // retry is safe.
            publish(js, 1001, "order-1001");
            count(jsm);

            // Deduplication looks only at the ID, not at the content.
            // Publishing the same payload without an ID stores it each time.
            publish(js, 1003, null);
            publish(js, 1003, null);
            count(jsm);

            // The server forgets an ID once the duplicate window has passed
            // (here the waiting is the point). After that, the same ID is
            // accepted as a new message, so pick a window longer than your
            // publishers may keep retrying.
            Thread.sleep(1500);
            System.out.println("duplicate window passed");
            publish(js, 1001, "order-1001");
            count(jsm);

            // Clean up: deleting the stream deletes its messages too.
            jsm.deleteStream("ORDERS");
        }
    }

    // The ID should come from the data itself (an order number, an event
    // ID), so that a retry of the same message carries the same ID.
    // `PublishOptions` are immutable and can be built once per message;
    // without an ID we publish without options.
    static void publish(JetStream js, int orderId, String msgId) throws Exception {
        byte[] payload = ("order " + orderId).getBytes(StandardCharsets.UTF_8);
        PublishAck ack = msgId == null
                ? js.publish("orders.new", payload)
                : js.publish("orders.new", payload, PublishOptions.builder().messageId(msgId).build());
        String label = msgId == null ? "no id" : "id " + msgId;
        System.out.println("publish order " + orderId + " (" + label + ") -> seq " + ack.getSeqno()
                + ", duplicate=" + ack.isDuplicate());
    }

    static void count(JetStreamManagement jsm) throws Exception {
        System.out.println("stream holds " + jsm.getStreamInfo("ORDERS").getStreamState().getMsgCount() + " message(s)");
    }
}
