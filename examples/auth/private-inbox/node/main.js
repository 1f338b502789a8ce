// A request's reply travels on an ordinary subject, the requester's
// *inbox*, and anyone allowed to subscribe to it can read the reply. This
// program shows the leak and the fix: a private inbox prefix per user,
// enforced by permissions. In nats.js the prefix is the `inboxPrefix`
// option of `connect`; refusals arrive as `PermissionViolationError`s on
// the connection's `status()`.
import {
  connect as natsConnect,
  deadline,
  deferred,
  PermissionViolationError,
  RequestError,
  syncIterator,
} from "@nats-io/transport-node";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");

// Permission violations come back asynchronously, on the connection's
// `status()`. Each connection gets a loop that prints them, hiding the
// random part of an inbox name so that the output is the same on every
// run, and resolves the promise `violation(user)` handed out, so the
// program can wait for the report.
const waiting = new Map();
function violation(user) {
  const seen = deferred();
  waiting.set(user, seen);
  return deadline(seen, 2000);
}
async function connect(user, options = {}) {
  const nc = await natsConnect({ servers, user, pass: `${user}-secret`, ...options });
  (async () => {
    for await (const status of nc.status()) {
      if (status.type === "error" && status.error instanceof PermissionViolationError) {
        const text = status.error.message.replace(/_INBOX\.[A-Za-z0-9]{22}/g, "_INBOX.<random>");
        console.log(`  ${user}: error: ${status.error.name}: ${text}`);
        waiting.get(user)?.resolve();
      }
    }
  })();
  return nc;
}

// The bank answers balance requests on `bank.balance`.
const balances = { alice: "120 EUR", bob: "75 EUR" };
const bank = await connect("bank");
const requests = bank.subscribe("bank.balance");
const service = (async () => {
  for await (const msg of requests) {
    const who = msg.string();
    msg.respond(`${who}: ${balances[who]}`);
  }
})();
await bank.flush();

// By default nats.js receives replies on `_INBOX.<random>.*` (one
// subscription for all of a connection's requests), and the usual
// permission for that is `_INBOX.>`: every inbox. eve has it, and
// subscribes to all of it. The random part hides nothing from a wildcard.
const eve = await connect("eve");
const overheard = syncIterator(eve.subscribe("_INBOX.>"));
await eve.flush();

// alice connects with `inboxPrefix: "_INBOX.alice"`: her replies come to
// `_INBOX.alice.<random>.<token>`, the only inboxes her permissions let
// her subscribe to. Her request works, and eve reads the answer too.
const alice = await connect("alice", { inboxPrefix: "_INBOX.alice" });
let reply = await alice.request("bank.balance", "alice", { timeout: 1000 });
console.log(`alice: request bank.balance -> '${reply.string()}'`);
const leaked = await deadline(overheard.next(), 1000);
const prefix = leaked.subject.split(".").slice(0, 2).join(".");
console.log(`eve, allowed _INBOX.>, overheard on ${prefix}.*.*: '${leaked.string()}'`);

// The fix is in the permissions: each user may subscribe to its own prefix
// only, as bob may to `_INBOX.bob.>`. His attempts to listen to every
// inbox, or to alice's, are refused by the server.
console.log("bob tries to listen to other inboxes:");
const bob = await connect("bob");
for (const subject of ["_INBOX.>", "_INBOX.alice.>"]) {
  const seen = violation("bob");
  bob.subscribe(subject);
  await seen;
}

// The client has to play along. Without `inboxPrefix`, bob's request
// subscribes to a default inbox his permissions forbid, and the server
// refuses the subscription. nats.js notices: rather than wait for an
// answer that has nowhere to go, the request rejects at once with a
// `RequestError` whose `cause` is that `PermissionViolationError`.
console.log("bob requests without inbox_prefix:");
const seen = violation("bob");
try {
  await bob.request("bank.balance", "bob", { timeout: 1000 });
} catch (err) {
  if (!(err instanceof RequestError && err.cause instanceof PermissionViolationError)) throw err;
  await seen;
  console.log("  bob: request bank.balance -> failed at once: its inbox subscription was refused");
}

// With his prefix, it works, and no other customer can read it.
const bobPrivate = await connect("bob", { inboxPrefix: "_INBOX.bob" });
reply = await bobPrivate.request("bank.balance", "bob", { timeout: 1000 });
console.log(`bob with inbox_prefix _INBOX.bob: request bank.balance -> '${reply.string()}'`);

for (const nc of [bobPrivate, bob, alice, eve, bank]) {
  await nc.drain();
}
await service;
