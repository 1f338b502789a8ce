// The object store keeps files and blobs of any size in JetStream, cut
// into chunks. jnats splits it like the rest of JetStream:
// `ObjectStoreManagement` creates and deletes buckets, `ObjectStore` puts,
// gets, watches and deletes the objects of one bucket. Objects go in and
// out as `InputStream`s and `OutputStream`s, so files are streamed, never
// held in memory whole.
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.ObjectStoreManagement;
import io.nats.client.Options;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.ObjectStoreWatcher;
import io.nats.client.impl.NatsObjectStoreWatchSubscription;

import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

public class Main {
    // The server's error code for "stream not found" (a bucket is a
    // stream).
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");

        // jnats reports what happens on a connection to its
        // `ErrorListener`, and the default one logs every event, routine
        // ones included: a large `get` reads its chunks through a consumer
        // with flow control, and each flow-control reply would be logged.
        // This listener keeps the real problems and skips the rest (every
        // method of the interface has an empty default).
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

        Path tmp = Files.createTempDirectory("os-intro");
        try (Connection nc = Nats.connect(options)) {
            ObjectStoreManagement osm = nc.objectStoreManagement();

            // A bucket is backed by a stream called `OBJ_assets`. Other
            // programs open it with `nc.objectStore("assets")`. (Start
            // clean: delete the bucket first if an interrupted run left it.)
            try {
                osm.delete("assets");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }
            osm.create(ObjectStoreConfiguration.builder("assets").build());
            ObjectStore store = nc.objectStore("assets");

            // A watcher reports every change to the bucket's objects: first
            // the objects already there (none yet), then `endOfData`, then
            // each put, metadata update and delete as it happens. Its
            // callbacks run on a dispatcher thread; they queue a line for
            // the main thread, which reads one after each step below. The
            // watch subscription is `AutoCloseable`.
            BlockingQueue<String> updates = new LinkedBlockingQueue<>();
            ObjectStoreWatcher watcher = new ObjectStoreWatcher() {
                @Override
                public void watch(ObjectInfo info) {
                    updates.add("  watch: " + info.getObjectName() + ": " + (info.isDeleted() ? "deleted"
                            : info.getSize() + " bytes, " + quoted(info.getDescription())));
                }

                @Override
                public void endOfData() {
                    updates.add("end of data");
                }
            };
            try (NatsObjectStoreWatchSubscription watch = store.watch(watcher)) {
                next(updates);

                // `put` takes bytes for small objects (or a `File`, or an
                // `InputStream` with an `ObjectMeta`). The `ObjectInfo` it
                // returns describes what was stored: the size, the number
                // of chunks and a SHA-256 digest of the content.
                ObjectInfo info = store.put("motd.txt", "Welcome to NATS!\n".getBytes(StandardCharsets.UTF_8));
                System.out.println("put " + info.getObjectName() + ": " + info.getSize() + " bytes in "
                        + info.getChunks() + " chunk");
                System.out.println(next(updates));

                // Why chunks: a NATS message may not exceed the server's
                // `max_payload`, 1 MiB by default, which the client learns
                // when it connects. Our report is 2.5 MiB, generated so its
                // content (and digest) is the same on every run; as one
                // message jnats refuses it with an
                // `IllegalArgumentException` before it leaves the client.
                Path source = tmp.resolve("report.csv");
                try (BufferedWriter out = Files.newBufferedWriter(source, StandardCharsets.US_ASCII)) {
                    for (long i = 0; i < 100_000; i++) {
                        out.write(String.format("%08d,%016d\n", i, i * i));
                    }
                }
                System.out.println("server max_payload: " + nc.getMaxPayload() + " bytes");
                try {
                    nc.publish("reports.raw", Files.readAllBytes(source));
                } catch (IllegalArgumentException e) {
                    System.out.println("publish " + Files.size(source) + " bytes as one message -> "
                            + "IllegalArgumentException: " + e.getMessage());
                }

                // The object store cuts it up. Given an `InputStream`, jnats
                // reads it 128 KiB at a time and publishes each piece as a
                // message, so even very large files never have to fit in
                // memory.
                ObjectMeta meta = ObjectMeta.builder("reports/2024-05.csv").description("monthly report").build();
                try (InputStream in = Files.newInputStream(source)) {
                    info = store.put(meta, in);
                }
                System.out.println("put " + info.getObjectName() + ": " + info.getSize() + " bytes in "
                        + info.getChunks() + " chunks");
                System.out.println("  digest " + info.getDigest());
                System.out.println(next(updates));

                // `get` reassembles the object from its chunks into an
                // `OutputStream`, here a file, and checks the digest on the
                // way.
                Path target = tmp.resolve("downloaded.csv");
                try (OutputStream out = Files.newOutputStream(target)) {
                    store.get("reports/2024-05.csv", out);
                }
                boolean same = Arrays.equals(Files.readAllBytes(target), Files.readAllBytes(source));
                System.out.println("get reports/2024-05.csv into a file: identical to the original: " + same);

                // `updateMeta` rewrites the metadata message only (here the
                // description), leaving the chunks alone, and watchers see
                // it. The meta could also give the object a new name.
                store.updateMeta("reports/2024-05.csv",
                        ObjectMeta.builder("reports/2024-05.csv").description("final report").build());
                info = store.getInfo("reports/2024-05.csv");
                System.out.println("update_meta: description=" + quoted(info.getDescription()) + ", still "
                        + info.getChunks() + " chunks");
                System.out.println(next(updates));

                // `delete` purges the object's chunks and leaves a marker
                // saying it is gone, and watchers see the deletion. A later
                // `get` throws an `IllegalArgumentException` naming the
                // problem (`getInfo` would return null).
                store.delete("motd.txt");
                System.out.println(next(updates));
                try {
                    store.get("motd.txt", OutputStream.nullOutputStream());
                } catch (IllegalArgumentException e) {
                    System.out.println("get motd.txt after delete: not found (" + e.getMessage() + ")");
                }
                String names = store.getList().stream().map(ObjectInfo::getObjectName)
                        .collect(Collectors.joining(", ", "[", "]"));
                System.out.println("list after delete: " + names);
            }

            // The watch is closed; clean up: delete the bucket with its
            // stream.
            osm.delete("assets");
        } finally {
            // And the temporary files.
            try (var files = Files.list(tmp)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(tmp);
        }
    }

    // A description in quotes, or null when there is none.
    static String quoted(String text) {
        return text == null ? "null" : "'" + text + "'";
    }

    // The next line the watcher queued, waiting at most two seconds.
    static String next(BlockingQueue<String> updates) throws InterruptedException {
        String line = updates.poll(2, TimeUnit.SECONDS);
        if (line == null) {
            throw new IllegalStateException("the watcher reported nothing");
        }
        return line;
    }
}
