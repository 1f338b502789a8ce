// The core NATS client for Node.js is the `@nats-io/transport-node`
// package: `connect` opens a connection over TCP, and the package also
// carries the small helpers of the core client used below. Everything it
// does on the network is asynchronous, so each call returns a promise, and
// this ES module simply awaits them at the top level.
import { connect, deadline, syncIterator } from "@nats-io/transport-node";

// Read the server list from `NATS_URL` (comma-separated), or use a local
// server on the default port.
const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");

// In a real system the publisher and each subscriber are separate programs,
// and nothing below changes when they are. One connection plays every role
// here because it makes the timing exact: the client writes commands to
// the socket in the order the program issued them, and the server handles
// one connection's commands in that order too. If the server cannot be
// reached, the promise rejects and the program stops with that error.
const nc = await connect({ servers });

// Publish before anybody has subscribed. `publish` does not wait for
// anything: it queues the message for the socket and returns at once. The
// server finds no interest in `weather.oslo` and drops the message, and the
// publisher is never told: core NATS delivers at most once, to whoever is
// listening at that moment. A string payload is sent as its UTF-8 bytes.
nc.publish("weather.oslo", "12°C fog");
console.log("published weather.oslo: 12°C fog (nobody subscribed yet)");

// Subscriber A subscribes. `subscribe` returns a subscription at once; it is
// an async iterable of messages, usually consumed with `for await`. To read
// one message at a time instead, `syncIterator` wraps it in an object whose
// `next()` resolves to the next message.
const subA = nc.subscribe("weather.oslo");
const messagesA = syncIterator(subA);

// Did the earlier message wait for A? `flush` sends a ping and resolves on
// the server's pong; since the server answers in order, by then it has
// registered A and sent A anything it had for it. `getReceived` counts the
// messages that reached A: none. A subscriber only sees what is published
// after it subscribed; to read what was sent while you were away, store
// messages in a JetStream stream.
await nc.flush();
if (subA.getReceived() === 0) {
  console.log("subscriber A: nothing received");
}

// A message published now reaches A. `deadline` bounds the wait: if no
// message arrived within a second, it would reject with a timeout error
// instead of letting the program hang. `msg.string()` decodes the payload
// as UTF-8.
nc.publish("weather.oslo", "14°C rain");
console.log("published weather.oslo: 14°C rain");
let msg = await deadline(messagesA.next(), 1000);
console.log(`subscriber A received ${msg.subject}: ${msg.string()}`);

// Subscriber B subscribes to the same subject. Now one publish is delivered
// to both subscriptions, each getting its own copy. This fan-out lets one
// event feed a dashboard, an alerting service and an archive at once, and
// the publisher knows none of them.
const subB = nc.subscribe("weather.oslo");
const messagesB = syncIterator(subB);

nc.publish("weather.oslo", "16°C sun");
console.log("published weather.oslo: 16°C sun");
for (const [name, messages] of [["A", messagesA], ["B", messagesB]]) {
  msg = await deadline(messages.next(), 1000);
  console.log(`subscriber ${name} received ${msg.subject}: ${msg.string()}`);
}

// `drain` unsubscribes, lets messages already on their way be handled,
// flushes what is still queued for the server, and closes the connection.
// Once it resolves nothing keeps Node's event loop busy, so the process
// exits.
await nc.drain();
