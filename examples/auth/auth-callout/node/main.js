// Auth callout hands the decision "who may connect, and with what
// permissions" to a service you write. The server still does the
// connection; for every client it sends the service what the client
// presented (user and password, a token, a JWT, its TLS certificate) and
// waits for a signed answer: a user JWT that says which account the client
// goes into and what it may do, or an error. Users can then live in your
// own database, LDAP or identity provider, not in the server's config.
// Here the service is core nats.js plus `@nats-io/nkeys` for the
// signatures; the JWTs are a few lines of JSON and base64url.
import {
  AuthorizationError,
  connect,
  deadline,
  deferred,
  PermissionViolationError,
  syncIterator,
} from "@nats-io/transport-node";
import { fromSeed } from "@nats-io/nkeys";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");

// The service's own directory of users. A real one would ask a database or
// an identity provider, and store password hashes, never passwords.
const DIRECTORY = {
  alice: { password: "alice-secret", account: "APP", allow: ["orders.>"] },
  bob: { password: "bob-secret", account: "APP", allow: ["orders.>"] },
};

// The request and the answer are NATS JWTs: three base64url parts, without
// padding, joined by dots. The header says how the token is signed
// (Ed25519, with nkeys); the claims are JSON; the signature is the
// issuer's nkey signing the first two parts, as text. Node's `Buffer`
// speaks base64url.
const b64url = (data) => Buffer.from(data).toString("base64url");
const claimsOf = (token) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
function encodeJwt(claims, signer) {
  const header = b64url(JSON.stringify({ typ: "JWT", alg: "ed25519-nkey" }));
  const body = b64url(JSON.stringify({ ...claims, iss: signer.getPublicKey(), iat: Math.floor(Date.now() / 1000) }));
  const signature = signer.sign(new TextEncoder().encode(`${header}.${body}`));
  return `${header}.${body}.${b64url(signature)}`;
}

// The service signs with an account nkey. Its public key is the `issuer`
// in server.conf; the seed (which starts with SA) is the service's secret,
// here from the environment. `fromSeed` takes it as bytes.
const issuer = fromSeed(new TextEncoder().encode(process.env.NATS_SEED_ISSUER));

// The decision. The request's claims carry, under `nats`: the
// `connect_opts` the client sent (user, pass, auth_token, jwt, name, lang,
// version), `client_info` (its address, its connection id), the
// `server_id`, and `user_nkey`: a user key the server made for this one
// connection attempt, so that an answer cannot be replayed for another.
function authorize(request) {
  const opts = request.connect_opts;
  const user = DIRECTORY[opts.user ?? ""];
  if (user === undefined || user.password !== opts.pass) {
    console.log(`auth service: ${opts.user}, wrong password -> refused`);
    return { error: "wrong user or password" };
  }

  // Let in: a user JWT for the server's key, signed by the issuer. Outside
  // operator mode its audience (`aud`) names the account the client goes
  // into; `name` is the user name the server shows for the connection;
  // `pub` and `sub` are its permissions. An `exp` claim would end the
  // session at that time.
  console.log(`auth service: ${opts.user}, password correct -> account ${user.account}, may use ${user.allow.join(", ")}`);
  const allow = { allow: user.allow };
  const jwt = encodeJwt({
    sub: request.user_nkey,
    aud: user.account,
    name: opts.user,
    nats: { type: "user", version: 2, pub: allow, sub: allow, subs: -1, data: -1, payload: -1 },
  }, issuer);
  return { jwt };
}

// The service is an ordinary subscriber on `$SYS.REQ.USER.AUTH` in account
// AUTH. The request is a JWT signed by the server (its issuer is the
// server's own key, starting with N); a service that must know which
// servers it talks to checks that key and the signature. The answer is a
// JWT of type `authorization_response`, about the request's user key
// (`sub`) and for that server (`aud`), signed by the issuer, carrying
// either the user JWT or the error.
const service = await connect({ servers, user: "auth", pass: "auth" });
const requests = service.subscribe("$SYS.REQ.USER.AUTH");
const serviceLoop = (async () => {
  for await (const msg of requests) {
    const request = claimsOf(msg.string());
    const decision = authorize(request.nats);
    const response = encodeJwt({
      sub: request.nats.user_nkey,
      aud: request.nats.server_id.id,
      nats: { type: "authorization_response", version: 2, ...decision },
    }, issuer);
    msg.respond(response);
  }
})();
await service.flush();
console.log("auth service: listening on $SYS.REQ.USER.AUTH");

// Clients connect as they always do. nats.js knows nothing of the callout:
// it sends its user and password, and the server holds the connection
// until the service has answered.
const alice = await connect({ servers, user: "alice", pass: "alice-secret" });
console.log("alice: connected");
const violation = deferred();
(async () => {
  for await (const status of alice.status()) {
    if (status.type === "error" && status.error instanceof PermissionViolationError) {
      console.log(`alice: error: ${status.error.name}: ${status.error.message}`);
      violation.resolve();
    }
  }
})();

// Alice's permissions are those the service granted: she may publish and
// subscribe on `orders.>`.
const orders = syncIterator(alice.subscribe("orders.>"));
alice.publish("orders.new", "one book");
const msg = await deadline(orders.next(), 2000);
console.log(`alice: received on ${msg.subject}: ${msg.string()}`);

// Anything else is refused. The publish itself returns; the server answers
// with a permissions violation, which nats.js reports on `status()`, and
// the connection stays open.
alice.publish("admin.shutdown", "");
await deadline(violation, 5000);

// Bob gives a wrong password. The service says no, and the client is told
// only "Authorization Violation": the reason stays in the service (and in
// the server's log), not with a stranger.
try {
  await connect({ servers, user: "bob", pass: "guess" });
} catch (err) {
  if (!(err instanceof AuthorizationError)) throw err;
  console.log(`bob: refused, ${err.name}: ${err.message}`);
}

// The request carries the client's password in clear, inside account
// AUTH. With the `xkey` option of `auth_callout`, the server encrypts each
// request for the service (and the service may encrypt its answer): a
// production service should use it.
await alice.drain();
await service.drain();
await serviceLoop;
