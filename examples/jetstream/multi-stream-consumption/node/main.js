// A consumer always belongs to exactly one stream, yet one service often
// needs data from several. With `@nats-io/jetstream` each consumer's
// `consume()` is an async iterable of messages, so consuming three streams
// at once is merging three async iterables, which plain JavaScript does
// with an async generator. `deadline` from the core client bounds the wait.
import { connect, deadline } from "@nats-io/transport-node";
import {
  AckPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";

const STREAMS = { ORDERS: "orders.>", PAYMENTS: "payments.>", SHIPPING: "shipping.>" };

// `merge` yields `[name, message]` pairs from several named async iterables
// as they arrive, whichever one they come from. It keeps one pending
// `next()` per source, and `Promise.race` settles with the first to
// resolve; that source is then asked for its next message.
async function* merge(sources) {
  const iterators = sources.map(([name, source]) => [name, source[Symbol.asyncIterator]()]);
  const ask = (i) => iterators[i][1].next().then((result) => ({ i, result }));
  const pending = new Map(iterators.map((_, i) => [i, ask(i)]));
  while (pending.size > 0) {
    const { i, result } = await Promise.race(pending.values());
    if (result.done) {
      pending.delete(i);
      continue;
    }
    pending.set(i, ask(i));
    yield [iterators[i][0], result.value];
  }
}

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// Three independent streams, as three teams might own them: orders,
// payments and shipping. Each has its own subjects, limits and retention,
// and none knows about the others. (Start clean: delete them first if an
// interrupted run left them.)
for (const [name, subject] of Object.entries(STREAMS)) {
  try {
    await jsm.streams.delete(name);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
  }
  await jsm.streams.add({ name, subjects: [subject] });
}

// Our service keeps a timeline of everything that happens to an order, so
// it creates one durable pull consumer per stream, all named `timeline`.
// Each consumer tracks its own position and acks, so the service can stop
// and resume every stream independently. `consume()` keeps pull requests
// open for its consumer and hands over messages as they come; nothing is
// published yet, so each starts out waiting.
const consumers = {};
const flows = [];
for (const name of Object.keys(STREAMS)) {
  await jsm.consumers.add(name, { durable_name: "timeline", ack_policy: AckPolicy.Explicit });
  consumers[name] = await js.consumers.get(name, "timeline");
  flows.push([name, await consumers[name].consume({ max_messages: 10 })]);
}

// Other services publish the life of order 1001 across the three streams,
// all at once.
const events = [
  ["orders.created", "order 1001 created"],
  ["payments.authorized", "order 1001: 42.00 EUR authorized"],
  ["orders.confirmed", "order 1001 confirmed"],
  ["shipping.packed", "order 1001 packed"],
  ["payments.captured", "order 1001: 42.00 EUR captured"],
  ["shipping.delivered", "order 1001 delivered"],
];
for (const [subject, text] of events) {
  await js.publish(subject, text);
}

// A single loop handles the merged flow, so the service's logic never has
// to care how many streams feed it. The ack goes back to the consumer of
// the stream the message came from. `deadline` fails the program if the
// six events take more than 5 s.
//
// What arrives in order, and what does not: each consumer delivers its
// stream in stream order, so within a stream the sequence numbers only go
// up. Between streams there is no order at all: three consumers deliver
// independently, and the merge takes whichever message is ready first. So
// the loop keeps what it needs per stream, and the printout groups by
// stream.
const handled = [];
await deadline((async () => {
  for await (const [stream, msg] of merge(flows)) {
    handled.push([stream, msg]);
    await msg.ackAck();
    if (handled.length === events.length) break;
  }
})(), 5000);
const byStream = ([a, x], [b, y]) => a.localeCompare(b) || x.seq - y.seq;
for (const [stream, msg] of [...handled].sort(byStream)) {
  console.log(`${stream.padEnd(8)} seq ${msg.seq}  ${msg.subject.padEnd(19)} ${msg.string()}`);
}

// When the order across streams matters, it has to come from the data.
// Every JetStream message carries the time its stream stored it;
// `msg.timestampNanos` gives it in nanoseconds, as a `bigint`: a plain
// number cannot hold today's count of nanoseconds exactly, and `msg.time`,
// a `Date`, rounds to the millisecond, too coarse for events stored
// together. With one publisher that waited for each acknowledgement, as
// here, those times put the events back in publishing order. (Events from
// several publishers need a timestamp or sequence of their own.)
console.log("timeline, by the time each stream stored the event:");
const stored = ([, x], [, y]) => (x.timestampNanos < y.timestampNanos ? -1 : x.timestampNanos > y.timestampNanos ? 1 : 0);
for (const [, msg] of [...handled].sort(stored)) {
  console.log(`  ${msg.subject.padEnd(19)} ${msg.string()}`);
}

// Stop consuming (`close` ends each flow and its pull requests), then check
// each consumer: everything delivered has been acknowledged and nothing is
// left pending.
for (const [, messages] of flows) {
  await messages.close();
}
for (const [name, consumer] of Object.entries(consumers)) {
  const info = await consumer.info();
  console.log(`${name} consumer: acked up to seq ${info.ack_floor.stream_seq}, pending ${info.num_pending}`);
}

// Clean up: deleting the streams deletes their consumers too.
for (const name of Object.keys(STREAMS)) {
  await jsm.streams.delete(name);
}
await nc.drain();
