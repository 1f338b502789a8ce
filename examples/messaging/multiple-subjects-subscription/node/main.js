// This example needs only the core client. Merging subscriptions is plain
// JavaScript: each nats.js subscription is an async iterable, and an async
// generator can combine several of them into one.
import { connect } from "@nats-io/transport-node";

const STEPS = ["created", "paid", "shipped"];

// `merge` yields the messages of several async iterables as they arrive,
// whichever iterable they come from. It keeps one pending `next()` per
// source; `Promise.race` settles with the first of them to resolve, the
// message is yielded, and that source is asked for its next one. A source
// that is done (its subscription was closed) is dropped; the generator ends
// when none is left. If the loop reading it stops early with `break`, the
// generator simply stops asking.
async function* merge(...sources) {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const ask = (i) => iterators[i].next().then((result) => ({ i, result }));
  const pending = new Map(iterators.map((_, i) => [i, ask(i)]));
  while (pending.size > 0) {
    const { i, result } = await Promise.race(pending.values());
    if (result.done) {
      pending.delete(i);
      continue;
    }
    pending.set(i, ask(i));
    yield result.value;
  }
}

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });

// One subscription per subject. `flush` resolves on the server's answer to
// a PING written behind the three SUB commands, so by then the server
// knows all three.
const subjects = ["orders.created", "payments.received", "shipments.sent"];
const subs = subjects.map((subject) => nc.subscribe(subject));
await nc.flush();

// Meanwhile another service (here, one more connection) publishes the
// events of two orders, all at once.
//
// What NATS guarantees: the messages of one publisher reach each
// subscription in the order they were published. Nothing more: there is no
// order between different publishers, and none between subscriptions, so a
// payment may be handled ahead of the creation of its order, although it
// was published later. (Against one server, through one connection, they
// often do arrive in publishing order; the code below does not count on it,
// and the merge above makes no promise either.)
const events = [
  ["orders.created", "order-1"],
  ["orders.created", "order-2"],
  ["payments.received", "order-2"],
  ["payments.received", "order-1"],
  ["shipments.sent", "order-2"],
  ["shipments.sent", "order-1"],
];
const publisher = await connect({ servers });
for (const [subject, order] of events) {
  publisher.publish(subject, order);
}
console.log(`published ${events.length} events on ${subjects.length} subjects at once`);

// The single place where every message is handled: one `for await` loop
// over the merged subscriptions. Because the merged order is not promised,
// the state records which steps each order has passed, not just the last
// message seen, and the status is the furthest step. State from all three
// subjects lives in one place, with no locking needed since only this loop
// touches it. The loop keeps, per subject, the orders in the sequence they
// came, which is the order NATS does guarantee.
const stepOf = new Map(subjects.map((subject, i) => [subject, STEPS[i]]));
const passed = new Map();
const perSubject = new Map(subjects.map((subject) => [subject, []]));
let handled = 0;
for await (const msg of merge(...subs)) {
  handled += 1;
  const order = msg.string();
  if (!passed.has(order)) passed.set(order, new Set());
  passed.get(order).add(stepOf.get(msg.subject));
  perSubject.get(msg.subject).push(order);

  // A condition that depends on several subjects at once is easy here:
  // stop once every order heard of has passed all three steps.
  if ([...passed.values()].every((done) => done.size === STEPS.length)) {
    console.log(`every order created, paid and shipped after ${handled} messages, stopping`);
    break;
  }
}

for (const [subject, orders] of perSubject) {
  console.log(`${subject.padEnd(18)} in publishing order: ${orders.join(", ")}`);
}
const furthest = (done) => STEPS.filter((step) => done.has(step)).pop();
const status = [...passed].sort(([a], [b]) => a.localeCompare(b));
console.log(`final status: ${status.map(([order, done]) => `${order}=${furthest(done)}`).join(", ")}`);

// Draining the connections ends the three subscriptions (and with them
// the `next()` calls the merge left pending) and closes both connections.
await publisher.drain();
await nc.drain();
