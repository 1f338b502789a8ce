// With a pull consumer, `fetch` (and its one-message form, `next`) is how
// messages get to the application. How long it waits and what it returns
// depend on what the stream holds, so this program times every call with
// `performance.now()`. Both come from the `Consumer` handle of
// `@nats-io/jetstream`; `delay` from the core client schedules a publish.
import { connect, delay } from "@nats-io/transport-node";
import {
  AckPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";

// How long a call waited, in words: "at once", or "after the whole
// timeout". The program prints the words rather than the milliseconds, so
// its output is the same on every run; anything else would show up as a
// measured time.
function waited(start, timeout) {
  const elapsed = (performance.now() - start) / 1000;
  if (elapsed < 0.2) return "at once";
  if (timeout - 0.05 < elapsed && elapsed < timeout + 0.3) return `after the whole ${timeout} s timeout`;
  return `after ${elapsed.toFixed(2)} s`;
}

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

// A backlog of seven messages, and a durable pull consumer to read it.
await jsm.streams.add({ name: "TASKS", subjects: ["tasks.>"] });
for (let i = 1; i <= 7; i++) {
  await js.publish(`tasks.${i}`, `task ${i}`);
}
await jsm.consumers.add("TASKS", { durable_name: "worker", ack_policy: AckPolicy.Explicit });
const worker = await js.consumers.get("TASKS", "worker");

// `fetch` sends one pull request for up to `max_messages` and resolves to
// an async iterable of what the server sends back. The request waits at
// the server until the batch is full or `expires` (milliseconds, at least
// 1000 in nats.js) runs out, and nats.js has no "return what is there"
// option. So the first two batches come back at once, full; the third asks
// for 3 while only 1 is left, and ends with that one only when `expires`
// runs out. The fourth finds nothing and ends empty, without an error: the
// signal to stop. (To avoid waiting on a partial batch, read
// `msg.info.pending`, the number of messages still waiting after this one,
// and ask for no more.)
for (let n = 1; n <= 5; n++) {
  const start = performance.now();
  const msgs = [];
  for await (const msg of await worker.fetch({ max_messages: 3, expires: 1000 })) {
    msgs.push(msg);
    msg.ack();
  }
  if (msgs.length === 0) {
    console.log(`fetch #${n}: nothing, ${waited(start, 1)}: backlog done`);
    break;
  }
  console.log(`fetch #${n}: ${msgs.length} ${waited(start, 1)}: ${msgs.map((m) => m.subject).join(", ")}`);
}

// A plain timeout cannot tell "no messages" apart from "the server or the
// connection is gone". Every nats.js fetch therefore asks the server for
// idle heartbeats while its request waits (by default every half
// `expires`). They never reach your loop; they show up on the batch's
// `status()`, an async iterable of notifications. If they stop coming, the
// loop throws a `JetStreamError` ("heartbeats missed") instead of ending
// quietly, so an empty batch that ends without an error means the consumer
// is alive and simply has nothing for you.
const start = performance.now();
const batch = await worker.fetch({ max_messages: 3, expires: 1000, idle_heartbeat: 500 });
let heartbeats = 0;
(async () => {
  for await (const status of batch.status()) {
    if (status.type === "heartbeat") heartbeats += 1;
  }
})();
for await (const msg of batch) {
  console.log(`unexpected ${msg.subject}`);
}
if (heartbeats > 0) {
  console.log(`fetch with heartbeat: ${waited(start, 1)}: server alive, no messages`);
}

// A pull request is also a long poll: it waits at the server until a
// message comes. To show it, a second worker gets the same durable consumer
// (any number of workers may pull from one consumer, sharing its
// messages) and calls `next`, which fetches a single message and resolves
// to it, or to `null` when `expires` runs out. It starts on an empty
// consumer, a message is published 0.3 s later, and `next` resolves as
// soon as it arrives instead of after its 2 s: timed from the publish, at
// once.
const second = await js.consumers.get("TASKS", "worker");
const publisher = delay(300).then(async () => {
  await js.publish("tasks.8", "task 8");
  return performance.now();
});
const msg = await second.next({ expires: 2000 });
const when = waited(await publisher, 2);
console.log(`second worker, next(): ${msg.subject} published 0.3 s in, returned ${when}`);
await msg.ackAck();

// Clean up: deleting the stream deletes the consumer too.
await jsm.streams.delete("TASKS");
await nc.drain();
