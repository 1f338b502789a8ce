# Deterministic partitioning splits one flow of messages into a fixed
# number of partitions, always sending the same key to the same one. The
# server does the splitting with a subject mapping in its config (see
# server.conf next to this example); the program only uses plain nats-py,
# and `NotFoundError` for a stream that is not there to delete.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.errors import NotFoundError


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the stream if an interrupted run left it.
    with suppress(NotFoundError):
        await js.delete_stream("ORDERS")

    # The server maps `orders.<customer>` to
    # `orders.<customer>.<partition>` before anything else sees the
    # message, so the stream captures the mapped form, `orders.*.*`.
    await js.add_stream(name="ORDERS", subjects=["orders.*.*"])

    # Publishers know nothing about partitions: they publish to
    # `orders.<customer>` as usual. Reading each message back from the
    # stream shows the subject it was stored under, with the partition
    # number added as the last token.
    orders = ["alice", "ivan", "dave", "bob", "alice", "judy", "erin", "ivan", "alice", "dave"]
    count = {}
    for customer in orders:
        count[customer] = count.get(customer, 0) + 1
        order = f"{customer}#{count[customer]}"
        ack = await js.publish(f"orders.{customer}", order.encode())
        stored = await js.get_msg("ORDERS", ack.seq)
        print(f"published {order:<8} on orders.{customer:<6} -> stored as {stored.subject}")

    # That is what makes partitions useful. One consumer per partition,
    # each filtered on `orders.*.<n>`, can run in parallel while every
    # customer's orders still go to one consumer, in the order they were
    # published. The mapping is a hash, so it only changes if the number
    # of partitions changes.
    #
    # Per-key order holds under two conditions. Only one worker may read
    # each partition's consumer: two workers pulling from it would split a
    # customer's orders between them. And a message must not come back
    # after later ones: a `nak` or an expired ack wait redelivers it
    # behind them. A consumer with `max_ack_pending=1` keeps order even
    # then, at the price of one message in flight per partition.
    for partition in range(3):
        sub = await js.pull_subscribe(f"orders.*.{partition}", durable=f"worker-{partition}")
        msgs = await sub.fetch(10, timeout=0.5)
        for msg in msgs:
            await msg.ack()
        got = ", ".join(msg.data.decode() for msg in msgs)
        print(f"partition {partition} worker got: {got}")
        await sub.unsubscribe()

    # Clean up: deleting the stream deletes the consumers too.
    await js.delete_stream("ORDERS")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
