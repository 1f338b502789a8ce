# A service that takes orders in several regions wants two things that
# pull against each other: every write fast and local, even when the other
# regions are unreachable, and every region able to read every order. With
# JetStream in a super-cluster, each region writes only to a stream of its
# own, in its own cluster, and each region also keeps a global stream that
# sources all the regional ones. No stream is written from two regions, so
# nothing conflicts; the copying happens in the background, across the
# gateways, and catches up by itself after an interruption.
import asyncio
import os
from collections import Counter
from contextlib import suppress

import nats
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import Placement, StreamSource
from nats.js.errors import NoStreamResponseError, NotFoundError, ServiceUnavailableError

REGIONS = ("east", "west", "central")


async def main():
    # The recorder runs three clusters of three servers, one per region,
    # joined by gateways, and gives each server a URL. One client per
    # region connects to a server of its own region, as an application
    # running there would.
    def url(region):
        return os.environ.get(f"NATS_URL_{region.upper()}_1", "nats://127.0.0.1:4222")

    #
    # The west client tells when it loses its server, through
    # `disconnected_cb`; it then tries to reconnect, in vain, and reports
    # each failure to `error_cb`, which stays quiet.
    west_gone = asyncio.Event()

    async def on_disconnect():
        west_gone.set()

    async def quiet(err):
        pass

    clients = {r: await nats.connect(url(r)) for r in ("east", "central")}
    clients["west"] = await nats.connect(url("west"), disconnected_cb=on_disconnect,
                                         error_cb=quiet)
    js = {r: nc.jetstream() for r, nc in clients.items()}
    east = js["east"]

    # Start clean: delete the streams if an interrupted run left them.
    for r in REGIONS:
        for name in (f"GLOBAL_{r.upper()}", f"ORDERS_{r.upper()}"):
            with suppress(NotFoundError):
                await east.delete_stream(name)

    # A regional stream per region: ORDERS_EAST takes `orders.east.>` and
    # lives in cluster east (`placement`), three replicas, and so on. Any
    # client may create any of them; placement decides where they live.
    for r in REGIONS:
        await east.add_stream(name=f"ORDERS_{r.upper()}", subjects=[f"orders.{r}.>"],
                              num_replicas=3, placement=Placement(cluster=r))

    # And a global stream per region: GLOBAL_EAST, in east, sources the
    # three regional streams, and so do GLOBAL_WEST and GLOBAL_CENTRAL in
    # their regions. A source copies each message with its subject, so a
    # global stream knows where every order came from.
    for r in REGIONS:
        await east.add_stream(name=f"GLOBAL_{r.upper()}", num_replicas=3,
                              placement=Placement(cluster=r),
                              sources=[StreamSource(name=f"ORDERS_{s.upper()}") for s in REGIONS])

    # Each region takes an order, on its own subjects. The publish is
    # answered by the regional stream, in the client's own cluster: the
    # write never waits on another region. A new stream's interest takes
    # a moment to reach every server; until then a publish finds no
    # responders (nats-py raises `NoStreamResponseError`, and nothing is
    # stored), so it is tried again until a deadline.
    async def take_order(region, n):
        async with asyncio.timeout(10):
            while True:
                try:
                    ack = await js[region].publish(f"orders.{region}.{n}", b"an order")
                    break
                except NoStreamResponseError:
                    await asyncio.sleep(0.05)
        print(f"{region} client: orders.{region}.{n} -> stored in {ack.stream}")

    for r in REGIONS:
        await take_order(r, 1)

    # The global streams fill in the background. Each region waits, with
    # a deadline, until its own global stream holds what it expects, and
    # then counts its orders by region of origin, from the subjects.
    async def global_view(region, expected):
        stream = f"GLOBAL_{region.upper()}"
        async with asyncio.timeout(15):
            while (await js[region].stream_info(stream)).state.messages < expected:
                await asyncio.sleep(0.1)
        origins = Counter()
        for seq in range(1, expected + 1):
            msg = await js[region].get_msg(stream, seq)
            origins[msg.subject.split(".")[1]] += 1
        counts = ", ".join(f"{r} {origins[r]}" for r in REGIONS)
        print(f"{stream}: {expected} orders ({counts})")

    for r in REGIONS:
        await global_view(r, 3)

    # Now the west region is lost: the recorder stops its three servers
    # when this line is printed. The program waits until the west client
    # has lost its server, then closes it.
    print("stopping region west")
    await asyncio.wait_for(west_gone.wait(), 15)
    await clients["west"].close()
    print("west client: disconnected, its region is gone")

    # East and central go on taking orders: their regional streams and
    # their global streams live in their own regions, and copying between
    # them goes on. West's order, copied before the loss, is still in
    # every global stream that is left. When west comes back, its global
    # stream picks up where it stopped: a source remembers the last
    # message it copied.
    for r in ("east", "central"):
        await take_order(r, 2)
    for r in ("east", "central"):
        await global_view(r, 5)

    # Losing a region also loses its servers' votes in JetStream's meta
    # group: creating, changing or deleting streams needs a majority of
    # all JetStream servers, which three regions keep. See [Super-Cluster
    # JetStream Quorum](../../topologies/supercluster-jetstream-arbiter/index.md).
    #
    # Clean up: delete the streams, the lost region's included (a deletion
    # is the meta group's decision; west's servers learn of it when they
    # return). If the meta group's leader was in west, the six servers left
    # elect a new one first, which takes a few seconds: until then the API
    # does not answer, or answers "JetStream system temporarily
    # unavailable", so each deletion is tried again until a deadline. A
    # stream that is already gone counts as deleted: a try that timed out
    # may still have gone through.
    async def delete(name):
        async with asyncio.timeout(30):
            while True:
                try:
                    await east.delete_stream(name)
                    return
                except NotFoundError:
                    return
                except (NatsTimeoutError, ServiceUnavailableError):
                    await asyncio.sleep(0.25)

    for r in REGIONS:
        for name in (f"GLOBAL_{r.upper()}", f"ORDERS_{r.upper()}"):
            await delete(name)
    for r in ("east", "central"):
        await clients[r].drain()


if __name__ == "__main__":
    asyncio.run(main())
