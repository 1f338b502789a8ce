// A key-value bucket can keep several revisions of each key, and every
// write can be made conditional on the revision the writer last saw. In
// jnats a failed condition is a `JetStreamApiException` carrying the
// server's "wrong last sequence" error, and `MessageTtl` gives one key a
// time to live.
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.MessageTtl;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

public class Main {
    // The server's error codes for "stream not found" (a bucket is a
    // stream) and for a write whose expected revision did not hold.
    static final int STREAM_NOT_FOUND = 10059;
    static final int WRONG_LAST_SEQUENCE = 10071;

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            KeyValueManagement kvm = nc.keyValueManagement();

            // Start clean: delete the bucket if an interrupted run left it.
            try {
                kvm.delete("inventory");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }

            // `maxHistoryPerKey(5)` keeps the last five values of every key
            // instead of just the latest one (the maximum is 64).
            // `limitMarker` turns on time-to-live for single keys, which the
            // lock at the end needs (without it the server refuses a TTL:
            // "per-message TTL is disabled"); its duration is how long the
            // marker the server writes when such a key expires is kept.
            kvm.create(KeyValueConfiguration.builder()
                    .name("inventory")
                    .maxHistoryPerKey(5)
                    .limitMarker(Duration.ofSeconds(1))
                    .build());
            KeyValue kv = nc.keyValue("inventory");

            // Record the stock of widgets as it changes: seven writes to one
            // key.
            for (int stock : new int[] {10, 9, 8, 12, 11, 10, 9}) {
                kv.put("widgets", String.valueOf(stock).getBytes(StandardCharsets.UTF_8));
            }

            // `history` returns the revisions the bucket still holds, oldest
            // first. Only the last five of the seven writes remain; older
            // ones were dropped as new ones came in.
            List<KeyValueEntry> entries = kv.history("widgets");
            System.out.println("history of widgets: " + entries.stream()
                    .map(e -> "rev " + e.getRevision() + "=" + e.getValueAsString())
                    .collect(Collectors.joining(", ")));

            // Any revision still held can be read directly.
            System.out.println("widgets at revision 4: " + kv.get("widgets", 4).getValueAsString());

            // Now two clerks sell widgets at the same time. Both read the
            // current entry, and both see revision 7 with a stock of 9.
            KeyValueEntry clerkA = kv.get("widgets");
            KeyValueEntry clerkB = kv.get("widgets");
            System.out.println("clerk A and clerk B both read stock " + clerkA.getValueAsString()
                    + " at rev " + clerkA.getRevision());

            // `update` writes only if the key's latest revision is still the
            // one given. Clerk A is first: the condition holds and the new
            // value gets revision 8.
            long rev = kv.update("widgets", "8".getBytes(StandardCharsets.UTF_8), clerkA.getRevision());
            System.out.println("clerk A sells 1: update(last=" + clerkA.getRevision() + ") -> rev " + rev);

            // Clerk B's write is based on a value that no longer exists. A
            // plain `put` would silently overwrite A's sale; `update` is
            // rejected, so no sale is lost.
            try {
                kv.update("widgets", "8".getBytes(StandardCharsets.UTF_8), clerkB.getRevision());
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE) {
                    throw e;
                }
                System.out.println("clerk B sells 1: update(last=" + clerkB.getRevision() + ") -> rejected: "
                        + e.getErrorDescription());
            }

            // The fix is the usual optimistic-concurrency loop: read again,
            // redo the change on the fresh value, and try again.
            KeyValueEntry fresh = kv.get("widgets");
            int stock = Integer.parseInt(fresh.getValueAsString()) - 1;
            rev = kv.update("widgets", String.valueOf(stock).getBytes(StandardCharsets.UTF_8), fresh.getRevision());
            System.out.println("clerk B retries on rev " + fresh.getRevision() + ": stock " + stock + " -> rev " + rev);

            // `create` is the same check against "no value yet": it writes
            // only if the key does not exist, which makes it a simple way to
            // claim a name or take a lock. The second attempt fails.
            rev = kv.create("gadgets", "100".getBytes(StandardCharsets.UTF_8));
            System.out.println("create gadgets -> rev " + rev);
            if (!tryCreate(kv, "gadgets", "50")) {
                System.out.println("create gadgets again -> rejected: key already exists");
            }

            // A lock taken with a plain `create` never expires: if its
            // holder crashes, the key stays and nobody can take the lock
            // again. Give it a TTL instead: `create` with a `MessageTtl`
            // (whole seconds, at least 1; nats-server 2.11 or later) makes
            // the server remove the key by itself once the time is up,
            // unless the holder releases it first with `delete`. `update`
            // takes no TTL, so a holder cannot extend its lock; choose a TTL
            // longer than the work it protects.
            kv.create("lock.report", "worker-1".getBytes(StandardCharsets.UTF_8), MessageTtl.seconds(1));
            System.out.println("worker-1 takes lock.report with create(MessageTtl.seconds(1))");
            if (!tryCreate(kv, "lock.report", "worker-2")) {
                System.out.println("worker-2 create lock.report -> rejected while worker-1 holds it");
            }

            // worker-1 then "crashes" and never releases the lock. worker-2
            // keeps trying, with a deadline, and gets the lock once the TTL
            // has expired.
            Instant giveUp = Instant.now().plusSeconds(5);
            while (!tryCreate(kv, "lock.report", "worker-2")) {
                if (Instant.now().isAfter(giveUp)) {
                    throw new IllegalStateException("the lock never expired");
                }
                Thread.sleep(100);
            }
            System.out.println("after the TTL: lock.report held by " + kv.get("lock.report").getValueAsString());

            // Clean up: deleting the bucket deletes every key and revision.
            kvm.delete("inventory");
        }
    }

    // Try to create a key; false if it already has a value.
    static boolean tryCreate(KeyValue kv, String key, String value) throws Exception {
        try {
            kv.create(key, value.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE) {
                throw e;
            }
            return false;
        }
    }
}
