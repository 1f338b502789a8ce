// A stream's configuration is not fixed at creation: limits, subjects and
// policies can be changed while the stream is in use, and the server
// applies them to the messages it already holds. This program changes a
// live stream step by step with the manager of `@nats-io/jetstream`;
// refused changes reject with its `JetStreamApiError`.
import { connect, delay, nanos } from "@nats-io/transport-node";
import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  StorageType,
} from "@nats-io/jetstream";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// Start clean: delete the stream if an interrupted run left it.
try {
  await jsm.streams.delete("ORDERS");
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}

// After each step, print what the stream holds: how many messages, and the
// range of sequence numbers they span.
async function show(label) {
  const s = (await jsm.streams.info("ORDERS")).state;
  console.log(`${label.padEnd(34)} messages=${s.messages} first_seq=${s.first_seq} last_seq=${s.last_seq}`);
}

// A stream with no limits, and ten orders from three regions.
await jsm.streams.add({ name: "ORDERS", subjects: ["orders.*"] });
for (let i = 1; i <= 10; i++) {
  await js.publish(`orders.${["eu", "us", "asia"][i % 3]}`, `order ${i}`);
}
await show("created, 10 orders:");

// The server's update request takes a complete configuration: a field left
// out goes back to its default. `streams.update(name, changes)` in nats.js
// takes care of that: it reads the stream's current configuration first,
// applies the changes given, and sends the result. So each step below
// names only what changes.
//
// Lowering a limit applies at once to what is stored: the five oldest
// orders are removed to get down to `max_msgs: 5`. The sequence numbers of
// the rest do not change.
await jsm.streams.update("ORDERS", { max_msgs: 5 });
await show("max_msgs=5:");

// With `discard: new`, a full stream refuses new messages instead of
// dropping old ones. The stream holds 5 of 5, so the next publish is
// rejected, and the error says why.
await jsm.streams.update("ORDERS", { discard: DiscardPolicy.New });
try {
  await js.publish("orders.eu", "order 11");
} catch (err) {
  if (!(err instanceof JetStreamApiError)) throw err;
  console.log(`discard=new, 5 of 5 stored: publish -> ${err.message}`);
}

// `max_msgs_per_subject: 1` keeps only the newest message of each subject:
// the latest order per region.
await jsm.streams.update("ORDERS", { max_msgs_per_subject: 1 });
await show("max_msgs_per_subject=1:");

// Subjects can change too. After adding `returns.*` the stream stores
// returns as well; the stored orders are untouched.
await jsm.streams.update("ORDERS", { subjects: ["orders.*", "returns.*"] });
await js.publish("returns.eu", "return of order 9");
await show("subjects + returns.*, 1 return:");

// Some settings are fixed once the stream exists: its name, its storage
// type, and whether it is a work queue. The server refuses the update and
// nothing changes.
async function refused(label, changes) {
  try {
    await jsm.streams.update("ORDERS", changes);
  } catch (err) {
    if (!(err instanceof JetStreamApiError)) throw err;
    console.log(`${label}: refused: ${err.message}`);
  }
}
await refused("storage file -> memory", { storage: StorageType.Memory });

// A change must also be consistent with the rest of the configuration. The
// duplicate window (2 minutes by default, see
// [Deduplication](../deduplication/index.md)) may not be longer than
// `max_age`, so a 1-second `max_age` alone is refused...
await refused("max_age=1s", { max_age: nanos(1000) });

// ...and accepted together with a 1-second duplicate window (both in
// nanoseconds). `max_age` counts from when each message was stored, not
// from the update, so the stored messages expire as soon as they are a
// second old. We poll the stream state until it is empty, with a deadline.
// An empty stream reports `first_seq` one past `last_seq`: sequence numbers
// are never reused.
await jsm.streams.update("ORDERS", { max_age: nanos(1000), duplicate_window: nanos(1000) });
const giveUp = performance.now() + 5000;
while ((await jsm.streams.info("ORDERS")).state.messages > 0) {
  if (performance.now() > giveUp) throw new Error("the messages did not expire");
  await delay(100);
}
await show("max_age=1s, a moment later:");

// Clean up.
await jsm.streams.delete("ORDERS");
await nc.drain();
