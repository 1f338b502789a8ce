// A key-value bucket gives JetStream the interface of a map: put, get and
// delete values by key. jnats splits it like the rest of JetStream:
// `KeyValueManagement` creates, inspects and deletes buckets, and
// `KeyValue` reads and writes one bucket. Buckets are configured with
// `KeyValueConfiguration.builder()`, and server refusals arrive as
// `JetStreamApiException`.
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueStatus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

public class Main {
    // The server's error code for "stream not found": a bucket is a
    // stream, and deleting one that does not exist reports this.
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            KeyValueManagement kvm = nc.keyValueManagement();

            // Create a bucket for an application's settings. Behind the
            // scenes this is a stream named `KV_settings`, keeping the latest
            // value of every key. `nc.keyValue("settings")` then gives the
            // handle for reading and writing it, and other programs open the
            // same bucket the same way. (Start clean: delete the bucket first
            // if an interrupted run left it.)
            try {
                kvm.delete("settings");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }
            kvm.create(KeyValueConfiguration.builder().name("settings").build());
            KeyValue kv = nc.keyValue("settings");
            System.out.println("created bucket 'settings'");

            // `put` stores a value (bytes; overloads take a `String` or a
            // `Number` and store its UTF-8 text) and returns the key's new
            // revision, a number that grows with every change in the
            // bucket. Keys may contain dots, which makes them hierarchical
            // like subjects.
            for (String[] setting : new String[][] {{"theme", "dark"}, {"language", "en"}, {"ui.font.size", "14"}}) {
                long revision = kv.put(setting[0], setting[1].getBytes(StandardCharsets.UTF_8));
                System.out.println("put " + setting[0] + " = '" + setting[1] + "' -> revision " + revision);
            }

            // `get` returns a `KeyValueEntry` with the value and the
            // revision that wrote it.
            KeyValueEntry entry = kv.get("theme");
            System.out.println("get " + entry.getKey() + " -> '" + entry.getValueAsString()
                    + "' (revision " + entry.getRevision() + ")");

            // Putting a key again replaces its value; the revision moves on.
            long revision = kv.put("theme", "light".getBytes(StandardCharsets.UTF_8));
            System.out.println("put theme = 'light' -> revision " + revision + "; get theme -> '"
                    + kv.get("theme").getValueAsString() + "'");

            // `keys` lists the keys that currently have a value. The server
            // sends them in the order they were last written, so we sort
            // them for display.
            System.out.println("keys: " + sorted(kv.keys()));

            // `delete` removes a key. It writes a small delete marker rather
            // than erasing the past, so watchers learn about the deletion.
            // Reading the key now returns null (jnats does not throw for a
            // missing or deleted key), and it is gone from the key list.
            kv.delete("language");
            if (kv.get("language") == null) {
                System.out.println("get language -> not found (deleted)");
            }
            System.out.println("keys: " + sorted(kv.keys()));

            // `getStatus` describes the bucket. The entry count includes
            // delete markers, and the history is how many values each key
            // keeps (one by default; see the history example).
            KeyValueStatus status = kv.getStatus();
            System.out.println("status: bucket=" + status.getBucketName() + " values=" + status.getEntryCount()
                    + " history=" + status.getMaxHistoryPerKey());

            // Clean up: deleting the bucket deletes its stream and every key.
            kvm.delete("settings");
        }
    }

    static List<String> sorted(List<String> keys) {
        List<String> copy = new ArrayList<>(keys);
        copy.sort(null);
        return copy;
    }
}
