# JetStream in a super-cluster keeps one piece of shared state: the meta
# group, a Raft group of every JetStream server in every cluster, which
# decides where each stream and consumer lives and records every creation
# and deletion. Like every Raft group it acts only while a majority of its
# members can talk. With three regions, losing any one leaves a majority;
# with two, losing either does not. This example loses a region and shows
# what still works.
import asyncio
import os
from contextlib import suppress

import nats
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import Placement, StreamSource
from nats.js.errors import (
    APIError,
    NoStreamResponseError,
    NotFoundError,
    ServerError,
    ServiceUnavailableError,
)


async def main():
    # The recorder runs three clusters of three servers, east, west and
    # central, joined by gateways, with JetStream on every server; it gives
    # each server a URL (`NATS_URL_EAST_1` ...). The client lives in east.
    regions = ("EAST", "WEST", "CENTRAL")
    servers = [v for v in os.environ if v.startswith(tuple(f"NATS_URL_{r}_" for r in regions))]
    nc = await nats.connect(os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(","))

    # Every server runs JetStream, so every server is a member of the meta
    # group. Here that is nine, and a majority is five.
    print(f"meta group: {len(servers)} servers, a majority is {len(servers) // 2 + 1}")

    # JetStream API calls wait 2 s for an answer, so that what no longer
    # answers shows quickly.
    js = nc.jetstream(timeout=2)

    # Start clean: delete the streams if an interrupted run left them.
    for name in ("ORDERS_MIRROR", "ORDERS", "AUDIT"):
        with suppress(NotFoundError):
            await js.delete_stream(name)

    # A stream lives in one cluster: all its replicas are servers of that
    # cluster, chosen with `placement`. ORDERS lives in west, three
    # replicas, and takes the subjects `orders.>`. The client is in east:
    # its requests and publishes cross a gateway.
    await js.add_stream(name="ORDERS", subjects=["orders.>"], num_replicas=3,
                        placement=Placement(cluster="west"))

    # The new stream's interest in `orders.>` takes a moment to travel
    # through the gateway to east. Until it arrives, a publish from east
    # finds "no responders" (nats-py raises `NoStreamResponseError`) and
    # nothing is stored, so the first publish is tried again, until a
    # deadline.
    async with asyncio.timeout(10):
        while True:
            try:
                await js.publish("orders.1", b"order 1")
                break
            except NoStreamResponseError:
                await asyncio.sleep(0.05)
    for n in (2, 3):
        await js.publish(f"orders.{n}", f"order {n}".encode())

    # A mirror keeps a read-only copy of another stream, here in east. The
    # servers holding the mirror pull from ORDERS across the gateway; the
    # copy catches up on its own, so the program waits (with a deadline)
    # until it holds the three orders.
    await js.add_stream(name="ORDERS_MIRROR", mirror=StreamSource(name="ORDERS"),
                        num_replicas=3, placement=Placement(cluster="east"))
    async with asyncio.timeout(10):
        while (await js.stream_info("ORDERS_MIRROR")).state.messages < 3:
            await asyncio.sleep(0.05)
    print("ORDERS in west: 3 orders; ORDERS_MIRROR in east: 3 orders")

    # Central holds no stream. It is the arbiter: its servers take part in
    # the meta group's votes and store nothing. (In production an arbiter
    # can be a small cluster whose JetStream limits, or whose placement
    # tags, keep streams away.)
    #
    # Now the whole west region goes down: the recorder stops its three
    # servers when this line is printed. The client asks for ORDERS' info
    # until that fails: depending on what the other servers know by then,
    # the request goes unanswered (a timeout) or is answered with an error,
    # "stream is offline". Either way, nothing is left that holds ORDERS.
    print("stopping region west")
    async with asyncio.timeout(30):
        while True:
            try:
                await js.stream_info("ORDERS")
                await asyncio.sleep(0.1)
            except (NatsTimeoutError, APIError):
                break
    print("ORDERS (west): stream info fails, every replica is down")

    # Publishing to `orders.>` fails: no stream takes those subjects any
    # more. nats-py reports the server's "no responders" as
    # `NoStreamResponseError`. (A core NATS publish would succeed, and be
    # stored nowhere.)
    try:
        await js.publish("orders.4", b"order 4")
    except NoStreamResponseError as err:
        print(f"publish to orders.4 -> {err}")

    # The mirror lives in east and answers as before: what ORDERS stored
    # before west went down can still be read.
    stored = [(await js.get_msg("ORDERS_MIRROR", seq)).data.decode() for seq in (1, 2, 3)]
    print(f"ORDERS_MIRROR (east): {', '.join(stored)}")

    # And the meta group still has six of its nine members, more than the
    # five it needs, so JetStream can still create streams (and consumers,
    # and key-value buckets). If the meta group's leader was in west, the
    # six elect a new one first, which takes a few seconds: until then the
    # API answers "JetStream system temporarily unavailable" (or does not
    # answer), so the client tries again, until a deadline.
    async with asyncio.timeout(30):
        while True:
            try:
                await js.add_stream(name="AUDIT", subjects=["audit.>"], num_replicas=3,
                                    placement=Placement(cluster="east"))
                break
            except (NatsTimeoutError, NoRespondersError, ServiceUnavailableError, ServerError):
                await asyncio.sleep(0.25)
    print("new stream AUDIT in east: created, the meta group has 6 of 9")

    # With two regions, as on the super-cluster page, the same loss leaves
    # three of six: no majority, and that last step would fail everywhere
    # until the region came back.
    #
    # Clean up: delete the streams. Deleting is a meta group decision too,
    # so even ORDERS, whose servers are down, can be deleted; west's
    # servers learn of it when they return.
    for name in ("AUDIT", "ORDERS_MIRROR", "ORDERS"):
        await js.delete_stream(name)
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
