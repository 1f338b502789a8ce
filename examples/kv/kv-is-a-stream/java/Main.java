// A key-value bucket is not a separate storage engine: it is a stream with
// a naming convention, a few settings, and a header that marks deletes.
// This program looks underneath a bucket with the ordinary stream API,
// `JetStreamManagement`, next to jnats's `KeyValue`.
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamState;
import io.nats.client.impl.Headers;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

public class Main {
    // The server's error code for "stream not found" (a bucket is a
    // stream).
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            KeyValueManagement kvm = nc.keyValueManagement();
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();

            // Start clean: delete the bucket if an interrupted run left it.
            try {
                kvm.delete("profiles");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }

            // Creating bucket `profiles` creates stream `KV_profiles`,
            // listening on `$KV.profiles.>`: key `alice` is subject
            // `$KV.profiles.alice`. The history (`maxHistoryPerKey`) becomes
            // the stream's limit of messages per subject, so a key's oldest
            // revisions make way for new ones. The discard policy `new`
            // makes a full bucket (one that reached its maximum size) refuse
            // writes rather than drop the oldest messages, which could be
            // other keys' current values. `deny_delete` forbids removing
            // single messages through the stream API, and
            // `allow_rollup_hdrs` lets a purge replace a key's whole history
            // (see below). jnats also turns on `allow_direct`, so that reads
            // use direct get.
            kvm.create(KeyValueConfiguration.builder().name("profiles").maxHistoryPerKey(5).build());
            KeyValue kv = nc.keyValue("profiles");
            StreamConfiguration c = jsm.getStreamInfo("KV_profiles").getConfiguration();
            System.out.println("bucket profiles is stream " + c.getName() + ", subjects " + String.join(", ", c.getSubjects()));
            System.out.println("  max_msgs_per_subject=" + c.getMaxMsgsPerSubject() + " discard=" + c.getDiscardPolicy()
                    + " deny_delete=" + c.getDenyDelete() + " allow_rollup_hdrs=" + c.getAllowRollup());

            // A put is a JetStream publish, and the revision is the stream
            // sequence. So a plain publish on the key's subject is a put
            // too, and the bucket API reads it back like any other value.
            kv.put("alice", bytes("v1"));
            kv.put("alice", bytes("v2"));
            js.publish("$KV.profiles.bob", bytes("published"));
            KeyValueEntry bob = kv.get("bob");
            System.out.println("publish $KV.profiles.bob -> get bob = '" + bob.getValueAsString() + "' (rev "
                    + bob.getRevision() + ")");
            kv.put("carol", bytes("c1"));
            kv.put("carol", bytes("c2"));

            // Deleting a key cannot remove its messages (`deny_delete`), so
            // the client writes a new message on the key's subject: empty,
            // with the header `KV-Operation: DEL`. Readers treat it as "no
            // value", and the earlier revisions stay in the history.
            // Purging writes `KV-Operation: PURGE` together with
            // `Nats-Rollup: sub`, which makes the server drop every earlier
            // message of that subject. The markers themselves stay, as
            // tombstones, until `purgeDeletes` clears out the old ones.
            kv.delete("alice");
            kv.purge("carol");

            // Read the stream itself, message by message. Sequences 4 and 5,
            // the two values of carol, are gone: the purge rolled them up.
            // `getMessage` answers a missing sequence with a
            // `JetStreamApiException` (code 404, as the direct get reports
            // it). Its headers are the message's own: jnats strips the ones
            // direct get adds. They live in a hash map, so we sort them.
            StreamState state = jsm.getStreamInfo("KV_profiles").getStreamState();
            System.out.println("stream KV_profiles: " + state.getMsgCount() + " messages");
            for (long seq = state.getFirstSequence(); seq <= state.getLastSequence(); seq++) {
                MessageInfo msg;
                try {
                    msg = jsm.getMessage("KV_profiles", seq);
                } catch (JetStreamApiException e) {
                    if (e.getErrorCode() != 404) {
                        throw e;
                    }
                    System.out.println("  seq " + seq + ": removed");
                    continue;
                }
                String data = msg.getData() == null || msg.getData().length == 0 ? "(no data)"
                        : "'" + new String(msg.getData(), StandardCharsets.UTF_8) + "'";
                System.out.println(("  seq " + seq + ": " + msg.getSubject() + " " + data + " " + headers(msg.getHeaders())).stripTrailing());
            }

            // Through the bucket API: a deleted key is not found (`get`
            // returns null), but its history is still there, ending with the
            // delete; a purged key keeps only the purge marker; and the key
            // listing skips both.
            if (kv.get("alice") == null) {
                System.out.println("get alice -> not found");
            }
            System.out.println("history of alice: " + history(kv, "alice"));
            System.out.println("history of carol: " + history(kv, "carol"));
            System.out.println("keys: " + String.join(", ", kv.keys()));

            // Clean up: deleting the bucket deletes its stream.
            kvm.delete("profiles");
        }
    }

    // Each entry of a key's history: its value, or the operation (`DEL`,
    // `PURGE`) of a marker.
    static String history(KeyValue kv, String key) throws Exception {
        List<KeyValueEntry> entries = kv.history(key);
        return entries.stream()
                .map(e -> e.getOperation() == KeyValueOperation.PUT ? e.getValueAsString() : e.getOperation().getHeaderValue())
                .collect(Collectors.joining(", "));
    }

    static String headers(Headers headers) {
        if (headers == null) {
            return "";
        }
        return new TreeSet<>(headers.keySet()).stream()
                .map(name -> name + ": " + headers.getFirst(name))
                .collect(Collectors.joining(", "));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
