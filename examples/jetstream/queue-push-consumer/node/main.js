// A push consumer with a *deliver group* spreads its messages over several
// subscribers, like a core NATS queue group, but with JetStream's storage
// and acknowledgements behind it. Like every push consumer this is the
// older design (new code shares work by pulling from one consumer), and
// `@nats-io/jetstream` reads it the same way as a plain push consumer:
// `getPushConsumer` and `consume()`. `deferred` and `deadline` from the core
// client let the program wait for the workers with a time limit, and
// `syncIterator` reads one message of a plain subscription.
import { connect, deadline, deferred, syncIterator } from "@nats-io/transport-node";
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

// Start clean: delete the stream if an interrupted run left it. Then
// create a stream for orders.
try {
  await jsm.streams.delete("ORDERS");
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}
await jsm.streams.add({ name: "ORDERS", subjects: ["orders.>"] });

// The consumer is durable and names a `deliver_group`: the server pushes
// each message to `deliver_subject` as a queue-group delivery, so exactly
// one subscriber in the group `processors` gets it.
await jsm.consumers.add("ORDERS", {
  durable_name: "processors",
  deliver_subject: "deliver.processors",
  deliver_group: "processors",
  ack_policy: AckPolicy.Explicit,
});

// Each worker counts the orders it handles, and we count how often each
// order was handled in total, to check that no order is processed twice.
// `until(condition)` resolves once the condition holds, checked each time
// a worker calls `changed()`; `deadline` fails the wait after 5 seconds.
const perWorker = new Map();
const perOrder = new Map();
const waiting = [];
const changed = () => waiting.forEach(({ condition, done }) => condition() && done.resolve());
function until(condition) {
  const done = deferred();
  waiting.push({ condition, done });
  changed();
  return deadline(done, 5000);
}
const handled = () => [...perOrder.values()].reduce((a, b) => a + b, 0);

// Every call to `consume()` on this consumer subscribes to its delivery
// subject with the consumer's deliver group as the queue, so each worker
// joins the group. (One handle consumes once at a time, so each worker gets
// its own handle.) A worker is a `for await` loop that acknowledges each
// order; it ends when its messages are closed.
const workers = new Map();
const loops = [];
for (const name of ["worker-1", "worker-2", "worker-3"]) {
  perWorker.set(name, 0);
  const messages = await (await js.consumers.getPushConsumer("ORDERS", "processors")).consume();
  workers.set(name, messages);
  loops.push((async () => {
    for await (const msg of messages) {
      perWorker.set(name, perWorker.get(name) + 1);
      perOrder.set(msg.subject, (perOrder.get(msg.subject) ?? 0) + 1);
      msg.ack();
      changed();
    }
  })());
}
await nc.flush();

// Publish 30 orders and wait for the group to handle them. Which worker gets
// which order is up to the server and changes from run to run, so we print
// totals: every order handled exactly once, and every worker got a share.
for (let i = 1; i <= 30; i++) {
  await js.publish(`orders.${i}`, `order ${i}`);
}
await until(() => handled() === 30);
console.log(`handled ${handled()} orders, ${perOrder.size} distinct`);
console.log(`orders handled more than once: ${[...perOrder.values()].filter((n) => n > 1).length}`);
console.log(`workers that got a share: ${[...perWorker.values()].filter((n) => n > 0).length} of 3`);

// Scaling down is just leaving the group. `close()` stops worker-3's
// messages: its loop finishes what it already holds, then nats.js
// unsubscribes, and the flush makes sure the server knows before new orders
// arrive. (An order that still reached worker-3 after that would go
// unacknowledged and be redelivered to the group after the ack wait.) The
// two remaining workers take all of the 20 new orders.
await workers.get("worker-3").close();
workers.delete("worker-3");
await nc.flush();
const worker3Before = perWorker.get("worker-3");
for (let i = 31; i <= 50; i++) {
  await js.publish(`orders.${i}`, `order ${i}`);
}
await until(() => handled() === 50);
console.log(`after worker-3 left: handled ${handled()} orders, ${perOrder.size} distinct`);
console.log(`new orders taken by worker-3: ${perWorker.get("worker-3") - worker3Before}`);

// The consumer itself is an ordinary durable consumer with a deliver group.
// Every stored order has been delivered, none is pending.
const info = await jsm.consumers.info("ORDERS", "processors");
console.log(
  `consumer ${info.name}: deliver_group=${info.config.deliver_group} ` +
    `delivered=${info.delivered.stream_seq} num_pending=${info.num_pending}`,
);

// nats.js never attaches to this consumer outside the group: every
// `consume()` joins it. But the server does not check who listens on the
// delivery subject. A plain core subscription there is an ordinary
// subscriber of a published message, so it gets a copy of every order
// besides the one group member; keep delivery subjects private (with
// permissions) when that matters.
const outsider = syncIterator(nc.subscribe("deliver.processors", { max: 1 }));
await nc.flush();
await js.publish("orders.51", "order 51");
const copy = await deadline(outsider.next(), 5000);
console.log(`outsider on deliver.processors got a copy of ${copy.subject}`);
await until(() => handled() === 51);

// Clean up: stop the workers, then delete the stream, which deletes the
// consumer too.
for (const messages of workers.values()) {
  await messages.close();
}
await Promise.all(loops);
await jsm.streams.delete("ORDERS");
await nc.drain();
