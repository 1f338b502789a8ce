// Queue groups are part of core NATS: a subscription joins one with the
// `queue` option of `subscribe`. Besides `connect`, the core client
// exports two promise helpers used below: `deferred`, a promise you
// resolve from outside, and `deadline`, which rejects with a
// `TimeoutError` when a promise takes too long.
import { connect, deadline, deferred } from "@nats-io/transport-node";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");

// The workers handle messages in their own loops, so the main flow waits
// for them to catch up. `until(condition)` returns a promise that
// resolves once the condition holds; each loop calls `changed()` after it
// records a message, which checks the conditions waited on (resolving a
// promise that is already resolved does nothing). `deadline` bounds every
// wait at 5 seconds, so a lost message fails the program instead of
// hanging it.
const waiting = [];
function changed() {
  for (const { condition, done } of waiting) {
    if (condition()) done.resolve();
  }
}
function until(condition) {
  const done = deferred();
  waiting.push({ condition, done });
  changed();
  return deadline(done, 5000);
}

// Each worker would normally be its own process, so each gets its own
// connection here. The monitor and the publisher get one too.
const names = ["worker-1", "worker-2", "worker-3"];
const workers = new Map();
for (const name of names) {
  workers.set(name, await connect({ servers }));
}
const monitor = await connect({ servers });

// Bookkeeping: which worker handled which job, and what the monitor saw.
let handled = []; // [worker, job] pairs
const seen = [];

// Passing `queue: "workers"` makes the subscription a member of that
// queue group. All three members use the same subject and group name;
// that is all it takes to share the work. Each member reads its
// subscription in a `for await` loop that ends when the subscription is
// closed (by a drain, here).
//
// `flush` is a real round trip in nats.js: it queues a PING behind every
// command already waiting to be written, and resolves on the server's
// PONG. Since the server handles one connection's commands in order, once
// it resolves the server has registered the member.
const loops = [];
for (const [name, nc] of workers) {
  const sub = nc.subscribe("jobs", { queue: "workers" });
  loops.push((async () => {
    for await (const msg of sub) {
      handled.push([name, msg.string()]);
      changed();
    }
  })());
  await nc.flush();
}

// An ordinary subscription on the same subject is not affected by the
// group: it still receives every message. Typical uses are auditing or
// metrics next to the workers.
const watched = monitor.subscribe("jobs");
loops.push((async () => {
  for await (const msg of watched) {
    seen.push(msg.string());
    changed();
  }
})());
await monitor.flush();

// The publisher connects once everyone is listening. It publishes 30 jobs,
// then we wait until both the group and the monitor have received 30
// messages.
const publisher = await connect({ servers });
for (let i = 1; i <= 30; i++) {
  publisher.publish("jobs", `job-${i}`);
}
console.log("published 30 jobs");
await until(() => handled.length === 30 && seen.length === 30);

// Each job reached exactly one member: none is missing and none was
// handled twice. How many each worker got varies from run to run (the
// server picks a member at random), but every worker got a share and the
// shares add up. (With 30 jobs, the chance that one of three members gets
// none is about 1 in 60,000.)
const jobs = handled.map(([, job]) => job);
console.log(`queue group handled ${jobs.length} jobs, ${jobs.length - new Set(jobs).size} of them twice`);
const perWorker = new Map();
for (const [name] of handled) {
  perWorker.set(name, (perWorker.get(name) ?? 0) + 1);
}
console.log(`workers that got a share: ${perWorker.size} of ${workers.size}`);
const total = [...perWorker.values()].reduce((a, b) => a + b, 0);
console.log(`jobs per worker vary from run to run, but add up to ${total}`);

// The monitor, outside the group, got its own copy of every job. The
// server delivers each message once to every queue group and once to
// every plain subscription.
console.log(`monitor (no queue group) saw ${new Set(seen).size} jobs`);

// Now two workers shut down. Draining a connection unsubscribes, waits
// until every message the server sent before that has arrived, and closes
// the connection; the loop still gets the messages it had queued, then
// ends. The server forgets the membership as soon as the unsubscribe
// arrives.
for (const name of ["worker-2", "worker-3"]) {
  await workers.get(name).drain();
  console.log(`${name} stopped`);
}

// With one member left, the group keeps working: worker-1 gets every new
// job. Nothing had to be reconfigured; the server just has fewer members
// to choose from.
handled = [];
for (let i = 31; i <= 40; i++) {
  publisher.publish("jobs", `job-${i}`);
}
console.log("published 10 more jobs");
await until(() => handled.length === 10);
const byWorker1 = handled.filter(([name]) => name === "worker-1").length;
console.log(`worker-1 handled ${byWorker1} of them`);

// Drain the remaining connections; every loop then ends.
for (const nc of [publisher, monitor, workers.get("worker-1")]) {
  await nc.drain();
}
await Promise.all(loops);
