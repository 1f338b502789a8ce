// A *work-queue* stream hands each message to exactly one consumer and
// deletes it once that consumer acknowledges it. Besides the core
// connection this uses `@nats-io/jetstream`: the manager for the stream and
// its consumers, the client for publishing and fetching, the
// `RetentionPolicy` and `AckPolicy` enums, and `JetStreamApiError`, the
// error class of every call the server refuses.
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

// Start clean: delete the stream if an interrupted run left it.
try {
  await jsm.streams.delete("JOBS");
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) {
    throw err;
  }
}

// After each step, print a summary of the stream: how many jobs it still
// holds and the range of sequence numbers they span.
async function show(label) {
  const s = (await jsm.streams.info("JOBS")).state;
  console.log(`${label.padEnd(26)} messages=${s.messages} first_seq=${s.first_seq} last_seq=${s.last_seq}`);
}

// Create the stream with work-queue retention. It behaves like a durable
// job queue: producers publish jobs, and a job stays in the stream until a
// worker acknowledges it, then it is gone for good.
await jsm.streams.add({
  name: "JOBS",
  subjects: ["jobs.>"],
  retention: RetentionPolicy.Workqueue,
});

// Queue six jobs of two kinds. Unlike an interest stream, a work queue
// keeps messages while no consumer exists yet: the jobs wait for a worker
// to show up.
for (let i = 1; i <= 3; i++) {
  await js.publish(`jobs.email.${i}`, `send email ${i}`);
  await js.publish(`jobs.resize.${i}`, `resize image ${i}`);
}
await show("6 jobs queued:");

// A durable consumer filtered on `jobs.email.>` takes the email jobs; the
// manager creates it, and `js.consumers.get` returns the handle a worker
// reads from. Each acknowledgement deletes the job from the stream;
// `ackAck` resolves once the server confirms it, so the state printed next
// is exact.
async function addConsumer(name, filter) {
  await jsm.consumers.add("JOBS", {
    durable_name: name,
    filter_subject: filter,
    ack_policy: AckPolicy.Explicit,
  });
  return js.consumers.get("JOBS", name);
}

const email = await addConsumer("email", "jobs.email.>");
for await (const msg of await email.fetch({ max_messages: 3, expires: 1000 })) {
  console.log(`email worker did ${msg.subject}: ${msg.string()}`);
  await msg.ackAck();
}
await show("email jobs acked:");

// Each message may belong to only one consumer, so the server refuses a
// second consumer whose filter overlaps an existing one. `jobs.>` would
// also match the email jobs, and creating it rejects with a
// `JetStreamApiError` whose message is the server's description.
try {
  await addConsumer("everything", "jobs.>");
} catch (err) {
  if (!(err instanceof JetStreamApiError)) throw err;
  console.log(`consumer 'everything' on jobs.> rejected: ${err.message}`);
}

// A filter that does not overlap is fine. The resize worker fetches its
// three jobs but acknowledges only two: a message that was delivered and
// not acknowledged stays in the stream, to be delivered again once its ack
// wait runs out. A worker can also act sooner: ask for redelivery
// (`msg.nak()`, optionally after a delay in milliseconds), ask for more time
// (`msg.working()`) or give up on the job (`msg.term()`). The Redelivery
// example shows each of them, and how `max_deliver` stops a job that keeps
// failing.
const resize = await addConsumer("resize", "jobs.resize.>");
const msgs = [];
for await (const msg of await resize.fetch({ max_messages: 3, expires: 1000 })) {
  msgs.push(msg);
}
for (const msg of msgs.slice(0, 2)) {
  console.log(`resize worker did ${msg.subject}: ${msg.string()}`);
  await msg.ackAck();
}
await show("2 of 3 resize jobs acked:");

// Acknowledging the last job empties the queue.
console.log(`resize worker did ${msgs[2].subject}: ${msgs[2].string()}`);
await msgs[2].ackAck();
await show("all jobs acked:");

// Clean up: deleting the stream deletes its consumers too.
await jsm.streams.delete("JOBS");
await nc.drain();
