# A NATS cluster is a set of nats-servers joined by routes. Clients can
# connect to any node and still reach every subscriber on every other
# node, and JetStream can keep each stream on several nodes at once, so
# losing a server loses neither connectivity nor data.
import asyncio
import json
import os
from contextlib import suppress

import nats
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.errors import APIError, NotFoundError

NODES = ["n1", "n2", "n3"]


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
    # Each node has its own client URL. Connecting to one explicitly shows
    # that it does not matter which node a client uses. (`NATS_URL` lists
    # all three; a real application passes that whole list, so it can fail
    # over to another node.)
    conns = {}
    for node in NODES:
        url = os.environ.get(f"NATS_URL_{node.upper()}", "nats://127.0.0.1:4222")
        conns[node] = await nats.connect(url)
    n1, n2, n3 = conns["n1"], conns["n2"], conns["n3"]

    # Core NATS across the cluster: a responder on n3, a requester on n1.
    # The routes tell every node about each subscription, so n1 knows to
    # forward the request to n3, and n3 sends the reply back to n1. That
    # news travels asynchronously, though: the round trip only tells us
    # that n3 has the subscription, and for a moment n1 may not have heard
    # yet and answers "no responders". A client that starts at the same
    # time as its peers simply tries again, until a deadline.
    async def answer(msg):
        await msg.respond(b"hello from a client on n3, to " + msg.data)

    await n3.subscribe("greet", cb=answer)
    await round_trip(n3)
    async with asyncio.timeout(5):
        while True:
            try:
                reply = await n1.request("greet", b"a client on n1", timeout=1)
                break
            except NoRespondersError:
                await asyncio.sleep(0.05)
    print(f"client on n1 sent a request, reply: {reply.data.decode()}")

    # JetStream: `num_replicas=3` keeps a copy of the stream on three
    # nodes. One of them is the stream's leader, elected with Raft; the
    # other two are replicas that follow it.
    # (Start clean: delete the stream if an interrupted run left it.)
    js = n1.jetstream()
    with suppress(NotFoundError):
        await js.delete_stream("ORDERS")
    await js.add_stream(name="ORDERS", subjects=["orders.>"], num_replicas=3)

    # Stream info shows the placement. The leader is whichever node won
    # the election, so it changes from run to run; we print the facts that
    # do not: there is one leader, two replicas, and together they are all
    # three nodes. The replicas may need a moment to catch up, so we wait
    # until all of them report `current`, for at most ten seconds.
    async def placement():
        while True:
            cluster = (await js.stream_info("ORDERS")).cluster
            replicas = cluster.replicas or []
            if cluster.leader and len(replicas) == 2 and all(r.current for r in replicas):
                return cluster
            await asyncio.sleep(0.1)

    cluster = await asyncio.wait_for(placement(), timeout=10)
    peers = sorted([cluster.leader] + [r.name for r in cluster.replicas])
    print(f"stream ORDERS: stored on {','.join(peers)}")
    print(f"stream ORDERS: 1 leader (one of those), {len(cluster.replicas)} replicas, all current")

    # Publish through n1. The acknowledgement comes only after a majority
    # of the three copies has stored the message.
    for i in range(1, 4):
        ack = await js.publish(f"orders.{i}", f"order {i}".encode())
        print(f"published orders.{i} via n1 -> stream {ack.stream}, seq {ack.seq}")

    # Ask the leader to step down. The stream elects a new leader among the
    # replicas, as it would if the leader's server went away. There is no
    # nats-py method for this, but every JetStream API call is a plain
    # request on a `$JS.API.` subject.
    old_leader = cluster.leader
    reply = await n2.request("$JS.API.STREAM.LEADER.STEPDOWN.ORDERS", b"", timeout=5)
    print(f"leader step-down requested: success={json.loads(reply.data).get('success')}")
    # While the election runs, the stream briefly has no leader and API
    # calls may fail or time out; we ask again, for at most ten seconds.
    js3 = n3.jetstream()
    async with asyncio.timeout(10):
        while True:
            try:
                cluster = (await js3.stream_info("ORDERS")).cluster
                if cluster.leader and cluster.leader != old_leader:
                    break
            except (APIError, NatsTimeoutError):
                pass
            await asyncio.sleep(0.1)
    print("stream ORDERS: a new leader was elected on another node")

    # The data is all still there, on the new leader too, and a client on
    # n3 reads it. Wherever a client is connected, the routes carry its
    # JetStream requests to the nodes that lead the stream and consumer.
    psub = await js3.pull_subscribe("orders.>", durable="reader")
    for m in await psub.fetch(3, timeout=2):
        print(f"client on n3 fetched {m.subject}: {m.data.decode()}")
        await m.ack()

    # Clean up: deleting the stream removes all three copies and the
    # consumer.
    await psub.unsubscribe()
    await js3.delete_stream("ORDERS")
    for nc in conns.values():
        await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
