# Request-reply needs nothing beyond the core NATS client: `nats` to
# connect, and the error nats-py raises when a request finds nobody to
# answer it.
import asyncio
import os

import nats
from nats.errors import NoRespondersError


async def main():
    # Every example reads the server address from `NATS_URL`, so the same
    # program runs against the recorder's server, a server on your laptop or
    # a cluster. When it is unset we fall back to the default local port.
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")

    nc = await nats.connect(servers)

    # A service is nothing more than a subscription whose handler answers.
    # Each request arrives with a reply subject (`msg.reply`), an inbox only
    # the requester listens on; `msg.respond` publishes the answer there.
    #
    # The subscription uses the wildcard `greet.*`, so one handler serves
    # `greet.joe`, `greet.sue` and any other single-token name. The last
    # token of the subject is the name to greet.
    async def greet(msg):
        name = msg.subject.split(".")[-1]
        await msg.respond(f"hello, {name}".encode())

    sub = await nc.subscribe("greet.*", cb=greet)

    # `nc.request` publishes the message with a fresh reply subject, waits
    # for the first answer and returns it. The timeout bounds the wait if
    # the service is slow to answer.
    for name in ["joe", "sue", "bob"]:
        reply = await nc.request(f"greet.{name}", b"", timeout=1)
        print(f"request greet.{name} -> reply: {reply.data.decode()}")

    # Draining the subscription lets any request already delivered to the
    # handler finish, then removes the interest from the server. From now
    # on nobody listens on `greet.*`.
    await sub.drain()

    # With no subscriber, the server does not let the request wait for its
    # timeout: it replies at once with a "no responders" status, which
    # nats-py raises as `NoRespondersError`. A caller can tell "nobody is
    # there" apart from "somebody is there but slow".
    try:
        await nc.request("greet.joe", b"", timeout=1)
    except NoRespondersError as err:
        print(f"request greet.joe -> error: {err}")

    # Drain the connection too, so everything in flight is delivered before
    # the program exits.
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
