# Scatter-gather is built from core NATS pieces: the client, and the
# timeout error a subscription raises when no message arrives in time.
import asyncio
import os

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
    shops = await nats.connect(servers)

    # Four shops answer price requests on `quote.coffee`. They use plain
    # subscriptions, not a queue group, so every one of them receives each
    # request. (They share one connection here; they could just as well be
    # four separate programs.) Each takes a different time to answer;
    # `slow-brew` is so slow that it will miss the requester's deadline.
    prices = {
        "cafe-corner": (0.05, "3.40"),
        "daily-grind": (0.10, "2.90"),
        "bean-barn": (0.20, "3.10"),
        "slow-brew": (1.00, "2.50"),
    }

    def shop(name, delay, price):
        async def answer(msg):
            await asyncio.sleep(delay)
            await shops.publish(msg.reply, f"{name} {price}".encode())

        return answer

    for name, (delay, price) in prices.items():
        await shops.subscribe("quote.coffee", cb=shop(name, delay, price))
    await round_trip(shops)

    # The requester is a separate client with its own connection.
    client = await nats.connect(servers)

    # The gather side. `new_inbox` returns a unique subject (`_INBOX.` plus a
    # random ID) that only this requester listens on. Subscribing to it
    # *before* publishing ensures no early reply is missed. The request then
    # goes out with `reply=inbox`, which is what `msg.reply` is on the
    # responders' side.
    #
    # Replies are read with `next_msg`, each wait bounded by the time left
    # until the deadline, and the loop also stops once `max_replies` arrive.
    #
    # If nobody at all is subscribed to the subject, the server says so at
    # once: it sends the inbox a message with no payload and a `Status`
    # header of 503 ("no responders"). `nc.request` turns that into
    # `NoRespondersError`; here we read the inbox ourselves, so we check
    # for it, or the status would be taken for an (empty) reply.
    async def scatter_gather(subject, deadline, max_replies=None):
        inbox = client.new_inbox()
        sub = await client.subscribe(inbox)
        await client.publish(subject, b"", reply=inbox)

        loop = asyncio.get_running_loop()
        end = loop.time() + deadline
        replies = []
        while max_replies is None or len(replies) < max_replies:
            remaining = end - loop.time()
            if remaining <= 0:
                break
            try:
                msg = await sub.next_msg(timeout=remaining)
            except TimeoutError:
                break
            if msg.headers and msg.headers.get("Status") == "503":
                print(f"nobody answers {subject}: no responders")
                break
            replies.append(msg.data.decode().split())

        # Stop listening. Any reply that arrives later finds no interest on
        # the inbox and is dropped by the server.
        await sub.unsubscribe()
        return replies

    # First round: wait 0.5 s and take whatever has arrived. Three shops
    # make it; `slow-brew` does not, and the requester does not wait for
    # it. Replies arrive in whatever order the shops finish, so sort them
    # before printing.
    quotes = await scatter_gather("quote.coffee", deadline=0.5)
    print(f"gathered {len(quotes)} quotes before the deadline:")
    for name, price in sorted(quotes):
        print(f"  {name}: {price}")
    name, price = min(quotes, key=lambda quote: float(quote[1]))
    print(f"cheapest: {name} at {price}")

    # Second round: stop as soon as two replies are in. This trades
    # completeness for latency, for example when any two answers are
    # enough to go on. The two fastest shops answer first.
    quotes = await scatter_gather("quote.coffee", deadline=0.5, max_replies=2)
    print(f"gathered the first {len(quotes)} quotes: {', '.join(sorted(n for n, _ in quotes))}")

    # Third round: no shop sells tea. Instead of waiting out the deadline,
    # the gatherer learns at once that nobody is listening.
    quotes = await scatter_gather("quote.tea", deadline=0.5)
    print(f"gathered {len(quotes)} tea quotes")

    # Draining the shops' connection waits for their handlers to finish,
    # including `slow-brew`'s late answers, which nobody receives anymore.
    await client.drain()
    await shops.drain()


if __name__ == "__main__":
    asyncio.run(main())
