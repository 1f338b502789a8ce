// Scatter-gather needs only core NATS. nats.js has it built in:
// `requestMany` publishes one request and hands back every reply as an
// async iterable. `delay` is a promise that resolves after some
// milliseconds, and `NoRespondersError` is what the gathering rejects with
// when nobody at all listens on the subject.
import { connect, delay, Empty, NoRespondersError } from "@nats-io/transport-node";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const shops = await connect({ servers });

// Four shops answer price requests on `quote.coffee`. They use plain
// subscriptions, not a queue group, so every one of them receives each
// request. (They share one connection here; they could just as well be four
// separate programs.) Each takes a different time to answer; `slow-brew` is
// so slow that it will miss the requester's deadline.
//
// Each shop is a `for await` loop over its subscription, so it answers its
// requests one at a time, in order; `await delay(...)` stands in for the
// work of finding a price.
const prices = [
  ["cafe-corner", 50, "3.40"],
  ["daily-grind", 100, "2.90"],
  ["bean-barn", 200, "3.10"],
  ["slow-brew", 1000, "2.50"],
];
const loops = prices.map(([name, ms, price]) => {
  const sub = shops.subscribe("quote.coffee");
  return (async () => {
    for await (const msg of sub) {
      await delay(ms);
      msg.respond(`${name} ${price}`);
    }
  })();
});

// `flush` resolves on the server's answer to a PING queued behind the
// subscriptions, so by then the server knows all four shops.
await shops.flush();

// The requester is a separate client with its own connection.
const client = await connect({ servers });

// The gather side. `requestMany` publishes the request with a reply subject
// of its own, an inbox only this connection listens on, so the replies of
// every shop come back to it. It resolves to an async iterable: a
// `for await` loop reads the replies as they arrive and ends when the
// chosen strategy says the gathering is over:
//
// - `"timer"`: after `maxWait` milliseconds, however many replies came.
// - `"count"`: after `maxMessages` replies (or `maxWait`, if sooner).
//
// The inbox subscription is in place before the request is published (both
// go out on this connection, in that order), so no early reply is missed.
// If nobody at all is subscribed to the subject, the server says so at once
// with a "no responders" status on the inbox, and the loop throws a
// `NoRespondersError` instead of waiting out `maxWait`.
async function scatterGather(subject, options) {
  const replies = [];
  try {
    for await (const msg of await client.requestMany(subject, Empty, options)) {
      replies.push(msg.string().split(" "));
    }
  } catch (err) {
    if (!(err instanceof NoRespondersError)) throw err;
    console.log(`nobody answers ${subject}: no responders`);
  }
  // When the loop ends, nats.js stops listening for this request. Any reply
  // that arrives later is dropped.
  return replies;
}

// First round: wait 500 ms and take whatever has arrived. Three shops make
// it; `slow-brew` does not, and the requester does not wait for it. Replies
// arrive in whatever order the shops finish, so sort them before printing.
let quotes = await scatterGather("quote.coffee", { strategy: "timer", maxWait: 500 });
console.log(`gathered ${quotes.length} quotes before the deadline:`);
quotes.sort(([a], [b]) => a.localeCompare(b));
for (const [name, price] of quotes) {
  console.log(`  ${name}: ${price}`);
}
const [cheapest] = [...quotes].sort(([, a], [, b]) => Number(a) - Number(b));
console.log(`cheapest: ${cheapest[0]} at ${cheapest[1]}`);

// Second round: stop as soon as two replies are in. This trades
// completeness for latency, for example when any two answers are enough to
// go on. The two fastest shops answer first.
quotes = await scatterGather("quote.coffee", { strategy: "count", maxMessages: 2, maxWait: 500 });
const firstTwo = quotes.map(([name]) => name).sort();
console.log(`gathered the first ${quotes.length} quotes: ${firstTwo.join(", ")}`);

// Third round: no shop sells tea. Instead of waiting out the deadline, the
// gatherer learns at once that nobody is listening.
quotes = await scatterGather("quote.tea", { strategy: "timer", maxWait: 500 });
console.log(`gathered ${quotes.length} tea quotes`);

// Draining the shops' connection ends their subscriptions once every
// request the server sent them is in the client, then closes the
// connection; it does not wait for the loops. `slow-brew`'s loop still
// works through its two late requests afterwards, and its answers go
// nowhere: `msg.respond` on a closed connection drops the reply without an
// error (nobody is waiting for it anyway). Awaiting the loops lets the
// program end only when they have.
await client.drain();
await shops.drain();
await Promise.all(loops);
