// Users and passwords: the server knows each user by name, checks the
// password when the client connects, then applies that user's permissions
// to every publish and subscribe. From the core client we use the error
// classes nats.js gives those refusals, `AuthorizationError` and
// `PermissionViolationError`, and the promise helpers `deferred` and
// `deadline`.
import {
  AuthorizationError,
  connect,
  deadline,
  deferred,
  PermissionViolationError,
} from "@nats-io/transport-node";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");

// First, a wrong password. The server answers the CONNECT with
// "Authorization Violation" and closes the connection, and `connect`
// rejects with an `AuthorizationError` (a first connection is not retried
// unless you ask for it with `waitOnFirstConnect`).
try {
  await connect({ servers, user: "web", pass: "not-the-password" });
} catch (err) {
  if (!(err instanceof AuthorizationError)) throw err;
  console.log(`connect as web with a wrong password -> ${err.name}: ${err.message}`);
}

// Now connect both users with their real passwords. `user` and `pass` go
// into the CONNECT message (so use TLS when the network is not trusted);
// they can also be written in the URL as `nats://web:web-secret@host:4222`.
const web = await connect({ servers, user: "web", pass: "web-secret" });
const orders = await connect({ servers, user: "orders", pass: "orders-secret" });
console.log("connected as web and as orders");

// Violations are not errors of the call that caused them: the server
// reports them asynchronously with an `-ERR` line, and nats.js passes them
// to the connection's `status()`, an async iterable of events, as
// `{ type: "error", error }` where `error` is a `PermissionViolationError`.
// One loop per connection prints them with the user's name in front.
// `violation(name)` returns a promise that the loop resolves at the next
// one, so the program can wait for the report, with a deadline.
const waiting = { web: [], orders: [] };
function violation(name) {
  const seen = deferred();
  waiting[name].push(seen);
  return deadline(seen, 2000);
}
for (const [name, nc] of [["web", web], ["orders", orders]]) {
  (async () => {
    for await (const status of nc.status()) {
      if (status.type === "error" && status.error instanceof PermissionViolationError) {
        console.log(`${name}: error: ${status.error.name}: ${status.error.message}`);
        waiting[name].shift()?.resolve();
      }
    }
  })();
}

// The order service subscribes to `orders.>`, which its permissions allow.
// It may publish nothing at all, except that `allow_responses` lets it
// answer each request it receives, once, on that request's reply subject.
// `flush` resolves once the server has handled the subscription.
const service = orders.subscribe("orders.>");
const serviceLoop = (async () => {
  for await (const msg of service) {
    msg.respond(`order accepted: ${msg.string()}`);
  }
})();
await orders.flush();

// The web user may publish to `orders.>` and subscribe to `_INBOX.>`, which
// is exactly what a request needs: publish the question, receive the answer
// on a private inbox.
const reply = await web.request("orders.new", "2 coffees", { timeout: 1000 });
console.log(`web: request orders.new -> ${reply.string()}`);

// Publishing outside its permissions does not fail the call: `publish`
// returns as usual. The server drops the message and reports a permissions
// violation, which we wait for.
let seen = violation("web");
web.publish("admin.shutdown", "now");
await seen;

// The same goes for subscribing: the order service may not listen on
// `payments.>`. The connection stays open, and the messages it may handle
// keep flowing. nats.js also closes that one subscription: its `closed`
// promise resolves to the same error, and a `for await` loop over it would
// throw it.
seen = violation("orders");
const payments = orders.subscribe("payments.>");
await seen;
const closedWith = await payments.closed;
console.log(`orders: payments.> subscription closed: ${closedWith instanceof PermissionViolationError}`);

// Even with `allow_responses`, the service cannot publish on its own.
seen = violation("orders");
orders.publish("orders.shipped", "order 1");
await seen;

await web.drain();
await orders.drain();
await serviceLoop;
