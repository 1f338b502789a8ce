// Request-reply is part of the core client, `@nats-io/transport-node`:
// `connect` opens the connection, `Empty` is an empty payload, and
// `RequestError` is what a failed request rejects with.
import { connect, Empty, RequestError } from "@nats-io/transport-node";

// Every example takes its servers from `NATS_URL`, so the same program runs
// against the recorder's server, one on your laptop or a whole cluster.
// Without it we fall back to the default local port.
const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");

const nc = await connect({ servers });

// A service is just a subscription that answers what it receives. Each
// request carries a reply subject, a private inbox only the requester
// listens on, and `msg.respond` publishes the answer there.
//
// The wildcard `greet.*` lets one subscription serve `greet.joe`,
// `greet.sue` and any other single-token name; the last token is the name
// to greet. The subscription is an async iterable, so the service is a
// `for await` loop. We start it without awaiting it: the loop runs
// alongside the rest of the program and ends when the subscription is
// drained. Keeping its promise lets us wait for that moment later.
const sub = nc.subscribe("greet.*");
const service = (async () => {
  for await (const msg of sub) {
    const name = msg.subject.split(".").pop();
    msg.respond(`hello, ${name}`);
  }
})();

// `nc.request` publishes the message with a fresh reply subject and
// resolves with the first answer. `timeout` (in milliseconds) bounds the
// wait: if the service is too slow, the promise rejects with a timeout
// error. These requests carry no payload, only a subject.
for (const name of ["joe", "sue", "bob"]) {
  const reply = await nc.request(`greet.${name}`, Empty, { timeout: 1000 });
  console.log(`request greet.${name} -> reply: ${reply.string()}`);
}

// Draining the subscription tells the server we are no longer interested,
// lets the loop handle any request already delivered to it, and then ends
// the loop. Once `service` settles, nobody listens on `greet.*`.
await sub.drain();
await service;

// Now a request finds no subscriber. The server does not leave it waiting
// for its timeout: it answers at once with a "no responders" status, and
// the promise rejects with a `RequestError` whose `isNoResponders()` is
// true (its `cause` is the underlying `NoRespondersError`). So a caller can
// tell "nobody is there" from "somebody is there but slow". Any other error
// is not ours to handle here, so it is thrown on.
try {
  await nc.request("greet.joe", Empty, { timeout: 1000 });
} catch (err) {
  if (!(err instanceof RequestError && err.isNoResponders())) {
    throw err;
  }
  console.log(`request greet.joe -> error: ${err.message}`);
}

// Drain the connection as well: whatever is still in flight is delivered,
// then the connection closes and the process can exit.
await nc.drain();
