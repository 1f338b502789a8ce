// A key-value bucket can keep several revisions of each key, and every
// write can be made conditional on the revision the writer last saw. With
// `@nats-io/kv`, a failed condition is the server's refusal, a
// `JetStreamApiError` from `@nats-io/jetstream` whose code is
// `StreamWrongLastSequence`. `delay` from the core client paces a retry.
import { connect, delay } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const kvm = new Kvm(nc);

// True when `err` is the server saying "the key is not at the revision you
// expected" (for `update`), or "the key already exists" (for `create`).
const wrongRevision = (err) =>
  err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence;

// Start clean: delete the bucket if an interrupted run left it.
try {
  await (await kvm.open("inventory")).destroy();
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}

// `history: 5` keeps the last five values of every key instead of just the
// latest one (the maximum is 64). `markerTTL` lets single keys expire (used
// for the lock at the end): it allows per-message TTLs on the bucket's
// stream, and sets how long the server keeps the marker it writes when a
// key expires (one second, in milliseconds; nats-server 2.11 or later).
const kv = await kvm.create("inventory", { history: 5, markerTTL: 1000 });

// Record the stock of widgets as it changes: seven writes to one key.
for (const stock of [10, 9, 8, 12, 11, 10, 9]) {
  await kv.put("widgets", String(stock));
}

// `history` resolves to an async iterable of the revisions the bucket
// still holds, oldest first. Only the last five of the seven writes
// remain; older ones were dropped as new ones came in.
const entries = [];
for await (const e of await kv.history({ key: "widgets" })) {
  entries.push(`rev ${e.revision}=${e.string()}`);
}
console.log(`history of widgets: ${entries.join(", ")}`);

// Any revision still held can be read directly.
const old = await kv.get("widgets", { revision: 4 });
console.log(`widgets at revision 4: ${old.string()}`);

// Now two clerks sell widgets at the same time. Both read the current
// entry, and both see revision 7 with a stock of 9.
const clerkA = await kv.get("widgets");
const clerkB = await kv.get("widgets");
console.log(`clerk A and clerk B both read stock ${clerkA.string()} at rev ${clerkA.revision}`);

// `update(key, value, revision)` writes only if the key's latest revision
// is still the one given. Clerk A is first: the condition holds and the
// new value gets revision 8.
let rev = await kv.update("widgets", "8", clerkA.revision);
console.log(`clerk A sells 1: update(last=${clerkA.revision}) -> rev ${rev}`);

// Clerk B's write is based on a value that no longer exists. A plain `put`
// would silently overwrite A's sale; `update` is rejected, so no sale is
// lost. The error's message is the server's description.
try {
  await kv.update("widgets", "8", clerkB.revision);
} catch (err) {
  if (!wrongRevision(err)) throw err;
  console.log(`clerk B sells 1: update(last=${clerkB.revision}) -> rejected: ${err.message}`);
}

// The fix is the usual optimistic-concurrency loop: read again, redo the
// change on the fresh value, and try again.
const fresh = await kv.get("widgets");
const stock = Number(fresh.string()) - 1;
rev = await kv.update("widgets", String(stock), fresh.revision);
console.log(`clerk B retries on rev ${fresh.revision}: stock ${stock} -> rev ${rev}`);

// `create` is the same check against "no value yet": it writes only if the
// key does not exist (or was deleted), which makes it a simple way to claim
// a name or take a lock. The second attempt fails.
rev = await kv.create("gadgets", "100");
console.log(`create gadgets -> rev ${rev}`);
try {
  await kv.create("gadgets", "50");
} catch (err) {
  if (!wrongRevision(err)) throw err;
  console.log("create gadgets again -> rejected: key already exists");
}

// A lock taken with a plain `create` never expires: if its holder crashes,
// the key stays and nobody can take the lock again. Give it a TTL instead:
// the third argument of `create` is a duration such as "1s", and the
// server removes the key by itself once the time is up (leaving a delete
// marker), unless the holder releases it first with `delete`. Choose a TTL
// longer than the work the lock protects.
await kv.create("lock.report", "worker-1", "1s");
console.log("worker-1 takes lock.report with create(..., \"1s\")");
try {
  await kv.create("lock.report", "worker-2");
} catch (err) {
  if (!wrongRevision(err)) throw err;
  console.log("worker-2 create lock.report -> rejected while worker-1 holds it");
}

// worker-1 then "crashes" and never releases the lock. worker-2 keeps
// trying, with a deadline, and gets the lock once the TTL has expired.
const giveUp = performance.now() + 5000;
for (;;) {
  try {
    await kv.create("lock.report", "worker-2");
    break;
  } catch (err) {
    if (!wrongRevision(err) || performance.now() > giveUp) throw err;
    await delay(100);
  }
}
const holder = await kv.get("lock.report");
console.log(`after the TTL: lock.report held by ${holder.string()}`);

// Clean up: destroying the bucket deletes every key and revision.
await kv.destroy();
await nc.drain();
