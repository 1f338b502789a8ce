// An object store keeps, next to each object's chunks, one small metadata
// message: name, size, digest, description, headers. Watching a bucket
// means following those messages, changing metadata means replacing one,
// and a link is an object that has nothing but metadata. jnats has a call
// for each: `watch`, `updateMeta` and `addLink` on `ObjectStore`.
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.ObjectStoreManagement;
import io.nats.client.Options;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.ObjectStoreWatcher;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsObjectStoreWatchSubscription;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

public class Main {
    // The server's error code for "stream not found" (a bucket is a
    // stream).
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");

        // Reading an object goes through a consumer with flow control, and
        // jnats's default `ErrorListener` logs every flow-control reply;
        // this one reports only real problems.
        ErrorListener quiet = new ErrorListener() {
            @Override
            public void errorOccurred(Connection conn, String error) {
                System.err.println("error: " + error);
            }

            @Override
            public void exceptionOccurred(Connection conn, Exception exp) {
                System.err.println("exception: " + exp);
            }
        };
        Options options = Options.builder().servers(urls.split(",")).errorListener(quiet).build();

        try (Connection nc = Nats.connect(options)) {
            ObjectStoreManagement osm = nc.objectStoreManagement();
            JetStreamManagement jsm = nc.jetStreamManagement();

            // Start clean: delete the buckets if an interrupted run left
            // them.
            for (String bucket : List.of("assets", "releases")) {
                try {
                    osm.delete(bucket);
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                        throw e;
                    }
                }
                osm.create(ObjectStoreConfiguration.builder(bucket).build());
            }
            ObjectStore assets = nc.objectStore("assets");
            ObjectStore releases = nc.objectStore("releases");

            // A 300 KiB logo, the same bytes on every run. jnats cuts it
            // into 128 KiB chunks: three chunk messages plus one metadata
            // message.
            byte[] logo = new byte[256 * 1200];
            for (int i = 0; i < logo.length; i++) {
                logo[i] = (byte) i;
            }
            ObjectInfo info = assets.put("logo.png", logo);
            System.out.println("put logo.png: " + info.getSize() + " bytes in " + info.getChunks() + " chunks");
            System.out.println("OBJ_assets holds " + stored(jsm) + " messages");

            // A watcher started now first reports the objects already there,
            // then `endOfData` to say it has caught up, then every change as
            // it happens. Each update is an `ObjectInfo`, read from the
            // metadata message. (The watch option `UPDATES_ONLY` would skip
            // the objects already there.) Its callbacks run on a dispatcher
            // thread; they queue a line for the main thread to print.
            BlockingQueue<String> updates = new LinkedBlockingQueue<>();
            ObjectStoreWatcher watcher = new ObjectStoreWatcher() {
                @Override
                public void watch(ObjectInfo oi) {
                    if (oi.isDeleted()) {
                        updates.add("  watch: " + oi.getObjectName() + " deleted");
                        return;
                    }
                    List<String> details = new ArrayList<>();
                    details.add(oi.getSize() + " bytes");
                    if (oi.getDescription() != null) {
                        details.add("'" + oi.getDescription() + "'");
                    }
                    Headers headers = oi.getHeaders();
                    if (headers != null) {
                        for (String name : new TreeSet<>(headers.keySet())) {
                            details.add(name + ": " + String.join(", ", headers.get(name)));
                        }
                    }
                    updates.add("  watch: " + oi.getObjectName() + ": " + String.join(", ", details));
                }

                @Override
                public void endOfData() {
                    updates.add("  watch: caught up");
                }
            };
            try (NatsObjectStoreWatchSubscription watch = assets.watch(watcher)) {
                show(updates);
                show(updates);

                // `updateMeta` publishes a new metadata message for the
                // object and the stream's rollup drops the old one: the
                // chunks are not touched, and the stream holds as many
                // messages as before. It takes a whole `ObjectMeta`: fields
                // left out are cleared. Headers map each name to a list of
                // values, as in NATS message headers. The meta could also
                // give the object a new name.
                ObjectMeta meta = ObjectMeta.builder("logo.png")
                        .description("company logo")
                        .headers(new Headers().put("Content-Type", "image/png"))
                        .build();
                assets.updateMeta("logo.png", meta);
                System.out.println("update_meta logo.png: a description and a header");
                show(updates);
                System.out.println("OBJ_assets still holds " + stored(jsm) + " messages");

                // A link is an object whose metadata points at another
                // object, here in another bucket; reading the link reads the
                // target. `addLink` takes the target's `ObjectInfo` and
                // stores an empty object whose metadata carries the pointer
                // (bucket and name). `get` follows it and returns the
                // target's info.
                releases.addLink("current-logo", assets.getInfo("logo.png"));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ObjectInfo target = releases.get("current-logo", out);
                System.out.println("get releases/current-logo -> " + target.getBucket() + "/" + target.getObjectName()
                        + ": " + out.size() + " bytes, identical: " + Arrays.equals(out.toByteArray(), logo));

                // Putting `logo.png` again replaces it: new chunks, and new
                // metadata (the description and headers are gone, since this
                // put gave none). The link names an object, not a version,
                // so it now reads the new logo.
                info = assets.put("logo.png", Arrays.copyOf(logo, 2048));
                System.out.println("put logo.png again: " + info.getSize() + " bytes");
                show(updates);
                out.reset();
                releases.get("current-logo", out);
                System.out.println("get releases/current-logo: " + out.size() + " bytes");

                // Deleting the target leaves the link dangling: reading it
                // fails as if the object had never been there, with the
                // `IllegalArgumentException` jnats throws for a missing
                // object.
                assets.delete("logo.png");
                System.out.println("delete logo.png");
                show(updates);
                try {
                    releases.get("current-logo", new ByteArrayOutputStream());
                } catch (IllegalArgumentException e) {
                    System.out.println("get releases/current-logo: not found");
                }
            }

            // The watch is closed; clean up: delete both buckets.
            for (String bucket : List.of("assets", "releases")) {
                osm.delete(bucket);
            }
        }
    }

    static long stored(JetStreamManagement jsm) throws Exception {
        return jsm.getStreamInfo("OBJ_assets").getStreamState().getMsgCount();
    }

    // Print the next update the watcher queued, waiting at most two
    // seconds.
    static void show(BlockingQueue<String> updates) throws InterruptedException {
        String line = updates.poll(2, TimeUnit.SECONDS);
        if (line == null) {
            throw new IllegalStateException("the watcher reported nothing");
        }
        System.out.println(line);
    }
}
