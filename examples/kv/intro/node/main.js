// A key-value bucket gives JetStream the interface of a map: put, get and
// delete values by key. In nats.js v3 it is a package of its own,
// `@nats-io/kv`, built on `@nats-io/jetstream`: `Kvm` (the key-value
// manager) creates and opens buckets, and each bucket is a `KV` object.
// Errors from the server are JetStream's, so `JetStreamApiError` and its
// codes come from `@nats-io/jetstream`.
import { connect } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });

// `new Kvm(nc)` takes a connection (or a JetStream client) and makes no
// request yet.
const kvm = new Kvm(nc);

// Start clean: delete the bucket if an interrupted run left it. `open`
// binds to a bucket by name without asking the server, and `destroy`
// deletes it; for a bucket that does not exist it rejects with a
// `JetStreamApiError` whose code is `StreamNotFound`.
try {
  await (await kvm.open("settings")).destroy();
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}

// Create a bucket for an application's settings. Behind the scenes this is
// a stream named `KV_settings`, keeping the latest value of every key.
// Other programs open the same bucket with `kvm.open("settings")`.
const kv = await kvm.create("settings");
console.log("created bucket 'settings'");

// `put` stores a value (a string or bytes) and resolves to the key's new
// revision, a number that grows with every change in the bucket. Keys may
// contain dots, which makes them hierarchical like subjects.
for (const [key, value] of [["theme", "dark"], ["language", "en"], ["ui.font.size", "14"]]) {
  const revision = await kv.put(key, value);
  console.log(`put ${key} = '${value}' -> revision ${revision}`);
}

// `get` resolves to an entry with the value and the revision that wrote
// it; `entry.string()` decodes the value as UTF-8.
let entry = await kv.get("theme");
console.log(`get ${entry.key} -> '${entry.string()}' (revision ${entry.revision})`);

// Putting a key again replaces its value; the revision moves on.
const revision = await kv.put("theme", "light");
entry = await kv.get("theme");
console.log(`put theme = 'light' -> revision ${revision}; get theme -> '${entry.string()}'`);

// `keys` resolves to an async iterable of the keys that currently have a
// value. The server sends them in the order they were last written, so we
// sort them for display.
async function keys() {
  const all = [];
  for await (const key of await kv.keys()) all.push(key);
  return `[${all.sort().map((key) => `'${key}'`).join(", ")}]`;
}
console.log(`keys: ${await keys()}`);

// `delete` removes a key. It writes a small delete marker rather than
// erasing the past, so watchers learn about the deletion. In nats.js `get`
// then resolves to that marker, an entry whose `operation` is "DEL" and
// whose value is empty; a key that was never written gives `null`. Either
// way the key is gone from the key list.
await kv.delete("language");
entry = await kv.get("language");
if (entry === null || entry.operation !== "PUT") {
  console.log("get language -> not found (deleted)");
}
console.log(`keys: ${await keys()}`);

// `status` describes the bucket. `values` counts the stored entries,
// delete markers included, and `history` is how many values each key
// keeps (one by default; see the history example).
const status = await kv.status();
console.log(`status: bucket=${status.bucket} values=${status.values} history=${status.history}`);

// Clean up: destroying the bucket deletes its stream and every key.
await kv.destroy();
await nc.drain();
