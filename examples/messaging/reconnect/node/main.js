// A NATS connection outlives the TCP connection under it. When its server
// goes away, nats.js reconnects by itself, to another server of the cluster
// or to the same one when it is back, sends its subscriptions again and
// carries on; meanwhile, publishes wait in a buffer inside the client. The
// program hears of it all through the connection's `status()`, an async
// iterable of events. This example makes a server leave in each of the two
// ways servers leave: politely, in lame-duck mode, and abruptly.
import { connect, deadline, deferred, syncIterator } from "@nats-io/transport-node";

// The recorder runs a cluster of three servers, n1, n2 and n3, and gives
// each one a URL of its own. `nc.getServer()` says which one the client is
// connected to, as `host:port`.
const names = ["n1", "n2", "n3"];
const urls = Object.fromEntries(names.map((n) => [n, process.env[`NATS_URL_${n.toUpperCase()}`] ?? "nats://127.0.0.1:4222"]));
const serverName = (nc) => names.find((n) => urls[n].endsWith(`:${nc.getServer().split(":").pop()}`));

// nats.js shuffles its list of servers, so that clients spread over the
// cluster; `noRandomize` keeps the order given, so that this example knows
// where its client lands: n1 first, then n2, then n3.
// `reconnectTimeWait` is the pause before the same server is tried again
// (2 s by default), and `maxReconnectAttempts` how many times each server
// is tried before the client gives up and closes (10 by default; -1,
// never).
const nc = await connect({
  servers: names.map((n) => urls[n]),
  noRandomize: true,
  reconnectTimeWait: 500,
  maxReconnectAttempts: -1,
});
console.log(`connected to ${serverName(nc)}`);

// The events this example follows, as `status()` names them: `ldm` (the
// server is entering lame-duck mode), `disconnect`, `reconnect` and
// `close`. (It reports more: `reconnecting` while it tries, `update` when
// the servers announce a change in the cluster, `ping`, `error`...) The
// loop prints each of ours and resolves the promise `next(type)` handed
// out for it, so that the main flow can wait for an event, with a
// deadline, instead of guessing how long a reconnect takes.
const followed = new Set(["ldm", "disconnect", "reconnect", "close"]);
const waiting = new Map();
function next(type) {
  const seen = deferred();
  waiting.set(type, seen);
  return deadline(seen, 15000);
}
const events = (async () => {
  for await (const status of nc.status()) {
    if (!followed.has(status.type)) continue;
    console.log(`  status: ${status.type}`);
    waiting.get(status.type)?.resolve();
    waiting.delete(status.type);
  }
})();

// The client subscribes to the subject it publishes on, so it sees its own
// messages come back (NATS echoes them unless `noEcho`).
const orders = syncIterator(nc.subscribe("orders"));
async function sendAndReceive(text) {
  nc.publish("orders", text);
  const msg = await deadline(orders.next(), 5000);
  console.log(`published and received: ${msg.string()}`);
}
await sendAndReceive("order 1");

// 1. Lame-duck mode. Before a server is taken down, for an upgrade say, it
// is put into lame-duck mode (`nats-server --signal ldm`): it stops
// accepting connections and tells its clients, whose `status()` reports
// `ldm`. After a grace period (10 s) it closes the connections left, a few
// at a time, over `lame_duck_duration` (2 minutes), so that thousands of
// clients do not all reconnect at once.
//
// The recorder puts n1 into lame-duck mode when this line is printed.
let seen = next("ldm");
console.log("asking n1 to enter lame-duck mode");
await seen;

// nats.js only reports it. A client that would rather move now than be cut
// off later calls `reconnect()`: it drops the connection and takes the next
// server of its list, the usual reconnect path, with both events. (n1 would
// refuse it anyway.) Its subscription comes along.
console.log("moving on: reconnect()");
const disconnected = next("disconnect");
const reconnected = next("reconnect");
await nc.reconnect();
await disconnected;
await reconnected;
console.log(`now connected to ${serverName(nc)}`);
await sendAndReceive("order 2");

// 2. A server that simply goes away: a crash, a machine that fails. The
// recorder stops n2 when this line is printed, and the client finds its
// connection gone.
seen = next("disconnect");
console.log("stopping n2");
await seen;

// Until a server takes the client back, `publish` neither fails nor waits:
// it appends the message to the client's buffer and returns. Here another
// server is up and the wait is short; with every server down it lasts
// until one is back, or until the client gives up. nats.js puts no limit
// on that buffer: everything published while disconnected is kept in
// memory, so a program that may publish a lot during an outage should
// watch the `disconnect` and `reconnect` events and hold back itself.
seen = next("reconnect");
for (const n of [3, 4, 5]) {
  nc.publish("orders", `order ${n}`);
}
console.log("published order 3, 4 and 5 while disconnected: they wait in the client's buffer");

// Once a server takes the client, nats.js sends its subscriptions first and
// the buffer after them, so the orders published while disconnected arrive,
// in order.
await seen;
console.log(`now connected to ${serverName(nc)}`);
const received = [];
for (let i = 0; i < 3; i++) {
  received.push((await deadline(orders.next(), 5000)).string());
}
console.log(`received after the reconnect: ${received.join(", ")}`);

// The buffer lives in this process's memory: what is in it when the
// process ends, or when the program closes the connection, is lost. A
// message that must not be lost goes to a JetStream stream, whose publish
// waits for the server's acknowledgement.
//
// `close()` ends the connection for good; `status()` reports `close` (as it
// does when the client gives up reconnecting) and then ends, which ends our
// loop. `closed()` resolves at that moment too, to an error if the
// connection closed because of one.
console.log("closing");
seen = next("close");
await nc.close();
await seen;
await events;
const error = await nc.closed();
console.log(`closed ${error ? `with ${error.message}` : "cleanly"}`);
