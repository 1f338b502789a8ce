// A bucket can forget its values after a while: a TTL for the whole bucket,
// or for one key. What a watcher hears when a value expires depends on one
// more setting, the limit markers of nats-server 2.11 and later. This
// program uses `@nats-io/kv`, and from the core client `syncIterator` and
// `deadline` to read one watcher entry at a time, `TimeoutError` for a
// watcher with nothing to say.
import { connect, deadline, delay, syncIterator, TimeoutError } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const kvm = new Kvm(nc);

// Start clean: delete the buckets if an interrupted run left them.
for (const bucket of ["quiet", "marked"]) {
  try {
    await (await kvm.open(bucket)).destroy();
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
  }
}

// Two buckets of sessions, both with `ttl: 2000` (milliseconds): every
// value is removed 2 s after it was written (the bucket's stream gets
// `max_age`). Each write starts its own clock, so a key that is written
// again lives on. Only `marked` has `markerTTL: 1000`: when the server
// removes a key's last value, it writes a marker in its place, kept for
// 1 s. (The same setting is what allows a TTL per key.)
const quiet = await kvm.create("quiet", { ttl: 2000 });
const marked = await kvm.create("marked", { ttl: 2000, markerTTL: 1000 });
console.log("buckets quiet and marked: ttl=2s; marked also has markerTTL=1s");

// A watcher on each bucket. Both buckets are empty, so the watchers start
// live, with nothing to replay.
const stoppers = [await quiet.watch(), await marked.watch()];
const watchers = { quiet: syncIterator(stoppers[0]), marked: syncIterator(stoppers[1]) };

// nats.js reads the server's marker (a message with a `Nats-Marker-Reason`
// header of `MaxAge`) as an entry whose `operation` is "PURGE", like a
// purge by a client.
async function show(name) {
  const entry = await deadline(watchers[name].next(), 4000);
  if (entry.operation === "PURGE") {
    console.log(`  [${name}] ${entry.key} expired: the server purged it (rev ${entry.revision})`);
  } else {
    console.log(`  [${name}] ${entry.key} = '${entry.string()}' (rev ${entry.revision})`);
  }
}

// alice's session goes into both buckets. bob's goes into `marked` only,
// created with its own TTL of 1 s: the third argument of `create` sets the
// key's `Nats-TTL`, shorter here than the bucket's.
await quiet.put("session.alice", "token-a");
await marked.put("session.alice", "token-a");
await marked.create("session.bob", "token-b", "1s");
await show("quiet");
await show("marked");
await show("marked");

// When bob's TTL and then alice's bucket TTL run out, the `marked` watcher
// hears about each.
await show("marked");
await show("marked");

// The `quiet` bucket removed alice's value just the same, and its watcher
// heard nothing: without markers an expired value simply disappears. A
// cache kept in sync by that watcher would keep serving the stale session.
try {
  await deadline(watchers.quiet.next(), 500);
} catch (err) {
  if (!(err instanceof TimeoutError)) throw err;
  console.log("  [quiet] nothing, though session.alice is gone");
}

// `get` finds neither: `null` where nothing is stored for the key, and the
// marker, a "PURGE" entry, in `marked`.
async function lookup(kv, key) {
  const entry = await kv.get(key);
  return entry === null || entry.operation !== "PUT" ? "not found" : `'${entry.string()}'`;
}
console.log(
  `get session.alice: quiet -> ${await lookup(quiet, "session.alice")}, ` +
    `marked -> ${await lookup(marked, "session.alice")}`,
);

// The markers have a TTL of their own, so they do not pile up like the
// tombstones of deleted keys: a second later the bucket is empty. We poll
// its status with a deadline.
const giveUp = performance.now() + 5000;
while ((await marked.status()).values > 0) {
  if (performance.now() > giveUp) throw new Error("the markers did not expire");
  await delay(100);
}
console.log("a second later the markers are gone too: marked holds 0 values");

// Clean up: stop the watchers, then destroy the buckets.
for (const watcher of stoppers) watcher.stop();
await quiet.destroy();
await marked.destroy();
await nc.drain();
