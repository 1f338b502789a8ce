// Watching a key-value bucket turns it from a place you poll into a feed of
// changes. `kv.watch()` of `@nats-io/kv` resolves to an async iterator of
// entries. From the core client, `syncIterator` lets us take one entry at a
// time, and `deadline` bounds each wait, rejecting with `TimeoutError` when
// nothing comes.
import { connect, deadline, syncIterator, TimeoutError } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const kvm = new Kvm(nc);

// A bucket holding the state of a smart home, with some values already in
// it before anybody watches. (Start clean: delete the bucket first if an
// interrupted run left it.)
try {
  await (await kvm.open("home")).destroy();
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}
const kv = await kvm.create("home");
await kv.put("lights.kitchen", "off");
await kv.put("lights.hall", "on");
await kv.put("thermostat", "20");

// Two watchers: one on every key (no `key` option), one on the pattern
// `lights.*`. Key patterns use subject wildcards, since every key is a
// subject in the bucket's stream.
const watchAll = await kv.watch();
const watchLights = await kv.watch({ key: "lights.*" });
const watchers = { all: syncIterator(watchAll), lights: syncIterator(watchLights) };

// Each update is an entry with the key, value and revision. A delete
// arrives as an entry whose `operation` is "DEL", with no value. nats.js
// sends no separate "caught up" marker; instead each entry's `delta` says
// how many more entries the watcher had waiting behind it when it came.
// So the first entry with a `delta` of 0 is the last of the values that
// were in the bucket when the watcher started; after it, the watcher is
// live. (A watcher on an empty bucket is live from the start.)
const live = { all: false, lights: false };
async function show(name) {
  const entry = await deadline(watchers[name].next(), 2000);
  if (entry.operation === "DEL") {
    console.log(`  [${name}] ${entry.key} deleted (rev ${entry.revision})`);
  } else {
    console.log(`  [${name}] ${entry.key} = '${entry.string()}' (rev ${entry.revision})`);
  }
  if (!live[name] && entry.delta === 0) {
    live[name] = true;
    console.log(`  [${name}] caught up, now live`);
  }
}

// A new watcher starts with the current value of every matching key. The
// lights watcher never hears about the thermostat.
console.log("initial values:");
for (let i = 0; i < 3; i++) await show("all");
for (let i = 0; i < 2; i++) await show("lights");

// From now on, every change is pushed to the watchers whose pattern
// matches it, as soon as it is stored.
console.log("put lights.kitchen = 'on'");
await kv.put("lights.kitchen", "on");
await show("all");
await show("lights");

console.log("put thermostat = '21'");
await kv.put("thermostat", "21");
await show("all");

console.log("delete lights.hall");
await kv.delete("lights.hall");
await show("all");
await show("lights");

// The thermostat change never reached the lights watcher: after the delete
// it has nothing left to report, and the wait runs into its deadline.
try {
  await deadline(watchers.lights.next(), 500);
} catch (err) {
  if (!(err instanceof TimeoutError)) throw err;
  console.log("  [lights] no further updates");
}

// Stop the watchers: `stop()` ends each iterator and removes its consumer.
// Then clean up: destroying the bucket deletes every key.
watchAll.stop();
watchLights.stop();
await kv.destroy();
await nc.drain();
