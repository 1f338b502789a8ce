// A pull consumer can be given limits that protect the server and share the
// work fairly between clients. This program shows each limit being hit and
// what the client gets back. Besides `@nats-io/jetstream` it uses a few
// core helpers: `nanos` (JetStream durations are nanoseconds),
// `createInbox`, `syncIterator` and `deadline`, to send pull requests by
// hand and read their answers one at a time.
import { connect, createInbox, deadline, nanos, syncIterator } from "@nats-io/transport-node";
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";

// Connect, get the JetStream client and manager, start clean (delete the
// stream if an interrupted run left it), then store ten orders.
const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
await jsm.streams.delete("ORDERS").catch((err) => {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
});
await jsm.streams.add({ name: "ORDERS", subjects: ["orders.>"] });
for (let i = 1; i <= 10; i++) {
  await js.publish(`orders.${i}`, `order ${i}`);
}

// `max_ack_pending: 3`: at most 3 messages delivered and not yet acked. We
// ask for 5 and get 3; the pull request then waits at the server until its
// `expires` (1 s, the least nats.js accepts) runs out, and the batch ends.
// The next fetch gets nothing at all. Once the three are acked, the next
// fetch gets 3 more.
console.log("-- max_ack_pending=3");
await jsm.consumers.add("ORDERS", { durable_name: "worker", ack_policy: AckPolicy.Explicit, max_ack_pending: 3 });
const worker = await js.consumers.get("ORDERS", "worker");
async function fetch5() {
  const msgs = [];
  for await (const msg of await worker.fetch({ max_messages: 5, expires: 1000 })) msgs.push(msg);
  return msgs;
}
let msgs = await fetch5();
console.log(`fetch(5): got ${msgs.length}: ${msgs.map((m) => m.subject).join(", ")}`);
if ((await fetch5()).length === 0) {
  console.log("fetch(5): timed out, 3 messages are waiting for an ack");
}
for (const msg of msgs) await msg.ackAck();
msgs = await fetch5();
console.log(`acked them, fetch(5): got ${msgs.length}: ${msgs.map((m) => m.subject).join(", ")}`);
for (const msg of msgs) await msg.ackAck();

// The other limits are about *pull requests*: the small JSON request
// (batch, expiry in ns, byte budget) that `fetch` publishes to
// `$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`. A refused request is
// answered with a status message: no payload, and a header line with a
// code and a reason, which nats.js parses into `msg.headers.code` and
// `.description`. `fetch` turns a 409 into a `JetStreamStatusError`, but it
// also checks its options first (`expires` at least 1 s, `max_messages` or
// `max_bytes` but not both), so to show each limit as the server words it,
// we send the requests ourselves: `send` publishes one with a fresh reply
// inbox, `outcome` reads what comes back, acking each message with an
// empty reply (an empty ack body means "+ACK").
function send(consumer, request) {
  const sub = nc.subscribe(createInbox());
  nc.publish(`$JS.API.CONSUMER.MSG.NEXT.ORDERS.${consumer}`, JSON.stringify(request), {
    reply: sub.getSubject(),
  });
  return sub;
}
async function outcome(sub, batch = 1) {
  const replies = syncIterator(sub);
  let got = 0;
  let result;
  while (got < batch && result === undefined) {
    const msg = await deadline(replies.next(), 2000);
    if (msg.headers?.code) {
      result = `got ${got}, then ${msg.headers.code} ${msg.headers.description}`;
    } else {
      msg.respond();
      got += 1;
    }
  }
  sub.unsubscribe();
  return result ?? `got ${got}`;
}

// `max_waiting: 1`: one pull request may wait at the consumer. Both
// requests go out on one connection, so the server sees them in that
// order: the first waits for new messages and takes the only slot, the
// second is refused. The first ends when its `expires` runs out (408).
console.log("-- max_waiting=1");
await jsm.consumers.add("ORDERS", {
  durable_name: "idle",
  ack_policy: AckPolicy.Explicit,
  deliver_policy: DeliverPolicy.New,
  max_waiting: 1,
});
const first = send("idle", { batch: 1, expires: nanos(500) });
const second = send("idle", { batch: 1, expires: nanos(500) });
console.log(`second request: ${await outcome(second)}`);
console.log(`first request:  ${await outcome(first)}`);

// A consumer can also bound each request: `max_batch`, `max_bytes` and
// `max_expires` are ordinary fields of the consumer configuration. Requests
// over a limit are refused outright. A request within the byte limit but
// too small for the next message gets what fits (each counts its subject,
// reply subject, headers and payload), then a 409.
console.log("-- max_batch=4, max_bytes=1000, max_expires=1s");
await jsm.consumers.add("ORDERS", {
  durable_name: "batcher",
  ack_policy: AckPolicy.Explicit,
  max_batch: 4,
  max_bytes: 1000,
  max_expires: nanos(1000),
});
for (const [label, request] of [
  ["batch=10", { batch: 10 }],
  ["batch=4 max_bytes=5000", { batch: 4, max_bytes: 5000 }],
  ["batch=1 expires=5s", { batch: 1, expires: nanos(5000) }],
  ["batch=4 max_bytes=200", { batch: 4, max_bytes: 200 }],
  ["batch=4", { batch: 4 }],
]) {
  console.log(`${(label + ":").padEnd(23)} ${await outcome(send("batcher", request), request.batch)}`);
}

// Clean up: deleting the stream deletes its consumers too.
await jsm.streams.delete("ORDERS");
await nc.drain();
