// Accounts are NATS's unit of multi-tenancy: each account has its own
// subject namespace, and two accounts share only what one explicitly
// exports and the other explicitly imports. Everything here is core NATS:
// the client only connects as different users. `RequestError` and
// `TimeoutError` are how nats.js reports a request nobody answers and a
// wait that ran out.
import { connect, deadline, RequestError, syncIterator, TimeoutError } from "@nats-io/transport-node";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");

// The user a client logs in as decides its account: `shop` belongs to
// SHOP and `partner` to PARTNER (see server.conf).
const shop = await connect({ servers, user: "shop", pass: "shop-secret" });
const partner = await connect({ servers, user: "partner", pass: "partner-secret" });

// The shop's inventory service answers on `inventory.check`. It also shows
// the reply subject it was given: for a request that crossed accounts the
// server substitutes a reply subject of its own (starting with `_R_.`), so
// the requester's inbox never leaks into the shop's account. `flush`
// resolves once the server has the subscription, before the partner sends
// to it.
const checks = shop.subscribe("inventory.check");
const service = (async () => {
  for await (const msg of checks) {
    const item = msg.string();
    console.log(`shop: inventory.check '${item}', reply subject starts with '${msg.reply.slice(0, 4)}'`);
    msg.respond(`${item}: 12 in stock`);
  }
})();
await shop.flush();

// The partner calls the service under the name it chose when importing it.
// The server forwards the request into SHOP's account and routes the
// answer back to the partner's private inbox.
const reply = await partner.request("shop.inventory.check", "widget", { timeout: 1000 });
console.log(`partner: request shop.inventory.check -> ${reply.string()}`);

// `inventory.check` in PARTNER's own namespace is a different subject from
// the shop's, and nobody in PARTNER listens on it: the request rejects at
// once with a `RequestError` whose `isNoResponders()` is true.
try {
  await partner.request("inventory.check", "widget", { timeout: 1000 });
} catch (err) {
  if (!(err instanceof RequestError && err.isNoResponders())) throw err;
  console.log("partner: request inventory.check -> no responders (not in this account)");
}

// Now the stream. The partner listens three ways: on the imported subjects
// (`shop.orders.>`), on the shop's original subject name (`orders.>`, which
// in PARTNER's namespace is unrelated), and on `audit.>`, which the shop
// never exported.
const listeners = [
  ["shop.orders.>", syncIterator(partner.subscribe("shop.orders.>"))],
  ["orders.>", syncIterator(partner.subscribe("orders.>"))],
  ["audit.>", syncIterator(partner.subscribe("audit.>"))],
];
await partner.flush();

shop.publish("orders.created", "order 1: 1 widget");
shop.publish("audit.login", "admin logged in");
await shop.flush();
console.log("shop: published orders.created and audit.login");

// Only the exported stream arrives, renamed with the partner's prefix. Each
// subscription gets half a second; `deadline` rejects with a
// `TimeoutError` when nothing came.
for (const [label, messages] of listeners) {
  try {
    const msg = await deadline(messages.next(), 500);
    console.log(`partner: on ${label} received ${msg.subject}: ${msg.string()}`);
  } catch (err) {
    if (!(err instanceof TimeoutError)) throw err;
    console.log(`partner: on ${label} nothing`);
  }
}

await partner.drain();
await shop.drain();
await service;
