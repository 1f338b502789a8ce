// The system account is where nats-servers talk about themselves. Every
// server answers monitoring requests on `$SYS.REQ.>` subjects and
// publishes events (connects, disconnects, stats) on `$SYS.>`, all over
// plain NATS. A client in the system account can watch a whole deployment,
// every server of every cluster, through a single connection. The core
// client is all it takes: subscriptions, `requestMany` to gather answers
// from several servers, and `RequestError` for a request nobody serves.
import { connect, deadline, deferred, Empty, RequestError } from "@nats-io/transport-node";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");

// Log in as `admin`, a user of the SYS account (server.conf names SYS as
// `system_account`). `name` is how this connection shows up in the
// server's connection list.
const sys = await connect({ servers, user: "admin", pass: "admin-secret", name: "monitor" });

// Servers announce every client that connects or disconnects, on
// `$SYS.ACCOUNT.<account>.CONNECT` and `.DISCONNECT`. The event is JSON
// describing the client: its account, user, name, address and more. We
// watch the APP account with one subscription (`*` matches both kinds). (A
// `*` for the account would watch all of them, and could even catch the
// announcement of this monitor's own connection, which the server sends a
// moment after it connected.) The loop also resolves the promise
// `nextEvent()` handed out, so the program can wait for each event it
// expects, with a deadline, instead of sleeping.
const waiting = [];
function nextEvent() {
  const seen = deferred();
  waiting.push(seen);
  return deadline(seen, 5000);
}
const events = sys.subscribe("$SYS.ACCOUNT.APP.*");
const eventLoop = (async () => {
  for await (const msg of events) {
    const event = msg.json();
    const kind = event.type.split(".").pop();
    const { acc, user, name } = event.client;
    console.log(`event ${kind}: account ${acc}, user ${user}, ${name}`);
    waiting.shift()?.resolve();
  }
})();
await sys.flush();

// Two application clients connect; the events above report them.
let seen = nextEvent();
const orders = await connect({ servers, user: "app", pass: "app-secret", name: "orders" });
await seen;
seen = nextEvent();
const billing = await connect({ servers, user: "app", pass: "app-secret", name: "billing" });
await seen;

// Requests on `$SYS.REQ.SERVER.PING` go to every server, and each one
// answers, so this is scatter-gather rather than a plain request.
// `requestMany` collects the answers for half a second (the `"timer"`
// strategy); once we know how many servers exist, the `"count"` strategy
// stops as soon as each has answered.
async function ping(subject, payload = Empty, expected = undefined) {
  const options = expected === undefined
    ? { strategy: "timer", maxWait: 500 }
    : { strategy: "count", maxMessages: expected, maxWait: 500 };
  const answers = [];
  for await (const msg of await sys.requestMany(subject, payload, options)) {
    answers.push(msg.json());
  }
  return answers;
}

// The bare PING returns each server's identity and current statistics
// (`statsz`). Server IDs and timestamps change on every run, so we print
// the stable fields: name, version, connection counts.
const answers = await ping("$SYS.REQ.SERVER.PING");
console.log(`PING: ${answers.length} server(s) answered`);
for (const { server, statsz } of answers.sort((a, b) => a.server.name.localeCompare(b.server.name))) {
  console.log(
    `  ${server.name}: version ${server.ver}, ` +
      `${statsz.connections} connections, ${statsz.active_accounts} active accounts`,
  );
}

// `PING.<ENDPOINT>` asks every server for one of its monitoring endpoints,
// the same data the HTTP monitoring port serves (VARZ, CONNZ, ACCOUNTZ,
// JSZ, HEALTHZ...). The payload carries the endpoint's options: for CONNZ,
// `auth` adds each connection's account and user.
for (const answer of await ping("$SYS.REQ.SERVER.PING.CONNZ", JSON.stringify({ auth: true }), answers.length)) {
  console.log(`CONNZ from ${answer.server.name}:`);
  for (const conn of answer.data.connections) {
    console.log(`  ${conn.name}: account ${conn.account}, user ${conn.authorized_user}`);
  }
}

for (const answer of await ping("$SYS.REQ.SERVER.PING.HEALTHZ", Empty, answers.length)) {
  console.log(`HEALTHZ from ${answer.server.name}: ${answer.data.status}`);
}

// What can an application account ask? Every account gets three system
// requests imported by the server, each answered about that account only:
// `$SYS.REQ.SERVER.PING.CONNZ` and `$SYS.REQ.ACCOUNT.PING.CONNZ` list its
// own connections, and `$SYS.REQ.ACCOUNT.PING.STATZ` gives its own message
// and connection counts. (`$SYS.REQ.USER.INFO`, who am I and with what
// permissions, is there too.) Asking about another account, or with
// `auth`, still only shows the caller's account: here the monitor's
// connection in SYS does not appear.
const reply = await orders.request("$SYS.REQ.ACCOUNT.PING.CONNZ", JSON.stringify({ auth: true }), { timeout: 1000 });
const names = reply.json().data.connections.map((c) => c.name).sort();
console.log(`orders (account APP): $SYS.REQ.ACCOUNT.PING.CONNZ -> ${names.join(", ")}`);

// Everything else under `$SYS` is out of reach. The server-wide PING,
// VARZ, HEALTHZ, JSZ, the events: in APP those are ordinary subjects that
// nobody serves, so a request finds no responders.
try {
  await orders.request("$SYS.REQ.SERVER.PING", Empty, { timeout: 1000 });
} catch (err) {
  if (!(err instanceof RequestError && err.isNoResponders())) throw err;
  console.log("orders (account APP): $SYS.REQ.SERVER.PING -> no responders");
}

// Closing a client produces a DISCONNECT event.
seen = nextEvent();
await billing.close();
await seen;

// The monitor stops listening before the last client leaves, so its
// disconnect is not part of the output.
await sys.drain();
await eventLoop;
await orders.drain();
