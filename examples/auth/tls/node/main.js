// TLS encrypts the connection and lets each side check who is on the other
// end. In mutual TLS the client checks the server's certificate, and the
// server checks the client's: a client without a certificate from the
// right authority cannot even start talking NATS. In nats.js TLS is just
// the `tls` option of `connect`; the work is done by Node's own `tls`
// module.
import { connect } from "@nats-io/transport-node";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const { NATS_CA, NATS_CERT, NATS_KEY } = process.env;

// The `tls` option holds both halves of the trust, as file paths (or, as
// `ca`, `cert` and `key`, as PEM text). `caFile` is the authority whose
// signature we accept on the server's certificate (a private CA here, so
// Node's built-in list of authorities would not do), and `certFile` and
// `keyFile` are our own certificate and key, for the server to check. Node
// also verifies that the server's certificate is valid for the host we
// dial (127.0.0.1).
//
// The URL can stay `nats://`: the server's first message says TLS is
// required, and nats.js upgrades the connection before it sends anything
// else. (`tls://` URLs work the same way.)
//
// That first message, the server's INFO, travels in plain text. A server
// whose `tls` block sets `handshake_first: true` (nats-server 2.10.4 or
// later) skips it and expects the TLS handshake on the first byte, as an
// HTTPS server does, which suits load balancers and security scanners that
// insist on TLS from the start. Clients must then ask for it too:
// `tls: { handshakeFirst: true, ... }` in nats.js. (Set to a delay such as
// "300ms" instead of `true`, the server still lets in, after that delay,
// clients that do not ask.)
const nc = await connect({ servers, tls: { caFile: NATS_CA, certFile: NATS_CERT, keyFile: NATS_KEY } });
console.log("connected with a client certificate");

const requests = nc.subscribe("echo");
const echo = (async () => {
  for await (const msg of requests) {
    msg.respond(`echo: ${msg.string()}`);
  }
})();
const reply = await nc.request("echo", "over TLS", { timeout: 1000 });
console.log(`request echo -> ${reply.string()}`);

// A failed handshake is not a NATS error: `connect` rejects with the plain
// `Error` Node's `tls` module raised, whose `code` says what went wrong.
// `reconnect: false` makes the client give up at once instead of retrying.
//
// First, TLS settings that trust the CA but carry no client certificate.
// The server answers with a "certificate required" alert and hangs up.
// Under TLS 1.3 that alert comes just after the handshake, racing with the
// client's first messages, so the error is either the alert
// (`ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED`) or a connection reset
// (`ECONNRESET`). Both mean "refused".
const refused = new Set(["ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED", "ECONNRESET", "EPIPE"]);
try {
  await connect({ servers, tls: { caFile: NATS_CA }, reconnect: false });
} catch (err) {
  if (!refused.has(err.code)) throw err;
  console.log("connect without a client certificate -> refused by the server");
}

// No TLS settings at all. nats.js still upgrades to TLS, with Node's
// defaults, which trust only its built-in authorities, so now the *client*
// refuses: nothing it trusts signed the server's certificate.
try {
  await connect({ servers, reconnect: false });
} catch (err) {
  if (typeof err.code !== "string") throw err;
  console.log(`connect with default TLS settings -> ${err.code}: ${err.message}`);
}

await nc.drain();
await echo;
