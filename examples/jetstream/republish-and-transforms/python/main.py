# Three stream features that change where messages go and how they are
# read: a subject transform rewrites the subject of every message as the
# stream stores it, republish copies every stored message to core NATS
# subscribers, and direct get reads one message without going through the
# stream leader's API. This program uses nats-py's typed settings for the
# first two and its `get_msg` for the third.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.api import RePublish, SubjectTransform
from nats.js.errors import APIError, NotFoundError


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
    # Connect and get a JetStream context, as every JetStream example does
    # (the JetStream introduction explains the context).
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the stream if an interrupted run left it.
    with suppress(NotFoundError):
        await js.delete_stream("ORDERS")

    # Republish sends a copy of each stored message to another subject.
    # That subject must lie outside the stream's own subjects, or every
    # copy would be stored and copied again; the server refuses the loop.
    try:
        await js.add_stream(
            name="ORDERS",
            subjects=["orders.*.*"],
            republish=RePublish(src="orders.>", dest="orders.live.>"),
        )
    except APIError as err:
        print(f"republish into the stream's own subjects: refused: {err.description}")

    # The shop publishes `orders.<id>.<event>`. The stream stores them as
    # `orders.<event>.<id>`: `{{wildcard(2)}}` is the second `*` of the
    # source pattern. Now a consumer or a lookup can filter on the event
    # (`orders.shipped.*`), and the publishers did not change. The
    # republish source matches the stored, transformed subject; here
    # every order is copied to `live.orders.<event>.<id>`. `allow_direct`
    # turns on direct get, used further down.
    await js.add_stream(
        name="ORDERS",
        subjects=["orders.*.*"],
        subject_transform=SubjectTransform(
            src="orders.*.*", dest="orders.{{wildcard(2)}}.{{wildcard(1)}}"
        ),
        republish=RePublish(src="orders.>", dest="live.orders.>"),
        allow_direct=True,
    )

    # A dashboard follows the orders with a plain core subscription: no
    # consumer, no acknowledgements, nothing kept on the server for it.
    # It sees only what is published while it is subscribed.
    live = await nc.subscribe("live.orders.>")
    await round_trip(nc)

    for subject, data in [
        ("orders.17.created", b"2 coffees"),
        ("orders.17.shipped", b"by bike"),
        ("orders.18.created", b"1 tea"),
    ]:
        ack = await js.publish(subject, data)
        print(f"published {subject} -> stored as seq {ack.seq}")
    info = await js.stream_info("ORDERS", subjects_filter=">")
    print(f"stored subjects: {', '.join(sorted(info.state.subjects))}")

    # Each copy arrives on the republish subject, with headers saying
    # where it came from: the stream, the stored subject and its sequence.
    for _ in range(3):
        msg = await live.next_msg(timeout=2)
        h = msg.headers
        print(
            f"  {msg.subject}: {msg.data.decode()!r} "
            f"(from {h['Nats-Stream']} {h['Nats-Subject']}, seq {h['Nats-Sequence']})"
        )

    # Direct get reads a message by sequence, or the last one on a
    # subject, with a plain request on `$JS.API.DIRECT.GET.<stream>`.
    # Every server holding a copy of the stream answers it (replicas,
    # and mirrors with `mirror_direct`), so reads scale out and do not
    # queue behind the leader's API; key-value clients read keys this way
    # when the bucket allows it. A wildcard asks for the last message
    # matching it.
    msg = await js.get_msg("ORDERS", subject="orders.created.*", direct=True)
    print(f"direct get, last orders.created.*: {msg.subject} {msg.data.decode()!r} (seq {msg.seq})")
    msg = await js.get_msg("ORDERS", seq=2, direct=True)
    print(f"direct get, seq 2: {msg.subject} {msg.data.decode()!r}")
    try:
        await js.get_msg("ORDERS", subject="orders.returned.17", direct=True)
    except NotFoundError:
        print("direct get, last orders.returned.17: not found")

    # Clean up.
    await live.unsubscribe()
    await js.delete_stream("ORDERS")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
