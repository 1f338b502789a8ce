// A consumer that requires acknowledgements delivers a message again until
// it is acknowledged. This program shows every way a worker can steer
// that, and what happens to a job that never succeeds. A `JsMsg` of
// `@nats-io/jetstream` answers a delivery with `ack`, `nak`, `working` or
// `term`; the consumer's configuration sets the retry policy. From the core
// client come `nanos` (JetStream durations are nanoseconds), `delay`, and
// `deferred`/`deadline` to wait for the dead-letter handler.
import { connect, deadline, deferred, delay, nanos } from "@nats-io/transport-node";
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

// Start clean: delete the streams if an interrupted run left them.
for (const stream of ["JOBS", "DEAD"]) {
  try {
    await jsm.streams.delete(stream);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
  }
}

// `JOBS` is a work queue, as in [Work-queue Stream](../workqueue-stream/index.md).
// `DEAD` is a plain stream that keeps the jobs nobody could do: the
// dead-letter queue, for a person or a repair job to look at later.
await jsm.streams.add({ name: "JOBS", subjects: ["jobs.>"], retention: RetentionPolicy.Workqueue });
await jsm.streams.add({ name: "DEAD", subjects: ["dead.>"] });

// The consumer's redelivery policy. `max_deliver: 3` caps the attempts per
// message. `backoff` spaces out redeliveries after an unanswered delivery:
// the first retry waits 1 s, every later one 2 s (the last step repeats).
// With a backoff, the server uses its first step as the ack wait and
// ignores `ack_wait`; without one, every redelivery waits `ack_wait`, 30 s
// by default.
await jsm.consumers.add("JOBS", {
  durable_name: "worker",
  ack_policy: AckPolicy.Explicit,
  max_deliver: 3,
  backoff: [nanos(1000), nanos(2000)],
});
const worker = await js.consumers.get("JOBS", "worker");
console.log("consumer worker: max_deliver=3, backoff=[1 s, 2 s]");

// `next` pulls one message, resolving to it or to `null` once `expires`
// (milliseconds, at least 1000) has passed. Each message says which attempt
// this is: `msg.info.deliveryCount`, parsed from the reply subject the
// server sent it with.
async function nextJob(consumer = worker, expires = 3000) {
  const msg = await consumer.next({ expires });
  return [msg, msg && `${msg.subject} delivery ${msg.info.deliveryCount}`];
}

// 1. `nak` says "not now": the job goes back to the consumer at once, or,
// given a delay in milliseconds, after that. Here the mail server the job
// needs is down, so the worker asks for it again in two seconds. A pull
// right away (the shortest nats.js allows, 1 s) finds nothing; the next
// one gets it back a second later. (A plain `nak` ignores the backoff; only
// a delivery left unanswered waits for it.)
await js.publish("jobs.1", "send invoice");
let [msg, attempt] = await nextJob();
console.log(`${attempt}: nak(2000), the mail server is down`);
msg.nak(2000);
[msg] = await nextJob(worker, 1000);
if (msg === null) console.log("jobs.1 fetch right after: nothing, the delay holds it back");
[msg, attempt] = await nextJob();
console.log(`${attempt}: ack`);
await msg.ackAck();

// 2. `working` says "still on it" (the protocol calls it in progress):
// each one restarts the ack wait. This job takes 2.5 s while the ack wait
// is 1 s, so the worker sends one every half second. Meanwhile a second
// worker pulling from the same consumer gets nothing: the job is not
// redelivered behind the first worker's back. (`working` may be sent any
// number of times; `ack`, `nak` and `term` end the delivery.)
await js.publish("jobs.2", "render video");
[msg, attempt] = await nextJob();
console.log(`${attempt}: 2.5 s of work, working() every 0.5 s`);
const second = await js.consumers.get("JOBS", "worker");
const meanwhile = nextJob(second, 2000);
for (let i = 0; i < 5; i++) {
  await delay(500);
  msg.working();
}
const [stolen] = await meanwhile;
console.log(`jobs.2 second worker meanwhile: ${stolen ? "got it: redelivered!" : "nothing"}`);
await msg.ackAck();
console.log("jobs.2 ack: done in one delivery");

// 3. `term` says "never again": the job can't succeed (its input is
// malformed), so the server must not redeliver it. On a work queue, `term`
// removes the message like an ack does, so a worker that wants to keep the
// job copies it to the dead-letter queue first.
await js.publish("jobs.3", "{malformed");
[msg, attempt] = await nextJob();
await js.publish("dead.jobs.3", msg.data);
msg.term();
console.log(`${attempt}: malformed, copied to dead.jobs.3, then term`);

// 4. A job that crashes its worker is never answered at all. The server
// redelivers it when the ack wait runs out, on the backoff schedule, until
// `max_deliver` is reached. Then it gives up on the message and publishes
// an *advisory*, a JSON event on
// `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`; the
// message itself stays in the stream. A dead-letter handler subscribes to
// the advisory, reads the job by its stream sequence, copies it to `DEAD`
// and deletes it from `JOBS`. (A core subscription misses advisories while
// the handler is down; a stream whose subjects include the advisory
// subject keeps them until it is back.)
const moved = deferred();
const advisories = nc.subscribe("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.JOBS.worker");
const deadLetters = (async () => {
  for await (const advisory of advisories) {
    const event = advisory.json();
    const job = await jsm.streams.getMessage("JOBS", { seq: event.stream_seq });
    console.log(`advisory: ${job.subject} (stream seq ${event.stream_seq}) gave up after ${event.deliveries} deliveries`);
    await js.publish(`dead.${job.subject}`, job.data);
    await jsm.streams.deleteMessage("JOBS", event.stream_seq);
    console.log(`${job.subject} copied to dead.${job.subject} and deleted from JOBS`);
    moved.resolve();
  }
})();
await nc.flush();

// The worker keeps pulling, as real workers do, and the deliveries come
// 1 s and then 2 s apart. The fourth pull gets nothing: the server gives up
// once the last delivery's ack wait (the last backoff step, 2 s) has run
// out. It does so while a pull request is waiting: nats-server 2.15 sent
// no advisory to a pull consumer nobody was pulling from.
await js.publish("jobs.4", "resize a 0-byte image");
let last = performance.now();
for (let n = 0; n < 4; n++) {
  [msg, attempt] = await nextJob(worker, 4000);
  if (msg === null) {
    console.log("jobs.4 next fetch: nothing, the server has given up on it");
    break;
  }
  const later = n ? `, ${Math.round((performance.now() - last) / 1000)} s later` : "";
  last = performance.now();
  console.log(`${attempt}${later}: no ack (the worker crashed)`);
}
await deadline(moved, 2000);

// What is left: nothing in the work queue, two jobs in the dead-letter
// queue.
const jobs = (await jsm.streams.info("JOBS")).state.messages;
const dead = await jsm.streams.info("DEAD", { subjects_filter: ">" });
console.log(`JOBS holds ${jobs} messages; DEAD holds ${Object.keys(dead.state.subjects).sort().join(", ")}`);

// Clean up: deleting the streams deletes the consumer too; draining the
// connection ends the dead-letter loop.
for (const stream of ["JOBS", "DEAD"]) {
  await jsm.streams.delete(stream);
}
await nc.drain();
await deadLetters;
