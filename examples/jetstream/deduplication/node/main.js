// JetStream can drop a message it has already stored, as long as the
// publisher gives each message a unique ID. `js.publish` of
// `@nats-io/jetstream` takes that ID as its `msgID` option and sends it in
// the `Nats-Msg-Id` header. `nanos` and `delay` come from the core client.
import { connect, delay, nanos } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from "@nats-io/jetstream";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// Start clean: delete the stream (and the IDs it remembers) if an
// interrupted run left it.
try {
  await jsm.streams.delete("ORDERS");
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}

// The stream remembers message IDs for its *duplicate window*, two minutes
// by default. We shorten it to one second (in nanoseconds, like every
// JetStream duration) so the example can show what happens when the window
// has passed.
await jsm.streams.add({ name: "ORDERS", subjects: ["orders.>"], duplicate_window: nanos(1000) });

// The ID should come from the data itself (an order number, an event ID),
// so that a retry of the same message carries the same ID. The publish ack
// (a `PubAck`) says in `duplicate` whether the message was one.
async function publish(orderId, msgID) {
  const ack = await js.publish("orders.new", `order ${orderId}`, msgID ? { msgID } : undefined);
  const label = msgID ? `id ${msgID}` : "no id";
  console.log(`publish order ${orderId} (${label}) -> seq ${ack.seq}, duplicate=${ack.duplicate}`);
}

async function count() {
  const info = await jsm.streams.info("ORDERS");
  console.log(`stream holds ${info.state.messages} message(s)`);
}

// Two orders, two IDs, two stored messages.
await publish(1001, "order-1001");
await publish(1002, "order-1002");

// Now the publisher retries order 1001, as it would if the first publish
// had timed out waiting for its ack. The server recognises the ID, stores
// nothing, and answers with the sequence of the original message and
// `duplicate=true`. The retry is safe.
await publish(1001, "order-1001");
await count();

// Deduplication looks only at the ID, not at the content. Publishing the
// same payload without an ID stores it each time.
await publish(1003);
await publish(1003);
await count();

// The server forgets an ID once the duplicate window has passed. After
// that, the same ID is accepted as a new message, so pick a window longer
// than your publishers may keep retrying.
await delay(1500);
console.log("duplicate window passed");
await publish(1001, "order-1001");
await count();

// Clean up: deleting the stream deletes its messages too.
await jsm.streams.delete("ORDERS");
await nc.drain();
