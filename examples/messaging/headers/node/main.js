// Headers are part of core NATS (servers 2.2 and later). In nats.js they
// are a `MsgHdrs` object, made by the `headers()` function of the core
// client, `@nats-io/transport-node`.
import { connect, deadline, headers, syncIterator } from "@nats-io/transport-node";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });

const sub = nc.subscribe("orders.new");
const orders = syncIterator(sub);

// `headers()` returns an empty, mutable set of headers; `set` gives a name
// one value. They travel in the `headers` option of `publish`. Here they
// say how to decode the payload and which order it is about, so a consumer
// can route or log the message without parsing the body.
let h = headers();
h.set("Content-Type", "application/json");
h.set("Order-Id", "42");
nc.publish("orders.new", JSON.stringify({ item: "coffee", quantity: 2 }), { headers: h });

// On the receiving side `msg.headers` is a `MsgHdrs` again. It is
// iterable, as `[name, values]` pairs in the order they were sent, since a
// name may carry several values. Names are kept exactly as sent, and
// `get`, `has` and `values` compare them exactly unless you pass a `Match`
// mode (`Match.IgnoreCase`, `Match.CanonicalMIME`); simplest is to agree
// on one spelling (`Order-Id`, not `order-id`) across your services.
let msg = await deadline(orders.next(), 1000);
console.log(`received ${msg.subject} with headers:`);
for (const [name, values] of msg.headers) {
  console.log(`  ${name}: ${values.join(", ")}`);
}
console.log(`payload: ${msg.string()}`);

// A message published without headers has `msg.headers` set to
// `undefined`, not to an empty `MsgHdrs`. Use optional chaining,
// `msg.headers?.get(...)`, when headers are optional. (A `MsgHdrs` that
// lacks a name answers `get` with an empty string, not `undefined`.)
nc.publish("orders.new", "{}");
msg = await deadline(orders.next(), 1000);
console.log(`received without headers: msg.headers is ${msg.headers}`);

// Headers work on requests and replies too. A common use is a trace ID
// that every service copies along, so one request can be followed through
// the logs of many services. `request` takes a `headers` option, and
// `msg.respond` does as well: a reply carries only the headers you give
// it, so the service copies the trace ID over itself.
const pricing = nc.subscribe("price.coffee");
const service = (async () => {
  for await (const req of pricing) {
    const traceId = req.headers?.get("Trace-Id") ?? "";
    console.log(`service saw Trace-Id: ${traceId}`);
    const out = headers();
    out.set("Trace-Id", traceId);
    out.set("Served-By", "pricing-1");
    req.respond("3.50", { headers: out });
  }
})();

h = headers();
h.set("Trace-Id", "trace-7f3a");
const reply = await nc.request("price.coffee", "", { timeout: 1000, headers: h });
console.log(`reply: ${reply.string()}`);
const shown = [...reply.headers].map(([name, values]) => `${name}: ${values.join(", ")}`);
console.log(`reply headers: ${shown.join(", ")}`);

// The NATS protocol lets a header name appear more than once, and nats.js
// keeps every value: `append` adds one more value under a name (where `set`
// replaces them), and `values` returns them all, in order, while `get`
// returns only the first.
h = headers();
h.append("Tags", "fragile");
h.append("Tags", "gift");
nc.publish("orders.new", "{}", { headers: h });
msg = await deadline(orders.next(), 1000);
const tags = msg.headers.values("Tags");
console.log(`Tags has ${tags.length} values: ${tags.join(", ")}`);

// Drain ends both subscriptions (and so the service's loop) and closes the
// connection once every message in flight has reached the client.
await nc.drain();
await service;
