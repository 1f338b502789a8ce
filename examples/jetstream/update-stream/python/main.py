# A stream's configuration is not fixed at creation: limits, subjects and
# policies can be changed while the stream is in use, and the server
# applies them to the messages it already holds. This program changes a
# live stream step by step; it needs nats-py's stream settings and its
# JetStream error types.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.api import DiscardPolicy, StorageType
from nats.js.errors import APIError, NotFoundError


async def main():
    # Connect and get a JetStream context, as every JetStream example does
    # (the JetStream introduction explains the context).
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the stream if an interrupted run left it.
    with suppress(NotFoundError):
        await js.delete_stream("ORDERS")

    # After each step, print what the stream holds: how many messages, and
    # the range of sequence numbers they span.
    async def show(label):
        s = (await js.stream_info("ORDERS")).state
        print(f"{label:<34} messages={s.messages} first_seq={s.first_seq} last_seq={s.last_seq}")

    # A stream with no limits, and ten orders from three regions.
    await js.add_stream(name="ORDERS", subjects=["orders.*"])
    for i in range(1, 11):
        await js.publish(f"orders.{['eu', 'us', 'asia'][i % 3]}", f"order {i}".encode())
    await show("created, 10 orders:")

    # `update_stream` sends a complete configuration, and nats-py sends
    # exactly the one you give it: a field you leave out goes back to its
    # default. Passing only `name` and `max_msgs` would also reset the
    # subjects to the stream's name and stop it from storing `orders.*`.
    # So every change starts from the current configuration, read with
    # `stream_info`, and changes fields with `evolve`, which returns a
    # copy.
    async def update(**changes):
        config = (await js.stream_info("ORDERS")).config
        await js.update_stream(config.evolve(**changes))

    # Lowering a limit applies at once to what is stored: the five oldest
    # orders are removed to get down to `max_msgs=5`. The sequence numbers
    # of the rest do not change.
    await update(max_msgs=5)
    await show("max_msgs=5:")

    # With `discard=new`, a full stream refuses new messages instead of
    # dropping old ones. The stream holds 5 of 5, so the next publish is
    # rejected, and the error says why.
    await update(discard=DiscardPolicy.NEW)
    try:
        await js.publish("orders.eu", b"order 11")
    except APIError as err:
        print(f"discard=new, 5 of 5 stored: publish -> {err.description}")

    # `max_msgs_per_subject=1` keeps only the newest message of each
    # subject: the latest order per region.
    await update(max_msgs_per_subject=1)
    await show("max_msgs_per_subject=1:")

    # Subjects can change too. After adding `returns.*` the stream stores
    # returns as well; the stored orders are untouched.
    await update(subjects=["orders.*", "returns.*"])
    await js.publish("returns.eu", b"return of order 9")
    await show("subjects + returns.*, 1 return:")

    # Some settings are fixed once the stream exists: its name, its
    # storage type, and whether it is a work queue. The server refuses the
    # update and nothing changes.
    try:
        await update(storage=StorageType.MEMORY)
    except APIError as err:
        print(f"storage file -> memory: refused: {err.description}")

    # A change must also be consistent with the rest of the configuration.
    # The duplicate window (2 minutes by default, see
    # [Deduplication](../deduplication/index.md)) may not be longer than
    # `max_age`, so a 1-second `max_age` alone is refused...
    try:
        await update(max_age=1)
    except APIError as err:
        print(f"max_age=1s: refused: {err.description}")

    # ...and accepted together with a 1-second duplicate window. `max_age`
    # counts from when each message was stored, not from the update, so
    # the stored messages expire as soon as they are a second old. We poll
    # the stream state until it is empty, with a deadline. An empty stream
    # reports `first_seq` one past `last_seq`: sequence numbers are never
    # reused.
    await update(max_age=1, duplicate_window=1)
    async with asyncio.timeout(5):
        while (await js.stream_info("ORDERS")).state.messages > 0:
            await asyncio.sleep(0.1)
    await show("max_age=1s, a moment later:")

    # Clean up.
    await js.delete_stream("ORDERS")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
