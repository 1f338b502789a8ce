// NKeys are Ed25519 key pairs. The server's config holds only the public
// key of each user; the client proves it owns the matching private key by
// signing a random challenge, so no secret crosses the network and none is
// stored on the server. The core client signs with an `nkeyAuthenticator`;
// the key pairs themselves come from `@nats-io/nkeys`.
import { readFileSync } from "node:fs";
import { AuthorizationError, connect, nkeyAuthenticator } from "@nats-io/transport-node";
import { createUser, fromSeed } from "@nats-io/nkeys";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");

// `user.nk` holds the user's *seed*: the private key, encoded so it starts
// with `SU` (seed, user). It sits next to this program only so the example
// runs as is (`import.meta.url` locates it, wherever the program is
// started from). A real seed is a secret, like a password: never commit
// it; give it to the program through a secret store, a mounted file or an
// environment variable.
//
// nkeys work on bytes: `fromSeed` takes the seed as a `Uint8Array` and
// returns a key pair, and `getPublicKey` derives the public key from it. It
// starts with `U` and is exactly what server.conf lists under `nkey`.
const seedFile = new URL("./user.nk", import.meta.url);
const seed = new TextEncoder().encode(readFileSync(seedFile, "utf8").trim());
console.log(`public key from user.nk: ${fromSeed(seed).getPublicKey()}`);

// `nkeyAuthenticator(seed)` goes in the `authenticator` option. On connect,
// the server sends a random nonce in its INFO message; the authenticator
// signs it with the seed and puts the public key and the signature in
// CONNECT. The server checks the signature against the public key in its
// config.
const service = await connect({ servers, authenticator: nkeyAuthenticator(seed) });
console.log("service: connected with nkeyAuthenticator(seed)");

const greetings = service.subscribe("greet");
const serviceLoop = (async () => {
  for await (const msg of greetings) {
    msg.respond(`hello, ${msg.string()}`);
  }
})();
await service.flush();

// The authenticator can also take a function that returns the seed. It is
// called each time the client connects or reconnects, so a program can
// read the current seed from a file or a secret store when it needs it,
// and a rotated key is picked up on the next reconnect. Both connections
// authenticate as the same user.
const readSeed = () => new TextEncoder().encode(readFileSync(seedFile, "utf8").trim());
const client = await connect({ servers, authenticator: nkeyAuthenticator(readSeed) });
console.log("client: connected with nkeyAuthenticator(() => seed), read at each connect");

const reply = await client.request("greet", "nkeys", { timeout: 1000 });
console.log(`client: request greet -> ${reply.string()}`);

// A key pair the server has never heard of is refused, however valid its
// signature. `createUser` makes a new random user key pair (the `nsc` and
// `nk` tools do the same from the command line), and `getSeed` gives its
// seed. The server answers "Authorization Violation" and `connect`
// rejects with an `AuthorizationError`.
const stranger = createUser().getSeed();
try {
  await connect({ servers, authenticator: nkeyAuthenticator(stranger) });
} catch (err) {
  if (!(err instanceof AuthorizationError)) throw err;
  console.log(`connect with an unknown nkey -> ${err.name}: ${err.message}`);
}

await client.drain();
await service.drain();
await serviceLoop;
