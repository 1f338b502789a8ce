// A key-value bucket is not a separate storage engine: it is a stream with
// a naming convention, a few settings, and a header that marks deletes.
// This program looks underneath a bucket of `@nats-io/kv` with the ordinary
// stream API of `@nats-io/jetstream`.
import { connect } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
const kvm = new Kvm(nc);

// Start clean: delete the bucket if an interrupted run left it.
try {
  await (await kvm.open("profiles")).destroy();
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}

// Creating bucket `profiles` creates stream `KV_profiles`, listening on
// `$KV.profiles.>`: key `alice` is subject `$KV.profiles.alice`. `history`
// becomes the stream's limit of messages per subject, so a key's oldest
// revisions make way for new ones. `discard=new` makes a full bucket (one
// that reached its `max_bytes`) refuse writes rather than drop the oldest
// messages, which could be other keys' current values.
// `allow_rollup_hdrs` lets a purge replace a key's whole history (see
// below). Other clients also set `deny_delete`, which forbids removing
// single messages through the stream API; nats.js 3.4 leaves it off, so
// here nothing but convention keeps stream tools from deleting a key's
// revisions one by one. nats.js turns on `allow_direct`, so that its `get`
// reads keys with direct get.
const kv = await kvm.create("profiles", { history: 5 });
const c = (await jsm.streams.info("KV_profiles")).config;
console.log(`bucket profiles is stream ${c.name}, subjects ${c.subjects.join(", ")}`);
console.log(
  `  max_msgs_per_subject=${c.max_msgs_per_subject} discard=${c.discard} ` +
    `deny_delete=${c.deny_delete} allow_rollup_hdrs=${c.allow_rollup_hdrs}`,
);

// A put is a JetStream publish, and the revision is the stream sequence.
// So a plain publish on the key's subject is a put too, and the bucket API
// reads it back like any other value.
await kv.put("alice", "v1");
await kv.put("alice", "v2");
await js.publish("$KV.profiles.bob", "published");
const bob = await kv.get("bob");
console.log(`publish $KV.profiles.bob -> get bob = '${bob.string()}' (rev ${bob.revision})`);
await kv.put("carol", "c1");
await kv.put("carol", "c2");

// Deleting a key does not remove its messages (the history should keep
// them, and watchers should hear of it), so the client writes a new
// message on the key's subject: empty, with the header
// `KV-Operation: DEL`. Readers treat it as "no value", and the earlier
// revisions stay in the history. Purging writes `KV-Operation: PURGE`
// together with `Nats-Rollup: sub`, which makes the server drop every
// earlier message of that subject. The markers themselves stay, as
// tombstones, until `purgeDeletes` clears out the old ones (those older
// than 30 minutes, by default).
await kv.delete("alice");
await kv.purge("carol");

// Read the stream itself, message by message. `streams.getMessage`
// resolves to `null` for a sequence that holds no message: sequences 4 and
// 5, the two values of carol, are gone, since the purge rolled them up.
const { state } = await jsm.streams.info("KV_profiles");
console.log(`stream KV_profiles: ${state.messages} messages`);
for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
  const msg = await jsm.streams.getMessage("KV_profiles", { seq });
  if (msg === null) {
    console.log(`  seq ${seq}: removed`);
    continue;
  }
  const headers = msg.header ? [...msg.header].map(([k, v]) => `${k}: ${v.join(", ")}`).join(", ") : "";
  const data = msg.data.length ? `'${msg.string()}'` : "(no data)";
  console.log(`  seq ${seq}: ${msg.subject} ${data} ${headers}`.trimEnd());
}

// Through the bucket API: a deleted key is not found (`get` returns its
// DEL marker), but its history is still there, ending with the delete; a
// purged key keeps only the purge marker; and the key listing skips both.
// `history` and `keys` are async iterables.
const alice = await kv.get("alice");
if (alice === null || alice.operation !== "PUT") console.log("get alice -> not found");
async function history(key) {
  const entries = [];
  for await (const e of await kv.history({ key })) {
    entries.push(e.operation === "PUT" ? e.string() : e.operation);
  }
  return entries.join(", ");
}
console.log(`history of alice: ${await history("alice")}`);
console.log(`history of carol: ${await history("carol")}`);
const keys = [];
for await (const key of await kv.keys()) keys.push(key);
console.log(`keys: ${keys.join(", ")}`);

// Clean up: destroying the bucket deletes its stream.
await kv.destroy();
await nc.drain();
