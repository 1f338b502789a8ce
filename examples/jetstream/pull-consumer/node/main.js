// A pull consumer lets the application ask for messages when it is ready
// for them, in batches of the size it chooses. In nats.js v3 this is the
// main way to read a stream: `@nats-io/jetstream`'s manager creates the
// consumer on the server, and the client's `consumers.get` returns a
// `Consumer` handle with `fetch`, `next` and `consume`.
import { connect } from "@nats-io/transport-node";
import {
  AckPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// Start clean: delete the stream if an interrupted run left it.
try {
  await jsm.streams.delete("ORDERS");
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) {
    throw err;
  }
}

// A stream of ten orders to work through.
await jsm.streams.add({ name: "ORDERS", subjects: ["orders.>"] });
for (let i = 1; i <= 10; i++) {
  await js.publish(`orders.${i}`, `order ${i}`);
}

// Consumer info is the server's view of a consumer's progress:
// - `delivered`: the last stream sequence handed out;
// - `ack_floor`: the sequence up to which *everything* is acknowledged;
// - `num_ack_pending`: delivered but not yet acknowledged;
// - `num_pending`: still waiting in the stream, never delivered.
// `consumer.info()` asks the server each time (pass `true` to reuse the
// last answer instead).
async function show(label, consumer) {
  const info = await consumer.info();
  console.log(
    `  ${label.padEnd(14)} delivered=${String(info.delivered.stream_seq).padEnd(2)} ` +
      `ack_floor=${info.ack_floor.stream_seq} ` +
      `num_ack_pending=${info.num_ack_pending} num_pending=${info.num_pending}`,
  );
}

// Creating the consumer is the manager's job. A `durable_name` makes it a
// durable consumer: it outlives the program and the connection, because
// its position is kept by the server, not by the client. Explicit acks mean
// each message must be acknowledged on its own. Nothing is delivered until
// we ask.
await jsm.consumers.add("ORDERS", { durable_name: "processor", ack_policy: AckPolicy.Explicit });
let consumer = await js.consumers.get("ORDERS", "processor");
await show("new consumer:", consumer);

// `fetch` asks for a batch of up to 4 messages; it resolves to an async
// iterable that ends once the batch is complete (or `expires` milliseconds
// have passed). Each message knows its stream sequence, `msg.seq`;
// acknowledging it tells the server the work is done, and `ackAck` waits
// until the server confirms.
let batch = [];
for await (const msg of await consumer.fetch({ max_messages: 4, expires: 1000 })) {
  batch.push(msg);
}
console.log(`batch 1: ${batch.map((m) => `${m.subject} (seq ${m.seq})`).join(", ")}`);
for (const msg of batch) {
  await msg.ackAck();
}
await show("acked 4 of 4:", consumer);

// The next batch is only half acknowledged. Notice that `delivered` has
// moved to 8 while `ack_floor` stops at 6: two messages are out with the
// application. If they are never acked, the server redelivers them once
// the consumer's ack wait (30 s by default) runs out. Here they are acked a
// moment later; the Redelivery example shows the other outcomes:
// `msg.nak()` (redeliver now or after a delay), `msg.working()` (more
// time), `msg.term()` (give up), and the consumer's `max_deliver`.
batch = [];
for await (const msg of await consumer.fetch({ max_messages: 4, expires: 1000 })) {
  batch.push(msg);
}
console.log(`batch 2: ${batch.map((m) => m.subject).join(", ")}`);
for (const msg of batch.slice(0, 2)) {
  await msg.ackAck();
}
await show("acked 2 of 4:", consumer);
for (const msg of batch.slice(2)) {
  await msg.ackAck();
}
await show("acked 4 of 4:", consumer);

// Simulate a restart. The `Consumer` handle holds no state of its own, so
// a restarted worker simply gets the durable consumer again by name, and it
// resumes where it left off. We ask for 10 and only 2 are left: the server
// sends those two at once, and the batch ends when `expires` runs out (a
// pull request waits on the server for the rest until then).
consumer = await js.consumers.get("ORDERS", "processor");
batch = [];
for await (const msg of await consumer.fetch({ max_messages: 10, expires: 1000 })) {
  batch.push(msg);
}
console.log(`after rebind: ${batch.map((m) => m.subject).join(", ")}`);
for (const msg of batch) {
  await msg.ackAck();
}
await show("acked 2 of 2:", consumer);

// Clean up: deleting the stream deletes the durable consumer too.
await jsm.streams.delete("ORDERS");
await nc.drain();
