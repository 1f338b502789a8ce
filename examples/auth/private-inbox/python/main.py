# A request's reply travels on an ordinary subject, the requester's
# *inbox*, and anyone allowed to subscribe to it can read the reply. This
# program shows the leak and the fix: a private inbox prefix per user,
# enforced by permissions. It needs nats-py and `re`, to hide the random
# part of inbox names in the output.
import asyncio
import os
import re

import nats
from nats.errors import TimeoutError


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

    # Permission violations come back asynchronously, to the connection's
    # `error_cb` (nats-py writes the server's message in lower case). The
    # callback hides the random part of an inbox name so that the output
    # is the same on every run.
    def report_errors(user):
        async def error_cb(err):
            text = re.sub(r"_inbox\.[a-z0-9]{22}", "_inbox.<random>", str(err), flags=re.I)
            print(f"  {user}: error: {text}")

        return error_cb

    async def connect(user, **options):
        return await nats.connect(
            servers,
            user=user,
            password=f"{user}-secret",
            error_cb=report_errors(user),
            **options,
        )

    # The bank answers balance requests on `bank.balance`.
    balances = {"alice": "120 EUR", "bob": "75 EUR"}

    async def balance(msg):
        who = msg.data.decode()
        await msg.respond(f"{who}: {balances[who]}".encode())

    bank = await connect("bank")
    await bank.subscribe("bank.balance", cb=balance)
    await round_trip(bank)

    # By default nats-py receives replies on `_INBOX.<random>.*`, and the
    # usual permission for that is `_INBOX.>`: every inbox. eve has it,
    # and subscribes to all of it. The random part hides nothing from a
    # wildcard.
    eve = await connect("eve")
    overheard = asyncio.Queue()

    async def snoop(msg):
        await overheard.put(msg)

    await eve.subscribe("_INBOX.>", cb=snoop)
    await round_trip(eve)

    # alice connects with `inbox_prefix="_INBOX.alice"`: her replies come
    # to `_INBOX.alice.<random>.<random>`, the only inboxes her
    # permissions let her subscribe to. Her request works, and eve reads
    # the answer too.
    alice = await connect("alice", inbox_prefix="_INBOX.alice")
    reply = await alice.request("bank.balance", b"alice", timeout=1)
    print(f"alice: request bank.balance -> {reply.data.decode()!r}")
    leaked = await asyncio.wait_for(overheard.get(), timeout=1)
    prefix = ".".join(leaked.subject.split(".")[:2])
    print(f"eve, allowed _INBOX.>, overheard on {prefix}.*.*: {leaked.data.decode()!r}")

    # The fix is in the permissions: each user may subscribe to its own
    # prefix only, as bob may to `_INBOX.bob.>`. His attempts to listen to
    # every inbox, or to alice's, are refused by the server.
    print("bob tries to listen to other inboxes:")
    bob = await connect("bob")
    await bob.subscribe("_INBOX.>")
    await round_trip(bob)
    await bob.subscribe("_INBOX.alice.>")
    await round_trip(bob)

    # The client has to play along. Without `inbox_prefix`, bob's request
    # subscribes to a default inbox his permissions forbid: the server
    # refuses the subscription, the bank's answer has nowhere to go, and
    # the request times out.
    print("bob requests without inbox_prefix:")
    try:
        await bob.request("bank.balance", b"bob", timeout=1)
    except TimeoutError:
        print("  bob: request bank.balance -> timed out")

    # With his prefix, it works, and no other customer can read it.
    bob_private = await connect("bob", inbox_prefix="_INBOX.bob")
    reply = await bob_private.request("bank.balance", b"bob", timeout=1)
    print(f"bob with inbox_prefix _INBOX.bob: request bank.balance -> {reply.data.decode()!r}")

    for nc in [bob_private, bob, alice, eve, bank]:
        await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
