// Besides `connect`, this example uses two promise helpers of the core
// client: `delay` (a promise that resolves after some milliseconds) and
// `deadline` (rejects with a `TimeoutError` if a promise takes too long).
import { connect, deadline, delay } from "@nats-io/transport-node";

// Four jobs and how long each takes to process, in seconds. A `delay`
// stands in for I/O such as a database query; the jobs are deliberately not
// in order of duration.
const JOBS = new Map([["job-1", 0.4], ["job-2", 0.1], ["job-3", 0.3], ["job-4", 0.2]]);
const durations = [...JOBS.values()];

// The total time, in words. The two cases to tell apart are "the sum of the
// durations" (one job after another) and "the longest job" (all at once).
// The program prints which one the measurement matches, rather than the
// milliseconds, so its output is the same on every run.
function describe(elapsed) {
  const cases = [
    ["the sum of the durations", durations.reduce((a, b) => a + b, 0)],
    ["the longest job", Math.max(...durations)],
  ];
  for (const [name, value] of cases) {
    if (Math.abs(elapsed - value) < 0.15) return `${value.toFixed(1)} s, ${name}`;
  }
  return `${elapsed.toFixed(2)} s`;
}

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });

// The work itself, shared by both ways of reading: an async function that
// waits as long as the job takes, then prints its name.
async function processJob(msg) {
  const job = msg.string();
  await delay(JOBS.get(job) * 1000);
  console.log(`  ${job} done (${JOBS.get(job)} s of work)`);
}

// Sequential: the loop awaits the work. A `for await` loop asks the
// subscription for the next message only when its body is finished, so the
// jobs run one after another, in the order they were published, and the
// total is the sum of all durations. Messages that arrive meanwhile wait in
// the subscription's queue.
async function sequential(sub) {
  for await (const msg of sub) {
    await processJob(msg);
  }
}

// Concurrent: the loop starts the work and goes straight on to the next
// message, so the waits overlap. Keep every promise you start: you have to
// wait for them before shutting down, and a promise that rejects with
// nobody handling it is an "unhandled rejection", which ends a Node.js
// process. When the loop ends, `Promise.all` waits for the jobs still
// running.
//
// In a real service, bound the number of jobs in flight so a burst of
// messages cannot start thousands at once. And the overlap only helps with
// waiting: JavaScript code itself still runs one piece at a time on the
// event loop.
async function concurrent(sub) {
  const running = [];
  for await (const msg of sub) {
    running.push(processJob(msg));
  }
  await Promise.all(running);
}

// (A subscription with a `callback` option behaves like the concurrent
// loop without the bookkeeping: nats.js calls the callback for each
// message as it arrives and does not wait for a promise it returns.)
//
// Run the same four jobs through each way of reading and time them from
// the first publish until the last job has finished. The `max` option
// unsubscribes automatically after that many messages, which ends the
// loop once all four have arrived. `deadline` bounds the whole round, so a
// lost message fails the program instead of hanging it.
for (const [name, reader] of [["sequential", sequential], ["concurrent", concurrent]]) {
  console.log(`${name}:`);
  const sub = nc.subscribe(`work.${name}`, { max: JOBS.size });
  const done = reader(sub);
  const start = performance.now();
  for (const job of JOBS.keys()) {
    nc.publish(`work.${name}`, job);
  }
  await deadline(done, 5000);
  const elapsed = (performance.now() - start) / 1000;
  console.log(`  all ${sub.getProcessed()} jobs in ${describe(elapsed)}`);
}

// What to notice: sequentially the jobs finish in publish order and the
// total is the sum (0.4 + 0.1 + 0.3 + 0.2 = 1.0 s). Concurrently they
// finish shortest first, and the total is that of the longest job (0.4 s).
// The price is that completion order no longer follows publish order.
await nc.drain();
