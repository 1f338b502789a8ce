// A push consumer has the server send messages to a subject of the
// client's choosing as soon as they are available, with no requests in
// between. Push consumers are the older design: for new code prefer pull
// consumers, which `@nats-io/jetstream` is built around. The package still
// reads push consumers, though, in the same style: the manager creates the
// consumer with a `deliver_subject`, `js.consumers.getPushConsumer` returns
// a handle to it, and its `consume()` resolves to an async iterable of
// messages. `createInbox` from the core client makes a unique subject to
// deliver to.
import { connect, createInbox } from "@nats-io/transport-node";
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// Start clean: delete the stream if an interrupted run left it. Then store
// five events.
try {
  await jsm.streams.delete("EVENTS");
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}
await jsm.streams.add({ name: "EVENTS", subjects: ["events.>"] });
for (let i = 1; i <= 5; i++) {
  await js.publish(`events.${i}`, `event ${i}`);
}

// Read a push consumer until it has caught up. Every JetStream message says
// in `msg.info.pending` how many more messages the consumer has waiting
// after it, so the loop acknowledges and collects until that reaches 0,
// then leaves with `break`. `ackAck` waits for the server to confirm each
// ack, which keeps the consumer info printed at the end exact.
//
// Leaving a `for await` loop early stops the iterator, and nats.js then
// unsubscribes from the delivery subject (`closed()` resolves once it is
// stopped). The `flush` makes sure the server has processed that
// unsubscribe before the program goes on: otherwise a message published
// right after could still be pushed to the old subscription and dropped
// there, unacknowledged, to come back only after the ack wait (30 s).
async function receive(label, consumer) {
  const subjects = [];
  const messages = await consumer.consume();
  for await (const msg of messages) {
    subjects.push(msg.subject);
    await msg.ackAck();
    if (msg.info.pending === 0) break;
  }
  await messages.closed();
  await nc.flush();
  console.log(`${label.padEnd(20)} ${subjects.join(" ")}`);
}

// A consumer without a `durable_name` is *ephemeral*: the server names it,
// and removes it once nobody has listened on its delivery subject for
// `inactive_threshold` (5 s by default). This helper creates one with the
// given settings and returns its handle; `createInbox` gives each one a
// delivery subject of its own.
async function ephemeral(config) {
  const info = await jsm.consumers.add("EVENTS", {
    deliver_subject: createInbox(),
    ack_policy: AckPolicy.Explicit,
    ...config,
  });
  return js.consumers.getPushConsumer("EVENTS", info.name);
}

// The deliver policy picks where a new consumer starts. `all`, the
// default, starts at the beginning of the stream.
await receive("deliver all:", await ephemeral({}));

// `last` starts with the last message in the stream.
await receive("deliver last:", await ephemeral({ deliver_policy: DeliverPolicy.Last }));

// `new` skips everything already stored and waits for messages published
// after the consumer was created.
let consumer = await ephemeral({ deliver_policy: DeliverPolicy.New });
await js.publish("events.6", "event 6");
await receive("deliver new:", consumer);

// `by_start_sequence` (`DeliverPolicy.StartSequence` here) starts at a
// stream sequence of our choice, given as a second setting,
// `opt_start_seq`.
consumer = await ephemeral({ deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 3 });
await receive("start at seq 3:", consumer);

// A *durable* push consumer has a name and remembers its position on the
// server, whether or not anybody is subscribed.
await jsm.consumers.add("EVENTS", {
  durable_name: "audit",
  deliver_subject: createInbox(),
  ack_policy: AckPolicy.Explicit,
});
await receive("durable audit:", await js.consumers.getPushConsumer("EVENTS", "audit"));

// While no one is subscribed, the server holds delivery back. Two more
// events are published; getting the durable consumer again by name and
// consuming it resumes after the last message it delivered, and sends only
// the new ones.
await js.publish("events.7", "event 7");
await js.publish("events.8", "event 8");
consumer = await js.consumers.getPushConsumer("EVENTS", "audit");
await receive("audit, resubscribed:", consumer);

const info = await consumer.info();
console.log(
  `${"audit consumer info:".padEnd(20)} delivered=${info.delivered.stream_seq} ` +
    `ack_floor=${info.ack_floor.stream_seq} num_pending=${info.num_pending}`,
);

// Clean up: deleting the stream deletes the consumers too.
await jsm.streams.delete("EVENTS");
await nc.drain();
