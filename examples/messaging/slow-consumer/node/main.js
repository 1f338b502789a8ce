// Core NATS does not wait for slow subscribers. When messages arrive faster
// than a subscriber takes them, they pile up in the client. Many clients
// cap that pile and drop what does not fit; nats.js does not: a
// subscription's queue grows as far as memory allows, and the `slow`
// option of `subscribe` only makes the connection's `status()` report a
// *slow consumer* when the queue passes a threshold. `deferred` and
// `deadline` let the program wait for the subscriber with a time limit.
import { connect, deadline, deferred } from "@nats-io/transport-node";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const publisher = await connect({ servers });

// Slow-consumer notices are not an error of any call: they are events on
// the connection's `status()`, `{ type: "slowConsumer", sub, pending }`.
// This loop only collects them, and resolves `noticed` at the first one
// (a real loop would log or raise an alarm). Status events reach the loop
// a little after the client notes them, so the program waits for that
// promise rather than looking right away.
const notices = [];
const noticed = deferred();
const events = (async () => {
  for await (const status of nc.status()) {
    if (status.type === "slowConsumer") {
      notices.push(status);
      noticed.resolve();
    }
  }
})();

// The subscriber is stuck on its first message until we let it go, like a
// handler waiting on a slow database. A `for await` loop asks for the next
// message only when its body is done, so while it waits, new messages
// queue up in the subscription. `slow: 10` asks for a notice when more
// than 10 are waiting; nats.js sends one each time the queue crosses that
// line, not one per message. `until` waits until a condition on what was
// handled holds, checked after every message, for at most 5 s.
const handled = [];
const busy = deferred();
const goOn = deferred();
const waiting = [];
function until(condition) {
  const done = deferred();
  waiting.push({ condition, done });
  return deadline(done, 5000);
}
const sub = nc.subscribe("sensor.readings", { slow: 10 });
const reader = (async () => {
  for await (const msg of sub) {
    handled.push(msg.string());
    busy.resolve();
    await goOn;
    waiting.forEach(({ condition, done }) => condition() && done.resolve());
  }
})();
await nc.flush();

// Reading 1 reaches the loop, which is now busy. Then 100 more readings
// arrive at once. A flush on each connection makes sure all of them have
// reached the subscriber before we look: the publisher's, that the server
// has them; the subscriber's, that the server's answer came after them.
publisher.publish("sensor.readings", "1");
await deadline(busy, 5000);
for (let i = 2; i <= 101; i++) {
  publisher.publish("sensor.readings", String(i));
}
await publisher.flush();
await nc.flush();

// All 100 wait in the subscription (`getPending` counts what was received
// and not yet taken by the loop): nothing was dropped. The one notice came
// when the eleventh was queued, and names the subscription.
console.log("handler busy with reading 1; 100 more published");
console.log(`pending: ${sub.getPending()} messages`);
await deadline(noticed, 2000);
const [first] = notices;
console.log(
  `slow consumer notices: ${notices.length}, subject ${first.sub.getSubject()}, ` +
    `when ${first.pending} messages were pending`,
);

// Once the loop is free it works through everything that was kept, all
// 101 readings, in order.
goOn.resolve();
await until(() => handled.length === 101);
console.log(`handled ${handled.length} of 101: ${handled[0]} to ${handled.at(-1)}`);

// A slow consumer is not an error of the subscription: it keeps working,
// and a reading published now arrives as usual.
publisher.publish("sensor.readings", "102");
await until(() => handled.length === 102);
console.log(`still subscribed: reading ${handled.at(-1)} handled`);

// Without a limit in the client, a subscriber that never catches up makes
// its process grow until it runs out of memory. The cure is a subscriber
// that keeps up on average: faster handling, several members of a queue
// group sharing the load, or a JetStream consumer, which holds messages on
// the server until they are asked for.
//
// The server has a limit of its own, per connection: a client that does
// not read its socket fast enough, so that more than `max_pending` (64 MiB
// by default) piles up for it, is disconnected as a slow consumer. In
// Node.js that happens when the event loop is blocked, by CPU-heavy or
// synchronous code, since the same loop reads the socket.
await publisher.drain();
await nc.drain();
await Promise.all([reader, events]);
