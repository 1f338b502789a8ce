// Wildcards are part of core NATS: the server does the matching, so the
// core client, `@nats-io/transport-node`, is all this needs.
import { connect } from "@nats-io/transport-node";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });

// Four subscriptions, each with a different pattern:
//
// - `orders.*`: `orders` followed by exactly one more token.
// - `orders.*.shipped`: a `*` can stand in the middle, here for a region.
// - `orders.>`: everything below `orders`, however deep.
// - `*.eu.>`: wildcards combine; any first token, then `eu`, then at
//   least one more token.
const patterns = ["orders.*", "orders.*.shipped", "orders.>", "*.eu.>"];

// Each subscription is an async iterable of messages, read here by its own
// `for await` loop, started without awaiting it so that all four run side
// by side. A loop records the subjects it was given: `msg.subject` is the
// concrete subject the message was published to, not the pattern, so a
// wildcard subscriber can tell the messages apart. A loop ends when its
// subscription is closed, and we keep its promise to wait for that.
const received = new Map(patterns.map((pattern) => [pattern, new Set()]));
const loops = patterns.map(async (pattern) => {
  for await (const msg of nc.subscribe(pattern)) {
    received.get(pattern).add(msg.subject);
  }
});

// Publish one message to each subject. The server compares each subject
// with every pattern and delivers a copy to each subscription that
// matches. A subject may match several patterns, or none at all. The
// subscriptions were sent to the server before these messages on the same
// connection, so the server knows all of them by the time they arrive.
const subjects = [
  "orders",
  "orders.new",
  "orders.eu.shipped",
  "orders.us.shipped",
  "orders.eu.paris.shipped",
];
for (const subject of subjects) {
  nc.publish(subject);
}

// `drain` unsubscribes every subscription, lets each one deliver what had
// already arrived, then closes the connection. Each loop ends as its
// subscription closes, so once all four promises settle the results are
// complete.
await nc.drain();
await Promise.all(loops);

// Print one row per subject and one column per subscription. Notice:
//
// - `orders` matches nothing: `*` and `>` both need at least one token.
// - `orders.eu.paris.shipped` has one token too many for
//   `orders.*.shipped`; a `*` never spans two tokens.
// - Only `orders.>` sees every order event.
const width = Math.max(...subjects.map((s) => s.length)) + 2;
const row = (first, cells) => (first.padEnd(width) + cells.map((c) => c.padEnd(18)).join("")).trimEnd();
console.log(row("subject", patterns));
for (const subject of subjects) {
  console.log(row(subject, patterns.map((p) => (received.get(p).has(subject) ? "yes" : "-"))));
}
