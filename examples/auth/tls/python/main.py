# TLS encrypts the connection and lets each side check who is on the other
# end. In mutual TLS the client checks the server's certificate, and the
# server checks the client's: a client without a certificate from the
# right authority cannot even start talking NATS.
import asyncio
import logging
import os
import ssl

import nats

# nats-py 2.16 upgrades its socket to TLS in a way that makes asyncio log
# "returning true from eof_received() has no effect when using ssl" when a
# TLS connection closes (nats-io/nats.py issue #574). The message is
# harmless, so we hide exactly that one line and nothing else.
logging.getLogger("asyncio").addFilter(lambda record: "eof_received()" not in record.getMessage())


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")

    # An `ssl.SSLContext` holds both halves of the trust. `cafile` is the
    # authority whose signature we accept on the server's certificate (a
    # private CA here, so the system's trust store would not do), and
    # `load_cert_chain` adds our own certificate and key for the server to
    # check. The context also verifies that the certificate is valid for
    # the host we dial (127.0.0.1).
    tls = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=os.environ["NATS_CA"])
    tls.load_cert_chain(os.environ["NATS_CERT"], os.environ["NATS_KEY"])

    # The URL can stay `nats://`: the server's first message says TLS is
    # required, and nats-py upgrades the connection with our context
    # before it sends anything else. (`tls://` URLs work the same way.)
    #
    # That first message, the server's INFO, travels in plain text. A
    # server whose `tls` block sets `handshake_first: true` (nats-server
    # 2.10.4 or later) skips it and expects the TLS handshake on the first
    # byte, as an HTTPS server does, which suits load balancers and
    # security scanners that insist on TLS from the start. Clients must
    # then ask for it too: `nats.connect(..., tls_handshake_first=True)`
    # in nats-py. (Set to a delay such as "300ms" instead of `true`, the
    # server still lets in, after that delay, clients that do not ask.)
    nc = await nats.connect(servers, tls=tls)
    print("connected with a client certificate")

    async def echo(msg):
        await msg.respond(b"echo: " + msg.data)

    await nc.subscribe("echo", cb=echo)
    reply = await nc.request("echo", b"over TLS", timeout=1)
    print(f"request echo -> {reply.data.decode()}")

    # Failed connections report their error to `error_cb` as well as
    # raising it; this one stays quiet so each failure prints once.
    async def quiet(err):
        pass

    # A context that trusts the CA but carries no client certificate. The
    # server answers with a "certificate required" alert and hangs up.
    # Under TLS 1.3 that alert comes just after the handshake, racing with
    # the client's first messages, so nats-py raises either an `SSLError`
    # naming the alert or a `ConnectionError` (reset, broken pipe). Both
    # mean "refused".
    no_cert = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=os.environ["NATS_CA"])
    try:
        await nats.connect(servers, tls=no_cert, allow_reconnect=False, error_cb=quiet)
    except (ssl.SSLError, ConnectionError):
        print("connect without a client certificate -> refused by the server")

    # No TLS settings at all. nats-py still upgrades to TLS, with a default
    # context that trusts only the system's authorities, so now the
    # *client* refuses: nothing it trusts signed the server's certificate.
    try:
        await nats.connect(servers, allow_reconnect=False, error_cb=quiet)
    except ssl.SSLCertVerificationError as err:
        print(f"connect with default TLS settings -> {err.reason}: {err.verify_message}")

    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
