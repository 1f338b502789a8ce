# Core NATS does not wait for slow subscribers. When messages arrive faster
# than a handler takes them, the client buffers them up to a limit, and
# past that limit it drops them and reports a *slow consumer*. This
# program needs only nats-py, whose `SlowConsumerError` is that report.
import asyncio
import os

import nats
from nats.errors import SlowConsumerError


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

    # Dropped messages are not an exception of any call: the client
    # reports them to the connection's `error_cb`, once per dropped
    # message in nats-py. The callback runs in the client's reading loop,
    # so it only counts them; a real one would log or raise an alarm.
    dropped = []

    async def error_cb(err):
        if isinstance(err, SlowConsumerError):
            dropped.append(err)
        else:
            print(f"error: {err}")

    nc = await nats.connect(servers, error_cb=error_cb)
    publisher = await nats.connect(servers)

    # The handler is stuck on its first message until we let it go, like
    # a handler waiting on a slow database. nats-py gives each
    # subscription a queue and one task that takes messages from it in
    # order, so while the handler waits, new messages queue up.
    handled = []
    busy = asyncio.Event()
    go_on = asyncio.Event()

    async def handle(msg):
        handled.append(msg.data.decode())
        busy.set()
        await go_on.wait()

    # `pending_msgs_limit` caps that queue (512 Ki messages by default)
    # and `pending_bytes_limit` its size (128 MiB by default). A tiny
    # limit of 10 makes the effect easy to see.
    sub = await nc.subscribe("sensor.readings", cb=handle, pending_msgs_limit=10)
    await round_trip(nc)

    # Reading 1 reaches the handler, which is now busy. Then 100 more
    # readings arrive at once. Round trips on both connections make sure
    # all of them have reached the subscriber before we look.
    await publisher.publish("sensor.readings", b"1")
    async with asyncio.timeout(5):
        await busy.wait()
    for i in range(2, 102):
        await publisher.publish("sensor.readings", str(i).encode())
    await round_trip(publisher)
    await round_trip(nc)

    # Ten readings wait in the queue, the limit. The other ninety were
    # dropped by the client as they arrived, each reported to `error_cb`
    # as a `SlowConsumerError` naming the subject.
    print("handler busy with reading 1; 100 more published")
    print(f"pending: {sub.pending_msgs} messages ({sub.pending_bytes} bytes)")
    print(f"slow consumer errors: {len(dropped)}, subject {dropped[0].subject}")

    # Once the handler is free it works through what was kept: readings 1
    # to 11. The gap after 11 is the data that was lost. We wait for the
    # handler with a deadline.
    go_on.set()
    async with asyncio.timeout(5):
        while len(handled) < 11:
            await asyncio.sleep(0.01)
    print(f"handled {len(handled)} of 101: {handled[0]} to {handled[-1]}")

    # A slow consumer is not an error of the subscription: it keeps
    # working, and a reading published now arrives as usual.
    await publisher.publish("sensor.readings", b"102")
    async with asyncio.timeout(5):
        while len(handled) < 12:
            await asyncio.sleep(0.01)
    print(f"still subscribed: reading {handled[-1]} handled")

    # The cure is a handler that keeps up on average: faster handling,
    # several members of a queue group sharing the load, or a JetStream
    # consumer, which holds messages on the server until they are asked
    # for. A larger limit only absorbs bursts, and costs memory.
    #
    # The server has a limit of its own, per connection: a client that
    # does not read its socket fast enough, so that more than
    # `max_pending` (64 MiB by default) piles up for it, is disconnected
    # as a slow consumer. In nats-py that happens when the event loop is
    # blocked, by CPU-heavy or blocking code in a handler, since the loop
    # also reads the socket.
    await publisher.drain()
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
