# A pull consumer lets the application ask for messages when it is ready
# for them, in batches of the size it chooses. Everything used here lives
# on the JetStream context of a plain NATS connection; `NotFoundError` is
# what deleting a stream that does not exist raises.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.errors import NotFoundError


async def main():
    # Connect and get a JetStream context, as every JetStream example does
    # (the JetStream introduction explains the context).
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the stream if an interrupted run left it.
    with suppress(NotFoundError):
        await js.delete_stream("ORDERS")

    # A stream of ten orders to work through.
    await js.add_stream(name="ORDERS", subjects=["orders.>"])
    for i in range(1, 11):
        await js.publish(f"orders.{i}", f"order {i}".encode())

    # Consumer info is the server's view of a consumer's progress:
    # - `delivered`: the last stream sequence handed out;
    # - `ack_floor`: the sequence up to which *everything* is acknowledged;
    # - `num_ack_pending`: delivered but not yet acknowledged;
    # - `num_pending`: still waiting in the stream, never delivered.
    async def show(label, sub):
        info = await sub.consumer_info()
        print(
            f"  {label:<14} delivered={info.delivered.stream_seq:<2} "
            f"ack_floor={info.ack_floor.stream_seq} "
            f"num_ack_pending={info.num_ack_pending} num_pending={info.num_pending}"
        )

    # `pull_subscribe` with a durable name creates the consumer on the
    # server if it does not exist, then binds to it. A durable consumer
    # outlives the subscription and the connection: its position is kept
    # by the server, not by the client. Nothing is delivered until we ask.
    sub = await js.pull_subscribe("orders.>", durable="processor", stream="ORDERS")
    await show("new consumer:", sub)

    # `fetch` asks for a batch of up to 4 messages. Each message carries
    # its stream sequence in `metadata`; acknowledging it tells the server
    # the work is done, and `ack_sync` waits until the server confirms.
    msgs = await sub.fetch(4, timeout=1)
    print("batch 1:", ", ".join(f"{m.subject} (seq {m.metadata.sequence.stream})" for m in msgs))
    for msg in msgs:
        await msg.ack_sync()
    await show("acked 4 of 4:", sub)

    # The next batch is only half acknowledged. Notice that `delivered` has
    # moved to 8 while `ack_floor` stops at 6: two messages are out with
    # the application. If they are never acked, the server redelivers them
    # once the consumer's ack wait (30 s by default) runs out. Here they
    # are acked a moment later; [Redelivery](../redelivery/index.md) shows
    # the other outcomes: `nak` (redeliver now or after a delay),
    # `in_progress` (more time), `term` (give up), and the consumer's
    # `max_deliver`.
    msgs = await sub.fetch(4, timeout=1)
    print("batch 2:", ", ".join(m.subject for m in msgs))
    for msg in msgs[:2]:
        await msg.ack_sync()
    await show("acked 2 of 4:", sub)
    for msg in msgs[2:]:
        await msg.ack_sync()
    await show("acked 4 of 4:", sub)

    # Simulate a restart: drop the subscription and bind to the same
    # durable consumer again, by name. It resumes where it left off. We ask
    # for 10, only 2 are left, and `fetch` returns those two at once rather
    # than waiting for the full batch.
    await sub.unsubscribe()
    sub = await js.pull_subscribe_bind("processor", stream="ORDERS")
    msgs = await sub.fetch(10, timeout=1)
    print("after rebind:", ", ".join(m.subject for m in msgs))
    for msg in msgs:
        await msg.ack_sync()
    await show("acked 2 of 2:", sub)

    # Clean up: deleting the stream deletes the durable consumer too.
    await js.delete_stream("ORDERS")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
