// Watching a key-value bucket turns it from a place you poll into a feed
// of changes. In jnats a watch takes a `KeyValueWatcher`, two callbacks:
// `watch` for each entry and `endOfData` once the initial values are
// through. They run on a dispatcher thread of the watch's own; here they
// hand what they see to a `BlockingQueue` that the main thread reads at
// its own pace.
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

public class Main {
    // The server's error code for "stream not found" (a bucket is a
    // stream).
    static final int STREAM_NOT_FOUND = 10059;

    // A watcher that turns each callback into a line of output, tagged with
    // the watcher's name, and queues it. Each update is an entry with the
    // key, value and revision; a delete arrives as an entry with operation
    // `DELETE` and no value. `endOfData` is called once, to say the watcher
    // has delivered everything that was in the bucket when it started.
    record Collector(String name, BlockingQueue<String> lines) implements KeyValueWatcher {
        @Override
        public void watch(KeyValueEntry entry) {
            if (entry.getOperation() == KeyValueOperation.DELETE) {
                lines.add("  [" + name + "] " + entry.getKey() + " deleted (rev " + entry.getRevision() + ")");
            } else {
                lines.add("  [" + name + "] " + entry.getKey() + " = '" + entry.getValueAsString()
                        + "' (rev " + entry.getRevision() + ")");
            }
        }

        @Override
        public void endOfData() {
            lines.add("  [" + name + "] caught up, now live");
        }

        // Print the next line this watcher produced, waiting at most two
        // seconds for it.
        void show() throws InterruptedException {
            String line = lines.poll(2, TimeUnit.SECONDS);
            if (line == null) {
                throw new IllegalStateException(name + ": no update arrived");
            }
            System.out.println(line);
        }
    }

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            KeyValueManagement kvm = nc.keyValueManagement();

            // A bucket holding the state of a smart home, with some values
            // already in it before anybody watches. (Start clean: delete
            // the bucket first if an interrupted run left it.)
            try {
                kvm.delete("home");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }
            kvm.create(KeyValueConfiguration.builder().name("home").build());
            KeyValue kv = nc.keyValue("home");
            kv.put("lights.kitchen", "off".getBytes(StandardCharsets.UTF_8));
            kv.put("lights.hall", "on".getBytes(StandardCharsets.UTF_8));
            kv.put("thermostat", "20".getBytes(StandardCharsets.UTF_8));

            // Two watchers: one on every key (`watchAll`), one on the
            // pattern `lights.*`. Key patterns use subject wildcards, since
            // every key is a subject in the bucket's stream. Each call
            // returns a watch subscription, `AutoCloseable`: closing it
            // stops the watch and removes its consumer.
            Collector all = new Collector("all", new LinkedBlockingQueue<>());
            Collector lights = new Collector("lights", new LinkedBlockingQueue<>());
            try (NatsKeyValueWatchSubscription watchAll = kv.watchAll(all);
                 NatsKeyValueWatchSubscription watchLights = kv.watch("lights.*", lights)) {
                // A new watcher starts with the current value of every
                // matching key, then the end-of-data call. The lights
                // watcher never hears about the thermostat.
                System.out.println("initial values:");
                for (int i = 0; i < 4; i++) {
                    all.show();
                }
                for (int i = 0; i < 3; i++) {
                    lights.show();
                }

                // From now on, every change is pushed to the watchers whose
                // pattern matches it, as soon as it is stored.
                System.out.println("put lights.kitchen = 'on'");
                kv.put("lights.kitchen", "on".getBytes(StandardCharsets.UTF_8));
                all.show();
                lights.show();

                System.out.println("put thermostat = '21'");
                kv.put("thermostat", "21".getBytes(StandardCharsets.UTF_8));
                all.show();

                System.out.println("delete lights.hall");
                kv.delete("lights.hall");
                all.show();
                lights.show();

                // The thermostat change never reached the lights watcher:
                // after the delete it has nothing left to report.
                if (lights.lines().poll(500, TimeUnit.MILLISECONDS) == null) {
                    System.out.println("  [lights] no further updates");
                }
            }

            // The watches are closed; clean up: deleting the bucket deletes
            // every key.
            kvm.delete("home");
        }
    }
}
