// A bucket can forget its values after a while: a TTL for the whole
// bucket, or for one key. What a watcher hears when a value expires
// depends on one more setting, the limit markers of nats-server 2.11 and
// later. This program needs jnats's key-value API: bucket settings in
// `KeyValueConfiguration`, a key's TTL as a `MessageTtl`, and watchers.
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.MessageTtl;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

public class Main {
    // The server's error code for "stream not found" (a bucket is a
    // stream).
    static final int STREAM_NOT_FOUND = 10059;

    // A watcher that turns each entry into a line, tagged with the
    // bucket's name, and queues it for the main thread. An expired value's
    // marker arrives as an entry with operation `PURGE`, like a purge by a
    // client. The end of the initial values is queued too, so it can be
    // skipped in order.
    record Collector(String name, BlockingQueue<String> lines) implements KeyValueWatcher {
        @Override
        public void watch(KeyValueEntry entry) {
            if (entry.getOperation() == KeyValueOperation.PURGE) {
                lines.add("  [" + name + "] " + entry.getKey() + " expired: the server purged it (rev "
                        + entry.getRevision() + ")");
            } else {
                lines.add("  [" + name + "] " + entry.getKey() + " = '" + entry.getValueAsString()
                        + "' (rev " + entry.getRevision() + ")");
            }
        }

        @Override
        public void endOfData() {
            lines.add("end of data");
        }

        String next(long millis) throws InterruptedException {
            return lines.poll(millis, TimeUnit.MILLISECONDS);
        }

        void show() throws InterruptedException {
            String line = next(4000);
            if (line == null) {
                throw new IllegalStateException(name + ": nothing arrived");
            }
            System.out.println(line);
        }
    }

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            KeyValueManagement kvm = nc.keyValueManagement();

            // Start clean: delete the buckets if an interrupted run left
            // them.
            for (String bucket : List.of("quiet", "marked")) {
                try {
                    kvm.delete(bucket);
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                        throw e;
                    }
                }
            }

            // Two buckets of sessions, both with a TTL of 2 s: every value
            // is removed 2 s after it was written (the bucket's stream gets
            // that `max_age`). Each write starts its own clock, so a key
            // that is written again lives on. Only `marked` has
            // `limitMarker`: when the server removes a key's last value, it
            // writes a marker in its place, kept for 1 s.
            kvm.create(KeyValueConfiguration.builder().name("quiet").ttl(Duration.ofSeconds(2)).build());
            kvm.create(KeyValueConfiguration.builder().name("marked").ttl(Duration.ofSeconds(2))
                    .limitMarker(Duration.ofSeconds(1)).build());
            KeyValue quiet = nc.keyValue("quiet");
            KeyValue marked = nc.keyValue("marked");
            System.out.println("buckets quiet and marked: ttl=2s; marked also has limit_marker_ttl=1s");

            // A watcher on each bucket. Both buckets are empty, so each
            // watcher first reports the end of its (empty) initial values.
            Collector quietWatch = new Collector("quiet", new LinkedBlockingQueue<>());
            Collector markedWatch = new Collector("marked", new LinkedBlockingQueue<>());
            try (NatsKeyValueWatchSubscription w1 = quiet.watchAll(quietWatch);
                 NatsKeyValueWatchSubscription w2 = marked.watchAll(markedWatch)) {
                quietWatch.next(2000);
                markedWatch.next(2000);

                // alice's session goes into both buckets. bob's goes into
                // `marked` only, created with its own TTL of 1 s:
                // `create(key, value, MessageTtl.seconds(1))` sets the key's
                // `Nats-TTL`, shorter here than the bucket's.
                quiet.put("session.alice", "token-a".getBytes(StandardCharsets.UTF_8));
                marked.put("session.alice", "token-a".getBytes(StandardCharsets.UTF_8));
                marked.create("session.bob", "token-b".getBytes(StandardCharsets.UTF_8), MessageTtl.seconds(1));
                quietWatch.show();
                markedWatch.show();
                markedWatch.show();

                // When bob's TTL and then alice's bucket TTL run out, the
                // `marked` watcher hears about each.
                markedWatch.show();
                markedWatch.show();

                // The `quiet` bucket removed alice's value just the same,
                // and its watcher heard nothing: without markers an expired
                // value simply disappears. A cache kept in sync by that
                // watcher would keep serving the stale session.
                if (quietWatch.next(500) == null) {
                    System.out.println("  [quiet] nothing, though session.alice is gone");
                }

                // `get` finds neither: jnats returns null for a key whose
                // last entry is not a value, a marker included.
                System.out.println("get session.alice: quiet -> " + lookup(quiet, "session.alice")
                        + ", marked -> " + lookup(marked, "session.alice"));

                // The markers have a TTL of their own, so they do not pile up
                // like the tombstones of deleted keys: a second later the
                // bucket is empty. We poll its status with a deadline.
                Instant deadline = Instant.now().plusSeconds(5);
                while (marked.getStatus().getEntryCount() > 0) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("the markers stayed");
                    }
                    Thread.sleep(100);
                }
                System.out.println("a second later the markers are gone too: marked holds 0 values");
            }

            // The watches are closed; clean up: delete the buckets.
            for (String bucket : List.of("quiet", "marked")) {
                kvm.delete(bucket);
            }
        }
    }

    static String lookup(KeyValue kv, String key) throws Exception {
        KeyValueEntry entry = kv.get(key);
        return entry == null ? "not found" : "'" + entry.getValueAsString() + "'";
    }
}
