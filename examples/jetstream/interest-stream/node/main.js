// An *interest* stream keeps a message only as long as some consumer still
// needs it. Besides the core connection this uses `@nats-io/jetstream`: the
// manager (`jetstreamManager`) to create the stream and its consumers, the
// client (`jetstream`) to publish and fetch, the `RetentionPolicy` and
// `AckPolicy` enums, and `JetStreamApiError` to recognise a refused call.
import { connect } from "@nats-io/transport-node";
import {
  AckPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
} from "@nats-io/jetstream";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// Start clean: delete the stream if an interrupted run left it. Only "no
// such stream" is expected here; any other error is thrown on.
try {
  await jsm.streams.delete("ORDERS");
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) {
    throw err;
  }
}

// A one-line summary of the stream: how many messages it holds, the range
// of sequence numbers they span, and how many consumers exist.
async function show(label) {
  const s = (await jsm.streams.info("ORDERS")).state;
  console.log(
    `${label.padEnd(28)} messages=${s.messages} first_seq=${s.first_seq} ` +
      `last_seq=${s.last_seq} consumers=${s.consumer_count}`,
  );
}

// Create the stream with interest retention. Think of it as fan-out with a
// safety net: each service that cares about orders gets its own consumer,
// and a message is deleted once *every* consumer has acknowledged it, so
// nothing is stored for longer than needed.
await jsm.streams.add({
  name: "ORDERS",
  subjects: ["orders.>"],
  retention: RetentionPolicy.Interest,
});

// With no consumers there is no interest at all. The stream still
// acknowledges each publish and assigns it a sequence number, but does not
// keep the message: the state shows 0 messages and `first_seq` already past
// them.
for (let i = 1; i <= 3; i++) {
  await js.publish(`orders.${i}`, `order ${i}`);
}
await show("3 published, no consumers:");

// Interest means consumers defined on the stream, not clients that happen
// to be connected. The manager creates two durable pull consumers, one for
// billing and one for shipping, that each want every order and expect an
// explicit ack for each message. `js.consumers.get` then returns a handle
// for reading from one of them.
for (const name of ["billing", "shipping"]) {
  await jsm.consumers.add("ORDERS", { durable_name: name, ack_policy: AckPolicy.Explicit });
}
const billing = await js.consumers.get("ORDERS", "billing");
const shipping = await js.consumers.get("ORDERS", "shipping");

for (let i = 4; i <= 6; i++) {
  await js.publish(`orders.${i}`, `order ${i}`);
}
await show("3 published, 2 consumers:");

// Billing processes and acknowledges all three. `fetch` asks the server for
// up to `max_messages` and resolves to an async iterable that ends once they
// have come or `expires` milliseconds have passed. Nothing is removed yet,
// because shipping has not acknowledged them. `ackAck` is the ack that
// waits: its promise resolves when the server confirms the ack (plain
// `ack()` just sends it), so the state we read afterwards is exact.
for await (const msg of await billing.fetch({ max_messages: 3, expires: 1000 })) {
  await msg.ackAck();
}
await show("billing acked 3:");

// As soon as shipping acknowledges a message, the last interest in it is
// gone and the stream deletes it, one by one.
const msgs = [];
for await (const msg of await shipping.fetch({ max_messages: 3, expires: 1000 })) {
  msgs.push(msg);
}
await msgs[0].ackAck();
await show("shipping acked 1:");
for (const msg of msgs.slice(1)) {
  await msg.ackAck();
}
await show("shipping acked 3:");

// Removing a consumer removes its interest too. Billing acknowledges two
// new orders that shipping never reads; deleting the shipping consumer
// releases them, and the stream is empty again.
for (let i = 7; i <= 8; i++) {
  await js.publish(`orders.${i}`, `order ${i}`);
}
for await (const msg of await billing.fetch({ max_messages: 2, expires: 1000 })) {
  await msg.ackAck();
}
await show("2 more, billing acked them:");
await jsm.consumers.delete("ORDERS", "shipping");
await show("shipping consumer deleted:");

// Clean up: deleting the stream deletes its consumers too.
await jsm.streams.delete("ORDERS");
await nc.drain();
