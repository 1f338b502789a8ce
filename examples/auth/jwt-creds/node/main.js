// In operator mode, the server's config names no users at all. It trusts an
// operator key; the operator signs account JWTs, and each account signs the
// JWTs of its own users. A user connects with a creds file holding its JWT
// and its private key, and the server checks the chain of signatures back
// to the operator. Adding a user is signing a JWT: no server is touched.
// The core client reads creds with a `credsAuthenticator`; `@nats-io/nkeys`
// makes a key pair for the forgery at the end.
import { readFileSync } from "node:fs";
import { AuthorizationError, connect, credsAuthenticator, Empty } from "@nats-io/transport-node";
import { createUser } from "@nats-io/nkeys";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");

// A JWT is three base64url parts joined by dots: a header, the claims, and
// a signature of the first two. Reading the claims needs no key (they are
// signed, not encrypted); the server checks the signature.
const decode = (part) => JSON.parse(Buffer.from(part, "base64url").toString());
const kinds = (object) =>
  Object.entries(object).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${typeof v}`).join(", ");

// The recorder writes a creds file for each user of the run and names it
// in an environment variable: alice and bob of account APP. With `nsc` you
// would make them with `nsc add user` and `nsc generate creds`.
const aliceCreds = process.env.NATS_CREDS_APP_ALICE;
const bobCreds = process.env.NATS_CREDS_APP_BOB;

// A creds file is text: the user's JWT and, below it, the user's seed (its
// private nkey), each between marker lines. It is a secret, like a
// password: whoever holds it is this user.
const text = readFileSync(aliceCreds, "utf8");
const lines = text.split("\n").map((line) => line.trim());
const jwt = lines[lines.indexOf("-----BEGIN NATS USER JWT-----") + 1];
const seed = lines[lines.indexOf("-----BEGIN USER NKEY SEED-----") + 1];
const [head, body, signature] = jwt.split(".");
console.log(`creds file: a JWT of ${jwt.split(".").length} parts and a seed of kind ${seed.slice(0, 2)}`);

// What alice's JWT carries. The header names the signature's algorithm:
// Ed25519, with nkeys. In the claims, the subject (`sub`) is alice's
// public nkey (it starts with U, for user) and the issuer (`iss`) the
// public key of the account that signed the JWT (A, for account); `iat` is
// when it was issued and `jti` its unique id. Under `nats` are the claims
// NATS adds: the kind of JWT, and the user's permissions and limits (empty,
// and -1 for no limit). A JWT may also carry an expiry (`exp`); this one
// does not. The keys are made afresh for each run, so only their first
// letters are printed.
const claims = decode(body);
const header = decode(head);
console.log(`header: typ ${header.typ}, alg ${header.alg}`);
console.log(`claims: ${kinds(claims)}`);
console.log(`  nats: ${kinds(claims.nats)}`);
console.log(`  type ${claims.nats.type}, name ${claims.name}, sub ${claims.sub[0]}..., iss ${claims.iss[0]}...`);

// `credsAuthenticator` takes the creds file's content as bytes (or a
// function returning them, called at each connect and reconnect, so a
// renewed file is picked up). It sends the JWT, and signs the server's
// nonce with the seed, proving it holds the key the JWT was issued to. The
// seed never leaves the client.
const creds = (path) => credsAuthenticator(readFileSync(path));
const alice = await connect({ servers, authenticator: creds(aliceCreds) });
const bob = await connect({ servers, authenticator: creds(bobCreds) });

// Every user may ask the server who it is, on `$SYS.REQ.USER.INFO`. The
// account is the JWT's issuer; the server knows its name from the account's
// own JWT.
const info = (await alice.request("$SYS.REQ.USER.INFO", Empty, { timeout: 2000 })).json().data;
console.log(`alice connected: user ${info.user_name} of account ${info.account_name}`);

// Alice and bob share the account APP, so they share its subjects.
const greetings = bob.subscribe("greet");
const greeter = (async () => {
  for await (const msg of greetings) {
    msg.respond(`hello ${msg.string()}, from bob`);
  }
})();
await bob.flush();
const reply = await alice.request("greet", "alice", { timeout: 2000 });
console.log(`alice asked bob: ${reply.string()}`);

// Two forged creds. Both are refused with "Authorization Violation", and
// `connect` rejects with an `AuthorizationError`. The authenticator takes
// bytes, so these forgeries never touch the disk.
async function tryCreds(label, credsText) {
  try {
    const nc = await connect({ servers, authenticator: credsAuthenticator(new TextEncoder().encode(credsText)) });
    await nc.close();
    console.log(`${label}: accepted`);
  } catch (err) {
    if (!(err instanceof AuthorizationError)) throw err;
    console.log(`${label}: refused, ${err.name}: ${err.message}`);
  }
}

// 1. Alice's JWT with a seed of someone else's: the signature of the nonce
// does not match the JWT's subject. A stolen JWT alone is useless.
const stranger = new TextDecoder().decode(createUser().getSeed());
await tryCreds("alice's JWT, another seed", text.replace(seed, stranger));

// 2. Alice's JWT with its claims edited (her name made "mallory") and
// alice's real seed: the account's signature no longer matches the claims.
// Nobody can change what a JWT grants without the account's key.
const edited = Buffer.from(JSON.stringify({ ...claims, name: "mallory" })).toString("base64url");
await tryCreds("alice's JWT edited", text.replace(jwt, `${head}.${edited}.${signature}`));

await alice.drain();
await bob.drain();
await greeter;
