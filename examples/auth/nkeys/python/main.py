# NKeys are Ed25519 key pairs. The server's config holds only the public
# key of each user; the client proves it owns the matching private key by
# signing a random challenge, so no secret crosses the network and none is
# stored on the server.
import asyncio
import os

import nats
import nkeys
from nats.errors import Error as NatsError


# A flush is a round trip: the server answers its PING with a PONG once it
# has handled everything the client sent before. nats-py 2.16 writes that
# PING straight to the socket, though, ahead of commands still waiting in
# its write buffer (a SUB made a moment earlier, say). So flush twice: the
# first flush pushes the waiting commands out behind its PING, and the
# second one's PONG confirms the server has handled them.
async def round_trip(nc):
    await nc.flush()
    await nc.flush()


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")

    # `user.nk` holds the user's *seed*: the private key, encoded so it
    # starts with `SU` (seed, user). It sits next to this program only so
    # the example runs as is. A real seed is a secret, like a password:
    # never commit it; give it to the program through a secret store, a
    # mounted file or an environment variable.
    #
    # The public key is derived from the seed. It starts with `U` and is
    # exactly what server.conf lists under `nkey`.
    with open("user.nk", "rb") as f:
        seed = f.read().strip()
    public_key = nkeys.from_seed(bytearray(seed)).public_key.decode()
    print(f"public key from user.nk: {public_key}")

    # `nkeys_seed` takes the path of a seed file. On connect, the server
    # sends a random nonce in its INFO message; nats-py signs it with the
    # seed and returns the public key and the signature in CONNECT. The
    # server checks the signature against the public key in its config.
    service = await nats.connect(servers, nkeys_seed="user.nk")
    print("service: connected with nkeys_seed (a seed file)")

    async def greet(msg):
        await msg.respond(b"hello, " + msg.data)

    await service.subscribe("greet", cb=greet)
    await round_trip(service)

    # `nkeys_seed_str` takes the seed itself, for when it comes from
    # somewhere other than a file, such as an environment variable. Both
    # connections authenticate as the same user.
    client = await nats.connect(servers, nkeys_seed_str=seed.decode())
    print("client: connected with nkeys_seed_str (the seed as a string)")

    reply = await client.request("greet", b"nkeys", timeout=1)
    print(f"client: request greet -> {reply.data.decode()}")

    # A key pair the server has never heard of is refused, however valid
    # its signature. `nkeys.encode_seed` turns 32 random bytes into a new
    # user seed (the `nsc` and `nk` tools do the same from the command
    # line). As in any failed connect, nats-py raises the error and also
    # passes it to `error_cb`; a quiet callback keeps it to one report.
    stranger = nkeys.encode_seed(os.urandom(32), nkeys.PREFIX_BYTE_USER)

    async def quiet(err):
        pass

    try:
        await nats.connect(
            servers, nkeys_seed_str=stranger.decode(), allow_reconnect=False, error_cb=quiet
        )
    except NatsError as err:
        print(f"connect with an unknown nkey -> {err}")

    await client.drain()
    await service.drain()


if __name__ == "__main__":
    asyncio.run(main())
