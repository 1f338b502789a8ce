# A stream with the default *limits* retention keeps messages until one of
# its limits says otherwise. Besides the client, the program imports the
# discard policy setting and two JetStream error types: `APIError` is what
# a publisher gets back from a stream that refuses a message, and
# `NotFoundError` what deleting a stream that does not exist raises.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.api import DiscardPolicy
from nats.js.errors import APIError, NotFoundError


async def main():
    # Connect and get a JetStream context, as every JetStream example does
    # (the JetStream introduction explains the context).
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the streams if an interrupted run left them.
    for stream in ["EVENTS", "ORDERS"]:
        with suppress(NotFoundError):
            await js.delete_stream(stream)

    # Print the part of the stream state that tells the story: how many
    # messages and bytes are stored, and the sequence numbers of the oldest
    # and the newest one still kept.
    async def show(label, stream="EVENTS"):
        s = (await js.stream_info(stream)).state
        print(
            f"{label:<22} messages={s.messages:<2} bytes={s.bytes:<4} "
            f"first_seq={s.first_seq:<2} last_seq={s.last_seq}"
        )

    # Create a stream capturing `events.>` with three limits at once: at
    # most 10 messages, at most 1000 bytes, and nothing older than one
    # second. Limits retention is the default, so it is not named here.
    # The discard policy is also the default, `old`: when a new message
    # would break a limit, the oldest messages are removed to make room.
    await js.add_stream(
        name="EVENTS",
        subjects=["events.>"],
        max_msgs=10,
        max_bytes=1000,
        max_age=1.0,
    )

    # Publish 15 small messages. Every one is accepted, but only the last
    # 10 are kept: in the output, `first_seq` has moved on to 6 while
    # `last_seq` is 15. Sequence numbers are never reused.
    for i in range(1, 16):
        await js.publish(f"events.click.{i}", f"click {i}".encode())
    await show("after 15 small msgs:")

    # Now two larger messages of 400 bytes each. Stored size counts the
    # subject, headers and payload plus some overhead, so the byte limit
    # bites first: the stream drops old messages until the total fits under
    # 1000 bytes, leaving far fewer than 10 messages.
    for i in range(1, 3):
        await js.publish(f"events.upload.{i}", b"x" * 400)
    await show("after 2 large msgs:")

    # Finally the age limit. Wait a little longer than one second and every
    # message has expired. The stream is empty, and `first_seq` points one
    # past `last_seq`: the next message published will get sequence 18.
    await asyncio.sleep(1.5)
    await show("after 1.5 s:")

    # The other discard policy, `new`, turns a limit into back-pressure: a
    # full stream keeps what it has and rejects the new message instead,
    # so the publisher gets an error in its acknowledgement.
    await js.add_stream(
        name="ORDERS",
        subjects=["orders.>"],
        max_msgs=3,
        discard=DiscardPolicy.NEW,
    )
    for i in range(1, 5):
        try:
            ack = await js.publish(f"orders.{i}", b"order")
            print(f"orders.{i} stored as seq {ack.seq}")
        except APIError as err:
            print(f"orders.{i} rejected: {err.description}")
    await show("ORDERS:", stream="ORDERS")

    # Clean up: deleting a stream deletes its messages too.
    for stream in ["EVENTS", "ORDERS"]:
        await js.delete_stream(stream)
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
