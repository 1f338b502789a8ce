// Acknowledging a JetStream message is itself a message, sent to the server
// on the message's reply subject. A `JsMsg` of `@nats-io/jetstream` has
// both kinds: `ack()`, fire-and-forget, and `ackAck()`, which sends the ack
// as a request and returns a promise of the server's confirmation.
// `RequestError` from the core client is what that promise rejects with
// when nobody confirms.
import { connect, RequestError } from "@nats-io/transport-node";
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
  await jsm.streams.delete("TASKS");
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}

// Four tasks in a stream and a durable pull consumer that requires an
// explicit ack for each message it delivers.
await jsm.streams.add({ name: "TASKS", subjects: ["tasks.>"] });
for (let n = 1; n <= 4; n++) {
  await js.publish(`tasks.${n}`, `task ${n}`);
}
await jsm.consumers.add("TASKS", { durable_name: "worker", ack_policy: AckPolicy.Explicit });
const worker = await js.consumers.get("TASKS", "worker");

// A small helper prints the consumer's bookkeeping: how many messages it
// has delivered, how many of those still await an ack, the stream sequence
// below which everything is acked (the ack floor), and how many messages
// are still waiting to be delivered.
async function show(label) {
  const info = await worker.info();
  console.log(
    `${label}: delivered=${info.delivered.stream_seq} ` +
      `ack_pending=${info.num_ack_pending} ack_floor=${info.ack_floor.stream_seq} ` +
      `pending=${info.num_pending}`,
  );
}

// Fetch a batch of two and collect it. Both now count as delivered and
// unacknowledged.
async function fetch2() {
  const msgs = [];
  for await (const msg of await worker.fetch({ max_messages: 2, expires: 2000 })) msgs.push(msg);
  return msgs;
}
const [first, second] = await fetch2();
await show("after fetching 2");

// `ack()` publishes the ack and returns at once (it returns nothing at
// all), before the server has seen it. That is fast and usually fine, but
// if the ack is lost (a network blip, a server restart) the program never
// knows, and the message is delivered again after the ack wait.
first.ack();
console.log(`ack()    ${first.subject}: sent, no reply expected`);

// `ackAck()` sends the same ack as a request and waits for the server to
// answer, which it does only once the ack is recorded: the "double ack".
// Its promise resolves to `true` (or to `false` without sending anything
// if the message was already acknowledged). Use it when processing a
// message twice would be costly, for example before telling a user their
// payment went through.
await second.ackAck();
console.log(`ackAck() ${second.subject}: confirmed by the server`);
await show("after both acks");

// The difference shows when the ack cannot land. Fetch the last two
// messages, then delete the consumer, as if it had been removed or its
// server lost while we were working.
const [third, fourth] = await fetch2();
await jsm.consumers.delete("TASKS", "worker");
console.log("consumer deleted");

// The plain ack "succeeds": it was published, and nobody tells the program
// it went nowhere. The confirmed ack rejects at once, with a
// `RequestError` whose `isNoResponders()` is true, because no consumer is
// there to answer; the program knows to retry the work or raise an alarm.
// (Had the server been slow instead, it would reject with a timeout after
// the JetStream client's timeout, 5 s by default.)
third.ack();
console.log(`ack()    ${third.subject}: sent, no error thrown`);
try {
  await fourth.ackAck();
} catch (err) {
  if (!(err instanceof RequestError && err.isNoResponders())) throw err;
  console.log(`ackAck() ${fourth.subject}: failed, no consumer answered the ack`);
}

// Clean up: deleting the stream deletes its messages too.
await jsm.streams.delete("TASKS");
await nc.drain();
