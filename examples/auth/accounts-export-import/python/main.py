# Accounts are NATS's unit of multi-tenancy: each account has its own
# subject namespace, and two accounts share only what one explicitly
# exports and the other explicitly imports.
import asyncio
import os

import nats
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError


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

    # The user a client logs in as decides its account: `shop` belongs to
    # SHOP and `partner` to PARTNER (see server.conf).
    shop = await nats.connect(servers, user="shop", password="shop-secret")
    partner = await nats.connect(servers, user="partner", password="partner-secret")

    # The shop's inventory service answers on `inventory.check`. It also
    # shows the reply subject it was given: for a request that crossed
    # accounts the server substitutes a reply subject of its own (starting
    # with `_R_.`), so the requester's inbox never leaks into the shop's
    # account. A round trip (above) makes sure the server has the
    # subscription before the partner sends to it.
    async def check(msg):
        item = msg.data.decode()
        print(f"shop: inventory.check {item!r}, reply subject starts with {msg.reply[:4]!r}")
        await msg.respond(f"{item}: 12 in stock".encode())

    await shop.subscribe("inventory.check", cb=check)
    await round_trip(shop)

    # The partner calls the service under the name it chose when importing
    # it. The server forwards the request into SHOP's account and routes
    # the answer back to the partner's private inbox.
    reply = await partner.request("shop.inventory.check", b"widget", timeout=1)
    print(f"partner: request shop.inventory.check -> {reply.data.decode()}")

    # `inventory.check` in PARTNER's own namespace is a different subject
    # from the shop's, and nobody in PARTNER listens on it.
    try:
        await partner.request("inventory.check", b"widget", timeout=1)
    except NoRespondersError:
        print("partner: request inventory.check -> no responders (not in this account)")

    # Now the stream. The partner listens three ways: on the imported
    # subjects (`shop.orders.>`), on the shop's original subject name
    # (`orders.>`, which in PARTNER's namespace is unrelated), and on
    # `audit.>`, which the shop never exported.
    imported = await partner.subscribe("shop.orders.>")
    same_name = await partner.subscribe("orders.>")
    private = await partner.subscribe("audit.>")
    await round_trip(partner)

    await shop.publish("orders.created", b"order 1: 1 widget")
    await shop.publish("audit.login", b"admin logged in")
    await round_trip(shop)
    print("shop: published orders.created and audit.login")

    # Only the exported stream arrives, renamed with the partner's prefix.
    for label, sub in [("shop.orders.>", imported), ("orders.>", same_name), ("audit.>", private)]:
        try:
            msg = await sub.next_msg(timeout=0.5)
            print(f"partner: on {label} received {msg.subject}: {msg.data.decode()}")
        except NatsTimeoutError:
            print(f"partner: on {label} nothing")

    await partner.drain()
    await shop.drain()


if __name__ == "__main__":
    asyncio.run(main())
