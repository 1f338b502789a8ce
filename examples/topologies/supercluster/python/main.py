# A super-cluster joins whole clusters with gateways, typically one
# cluster per region or cloud. Clients connect to their local cluster, and
# gateways carry messages to other clusters only when someone there is
# interested. Queue groups prefer members in the local cluster and fall
# back to other clusters, which gives services geo-affinity and failover
# for free.
import asyncio
import os
from contextlib import suppress

import nats
from nats.errors import NoRespondersError
from nats.js.api import Placement
from nats.js.errors import NotFoundError


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
    # The recorder runs the clusters `east` and `west`, three nodes each,
    # and gives every node a URL of its own. `NATS_URL` lists the east
    # nodes; our requesting client lives there.
    def url(node):
        return os.environ.get(f"NATS_URL_{node}", "nats://127.0.0.1:4222")

    client = await nats.connect(url("EAST_1"))

    # A responder is an ordinary queue subscriber. nats-py offers no public
    # way to ask which cluster a connection landed in, so each responder
    # is told at start-up (here, the cluster of the URL it connects to) and
    # puts it in its answers, to make the routing visible.
    async def start_responder(cluster, node):
        nc = await nats.connect(url(node))

        async def handle(msg):
            await msg.respond(f"answered by a responder in {cluster}".encode())

        sub = await nc.subscribe("weather", queue="weather-service", cb=handle)
        await round_trip(nc)
        return nc, sub

    # A round trip (above) only tells a responder that its own server has
    # the subscription. News of it takes a moment more to travel through
    # routes and gateways; until it reaches the east client's server, a
    # request there finds "no responders", so `ask` tries again after a
    # short pause, until a deadline.
    async def ask():
        async with asyncio.timeout(5):
            while True:
                try:
                    return await client.request("weather", b"", timeout=1)
                except NoRespondersError:
                    await asyncio.sleep(0.05)

    # 1. The only responder is in the west. The east client's request
    # crosses the gateway, and the answer comes back the same way.
    west, _ = await start_responder("west", "WEST_2")
    reply = await ask()
    print(f"only a west responder: east client's request -> {reply.data.decode()}")

    # 2. A responder joins the same queue group in the east. The east
    # servers now have a member nearby, so the requests stay in the east
    # cluster, with no gateway hop.
    east, east_sub = await start_responder("east", "EAST_1")
    for i in range(1, 4):
        reply = await ask()
        print(f"responders in both: east client's request {i} -> {reply.data.decode()}")

    # 3. The east responder leaves the group. The queue group still has a
    # member in the west, so requests fail over across the gateway.
    await east_sub.unsubscribe()
    await round_trip(east)
    reply = await ask()
    print(f"east responder gone: east client's request -> {reply.data.decode()}")

    # JetStream spans the super-cluster too. A stream can be placed in a
    # chosen cluster; here the east client creates one in the west, and
    # the stream's info names the cluster that holds it. (Start clean:
    # delete it first if an interrupted run left it.)
    js = client.jetstream()
    with suppress(NotFoundError):
        await js.delete_stream("WEST_EVENTS")
    await js.add_stream(
        name="WEST_EVENTS", subjects=["west.events.>"], placement=Placement(cluster="west")
    )
    info = await js.stream_info("WEST_EVENTS")
    print(f"stream WEST_EVENTS created from the east, placed in cluster {info.cluster.name}")

    # A warning about this layout. Every stream and consumer is created,
    # changed and deleted through JetStream's meta group: one Raft group
    # of all six servers, in both clusters, which acts only with a
    # majority, four of six. If one region goes down, the other has three:
    # no majority. Streams that live in the surviving region keep storing
    # and delivering messages, but creating or deleting any stream or
    # consumer (ephemeral consumers and KV watchers included) fails
    # everywhere until the lost region returns. Two regions cannot outvote
    # each other; with JetStream, run three, or two and a small third
    # cluster whose only job is to vote.
    #
    # Clean up: delete the stream.
    await js.delete_stream("WEST_EVENTS")
    await east.drain()
    await west.drain()
    await client.drain()


if __name__ == "__main__":
    asyncio.run(main())
