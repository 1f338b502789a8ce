# An *interest* stream keeps a message only as long as some consumer still
# needs it. We use the core client plus the retention policy setting, and
# `NotFoundError` to start clean when there is no stream to delete.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.api import RetentionPolicy
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

    # A one-line summary of the stream: how many messages it holds, the
    # range of sequence numbers they span, and how many consumers exist.
    async def show(label):
        s = (await js.stream_info("ORDERS")).state
        print(
            f"{label:<28} messages={s.messages} first_seq={s.first_seq} "
            f"last_seq={s.last_seq} consumers={s.consumer_count}"
        )

    # Create the stream with interest retention. Think of it as fan-out
    # with a safety net: each service that cares about orders gets its own
    # consumer, and a message is deleted once *every* consumer has
    # acknowledged it, so nothing is stored for longer than needed.
    await js.add_stream(
        name="ORDERS",
        subjects=["orders.>"],
        retention=RetentionPolicy.INTEREST,
    )

    # With no consumers there is no interest at all. The stream still
    # acknowledges each publish and assigns it a sequence number, but does
    # not keep the message: the state shows 0 messages and `first_seq`
    # already past them.
    for i in range(1, 4):
        await js.publish(f"orders.{i}", f"order {i}".encode())
    await show("3 published, no consumers:")

    # Interest means consumers defined on the stream, not clients that
    # happen to be connected. Two durable pull consumers, one for billing
    # and one for shipping, now each want every order.
    billing = await js.pull_subscribe("orders.>", durable="billing")
    shipping = await js.pull_subscribe("orders.>", durable="shipping")

    for i in range(4, 7):
        await js.publish(f"orders.{i}", f"order {i}".encode())
    await show("3 published, 2 consumers:")

    # Billing processes and acknowledges all three. Nothing is removed yet,
    # because shipping has not acknowledged them. `ack_sync` waits for the
    # server to confirm each ack, so the state we read afterwards is exact.
    for msg in await billing.fetch(3, timeout=1):
        await msg.ack_sync()
    await show("billing acked 3:")

    # As soon as shipping acknowledges a message, the last interest in it
    # is gone and the stream deletes it, one by one.
    msgs = await shipping.fetch(3, timeout=1)
    await msgs[0].ack_sync()
    await show("shipping acked 1:")
    for msg in msgs[1:]:
        await msg.ack_sync()
    await show("shipping acked 3:")

    # Removing a consumer removes its interest too. Billing acknowledges two
    # new orders that shipping never reads; deleting the shipping consumer
    # releases them, and the stream is empty again.
    for i in range(7, 9):
        await js.publish(f"orders.{i}", f"order {i}".encode())
    for msg in await billing.fetch(2, timeout=1):
        await msg.ack_sync()
    await show("2 more, billing acked them:")
    await js.delete_consumer("ORDERS", "shipping")
    await show("shipping consumer deleted:")

    # Clean up: deleting the stream deletes its consumers too.
    await js.delete_stream("ORDERS")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
