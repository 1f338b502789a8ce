// `@nats-io/services` turns request handlers into a proper service:
// named, versioned, discoverable and with built-in statistics. `Svcm` (the
// service manager) adds services and makes discovery clients, and
// `ServiceError` carries an error code, both in a handler and in a reply.
// Callers need nothing but core NATS requests.
import { connect } from "@nats-io/transport-node";
import { ServiceError, Svcm } from "@nats-io/services";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const svcm = new Svcm(nc);

// A service has a name (shared by all its running instances), a semantic
// version and an optional description. `add` resolves once the service is
// started: it already answers discovery requests.
const svc = await svcm.add({ name: "text", version: "1.0.0", description: "Small text utilities" });

// A group puts its endpoints under a common subject prefix, so these two
// listen on `text.upper` and `text.words`. Every endpoint joins a queue
// group (`q` unless told otherwise), so starting more instances of the
// service spreads the requests over them.
const group = svc.addGroup("text");

// An endpoint added without a handler is an async iterable of requests,
// read here by a `for await` loop that answers each one with `respond`.
// The loop ends when the iterator is stopped (see the end).
const upper = group.addEndpoint("upper");
const upperLoop = (async () => {
  for await (const req of upper) {
    req.respond(req.string().toUpperCase());
  }
})();

// An endpoint can also take a handler, called for each request. Throwing a
// `ServiceError` from it sends an error reply, with the code and
// description in the `Nats-Service-Error-Code` and `Nats-Service-Error`
// headers, and counts the error in the endpoint's stats. Only what the
// handler throws synchronously is caught: a rejected promise from an
// `async` handler is not, so keep a handler that may fail synchronous, or
// answer with `req.respondError(code, description)` yourself (that reply
// is not counted as an error).
group.addEndpoint("words", (err, req) => {
  if (err) throw err;
  const text = req.string().trim();
  if (text === "") {
    throw new ServiceError(400, "empty input");
  }
  req.respond(String(text.split(/\s+/).length));
});
console.log("service text 1.0.0 started");

// Calling an endpoint is a plain NATS request. An error reply is an
// ordinary reply whose headers carry the error; `ServiceError.toServiceError`
// reads them, and gives `null` for a normal reply.
async function call(subject, text) {
  const reply = await nc.request(subject, text, { timeout: 1000 });
  const failure = ServiceError.toServiceError(reply);
  const result = failure ? `error ${failure.code}: ${failure.message}` : `'${reply.string()}'`;
  console.log(`${subject} '${text}' -> ${result}`);
}

await call("text.upper", "hello nats");
await call("text.words", "the quick brown fox");
await call("text.words", "   ");

// Every service answers three discovery requests on `$SRV.<verb>`,
// optionally narrowed by service name and instance ID: `$SRV.PING` finds
// running instances, `$SRV.INFO` describes their endpoints and
// `$SRV.STATS` reports request counts and errors. Any client, in any
// language, can ask; the answers are JSON. The service client of nats.js
// sends these requests for you, gathers every instance's answer and hands
// them over, parsed, as an async iterable; with one instance running we
// take the first.
const client = svcm.client();
async function first(answers) {
  for await (const answer of await answers) return answer;
  throw new Error("no service answered");
}

const ping = await first(client.ping("text"));
console.log(`PING: ${ping.name} ${ping.version} (instance id is this service's: ${ping.id === svc.info().id})`);

const info = await first(client.info("text"));
console.log(`INFO: ${info.name} - ${info.description}`);
for (const ep of info.endpoints) {
  console.log(`  endpoint ${ep.name} on ${ep.subject} (queue group ${ep.queue_group})`);
}

const stats = await first(client.stats("text", ping.id));
console.log("STATS:");
for (const ep of stats.endpoints) {
  let line = `  ${ep.name}: ${ep.num_requests} request(s), ${ep.num_errors} error(s)`;
  if (ep.last_error) line += `, last error ${ep.last_error}`;
  console.log(line);
}

// Stopping the service drains its endpoints' and discovery subscriptions.
// In this version of `@nats-io/services` that does not end an endpoint's
// iterator (nats.js issue #284), so a `for await` loop over it would wait
// forever: stop the iterator yourself once the service has stopped, and
// the loop ends. Then close the connection.
await svc.stop();
upper.stop();
await upperLoop;
await nc.drain();
