# JetStream can drop a message it has already stored, as long as the
# publisher gives each message a unique ID. Everything here is plain
# nats-py: the ID travels in a message header. `NotFoundError` is what
# deleting a stream that does not exist raises.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.errors import NotFoundError


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the stream (and the IDs it remembers) if an
    # interrupted run left it.
    with suppress(NotFoundError):
        await js.delete_stream("ORDERS")

    # The stream remembers message IDs for its *duplicate window*, two
    # minutes by default. We shorten it to one second so the example can
    # show what happens when the window has passed.
    await js.add_stream(name="ORDERS", subjects=["orders.>"], duplicate_window=1.0)

    # The ID goes in the `Nats-Msg-Id` header. It should come from the
    # data itself (an order number, an event ID), so that a retry of the
    # same message carries the same ID. The publish ack says whether the
    # message was a duplicate; the server leaves the flag out when it is
    # not, hence the `bool()`.
    async def publish(order_id, msg_id=None):
        headers = {"Nats-Msg-Id": msg_id} if msg_id else None
        ack = await js.publish("orders.new", f"order {order_id}".encode(), headers=headers)
        label = f"id {msg_id}" if msg_id else "no id"
        duplicate = bool(ack.duplicate)
        print(f"publish order {order_id} ({label}) -> seq {ack.seq}, duplicate={duplicate}")

    async def count():
        info = await js.stream_info("ORDERS")
        print(f"stream holds {info.state.messages} message(s)")

    # Two orders, two IDs, two stored messages.
    await publish(1001, "order-1001")
    await publish(1002, "order-1002")

    # Now the publisher retries order 1001, as it would if the first
    # publish had timed out waiting for its ack. The server recognises the
    # ID, stores nothing, and answers with the sequence of the original
    # message and `duplicate=True`. The retry is safe.
    await publish(1001, "order-1001")
    await count()

    # Deduplication looks only at the ID, not at the content. Publishing
    # the same payload without an ID stores it each time.
    await publish(1003)
    await publish(1003)
    await count()

    # The server forgets an ID once the duplicate window has passed. After
    # that, the same ID is accepted as a new message, so pick a window
    # longer than your publishers may keep retrying.
    await asyncio.sleep(1.5)
    print("duplicate window passed")
    await publish(1001, "order-1001")
    await count()

    # Clean up: deleting the stream deletes its messages too.
    await js.delete_stream("ORDERS")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
