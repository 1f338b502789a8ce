# Mirrors and sources let one stream be filled from others by the server
# itself. From nats-py we only declare them, with `StreamSource` from the
# JetStream API types. `NotFoundError` is what deleting a stream that does
# not exist raises.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.api import StreamSource
from nats.js.errors import NotFoundError

STREAMS = ["ORDERS_EU", "ORDERS_US", "ORDERS_EU_BACKUP", "ORDERS_ALL", "PRIORITY"]


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the five streams if an interrupted run left them.
    for stream in STREAMS:
        with suppress(NotFoundError):
            await js.delete_stream(stream)

    # Two origin streams, one per region, each taking orders on its own
    # subjects. Each order is either `standard` or `priority`.
    await js.add_stream(name="ORDERS_EU", subjects=["orders.eu.>"])
    await js.add_stream(name="ORDERS_US", subjects=["orders.us.>"])

    async def publish(region, kinds):
        for kind in kinds:
            await js.publish(f"orders.{region}.{kind}", f"{region} {kind} order".encode())

    await publish("eu", ["standard", "priority", "standard"])
    await publish("us", ["priority", "standard", "standard", "priority"])
    print("published 3 orders to ORDERS_EU and 4 to ORDERS_US")

    # A mirror is a read-only copy of exactly one stream: same messages,
    # same sequence numbers. It has no subjects of its own, so nobody can
    # publish into it. Mirrors serve as backups, or as read replicas
    # placed closer to where the data is read.
    await js.add_stream(name="ORDERS_EU_BACKUP", mirror=StreamSource(name="ORDERS_EU"))

    # A stream with sources aggregates one or more streams, each message
    # getting a new sequence in the aggregate. Here ORDERS_ALL combines
    # both regions, and PRIORITY takes only the priority orders from each,
    # using a subject filter per source.
    await js.add_stream(
        name="ORDERS_ALL", sources=[StreamSource(name="ORDERS_EU"), StreamSource(name="ORDERS_US")]
    )
    await js.add_stream(
        name="PRIORITY",
        sources=[
            StreamSource(name="ORDERS_EU", filter_subject="orders.eu.priority"),
            StreamSource(name="ORDERS_US", filter_subject="orders.us.priority"),
        ],
    )

    # Copying happens in the background: the server runs an internal
    # consumer for each mirror and source. So we poll stream info until
    # the expected count arrives, with a deadline so a broken setup fails
    # instead of hanging.
    async def wait_for(stream, expected, deadline=5.0):
        loop = asyncio.get_running_loop()
        give_up = loop.time() + deadline
        while True:
            info = await js.stream_info(stream)
            if info.state.messages >= expected or loop.time() > give_up:
                break
            await asyncio.sleep(0.1)
        print(f"  {stream}: {info.state.messages} messages")

    print("message counts:")
    await wait_for("ORDERS_EU_BACKUP", 3)
    await wait_for("ORDERS_ALL", 7)
    await wait_for("PRIORITY", 3)

    # The mirror really is a copy: message 2 has the same subject and
    # data in both streams.
    original = await js.get_msg("ORDERS_EU", 2)
    copy = await js.get_msg("ORDERS_EU_BACKUP", 2)
    print(f"ORDERS_EU seq 2:        {original.subject} {original.data.decode()!r}")
    print(f"ORDERS_EU_BACKUP seq 2: {copy.subject} {copy.data.decode()!r}")

    # Mirrors and sources keep following their origins. Two new priority
    # orders, one per region, flow into every stream that wants them.
    await publish("eu", ["priority"])
    await publish("us", ["priority"])
    print("published 1 more priority order to each region")
    await wait_for("ORDERS_EU_BACKUP", 4)
    await wait_for("ORDERS_ALL", 9)
    await wait_for("PRIORITY", 5)

    # Clean up: the copies first, then the streams they copy from.
    for stream in reversed(STREAMS):
        await js.delete_stream(stream)
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
