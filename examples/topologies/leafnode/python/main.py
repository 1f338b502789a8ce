# A leaf node is a nats-server that extends another server (the hub)
# through a single outbound connection. Clients of the leaf talk to
# clients of the hub as if they shared one server, while the leaf keeps
# its own local clients, security and JetStream. Typical homes for a leaf:
# a factory, a store, a vehicle, an edge site that must keep working when
# its uplink is down.
import asyncio
import os
from contextlib import suppress

import nats
from nats.errors import NoRespondersError
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
    # The recorder starts a hub and a leaf that dials into it, and gives
    # each its own URL. A client does not need to know which kind of
    # server it is using; it connects as usual.
    hub = await nats.connect(os.environ.get("NATS_URL_HUB", "nats://127.0.0.1:4222"))
    leaf = await nats.connect(os.environ.get("NATS_URL_LEAF", "nats://127.0.0.1:4223"))

    # Each side listens on one subject tree named after itself: `hub.>` on
    # the hub, `leaf.>` on the leaf. Requests (messages with a reply
    # subject) get an answer; other messages are queued for the program to
    # print.
    async def listen(nc, name):
        received = asyncio.Queue()

        async def handle(msg):
            if msg.reply:
                await msg.respond(f"{name} answered {msg.subject}".encode())
            else:
                await received.put(msg)

        await nc.subscribe(f"{name}.>", cb=handle)
        await round_trip(nc)
        return received

    hub_received = await listen(hub, "hub")
    leaf_received = await listen(leaf, "leaf")

    # The leaf connection carries subscription interest both ways, so the
    # leaf forwards `hub.>` messages to the hub and the hub forwards
    # `leaf.>` messages to the leaf. That news crosses the link
    # asynchronously; a request sent in the first moments may find "no
    # responders", so the first request in each direction tries again,
    # until a deadline.
    async def request(nc, subject):
        async with asyncio.timeout(5):
            while True:
                try:
                    return await nc.request(subject, b"", timeout=1)
                except NoRespondersError:
                    await asyncio.sleep(0.05)

    reply = await request(leaf, "hub.orders.count")
    print(f"leaf client: request hub.orders.count -> {reply.data.decode()}")
    reply = await request(hub, "leaf.line1.status")
    print(f"hub client: request leaf.line1.status -> {reply.data.decode()}")

    # Plain publish-subscribe flows both ways as well: an alert from the
    # leaf reaches the hub, a command from the hub reaches the leaf.
    await leaf.publish("hub.alerts.temperature", b"line 1 at 81C")
    msg = await asyncio.wait_for(hub_received.get(), 1)
    print(f"hub client received {msg.subject}: {msg.data.decode()}")

    await hub.publish("leaf.commands.line1", b"slow down")
    msg = await asyncio.wait_for(leaf_received.get(), 1)
    print(f"leaf client received {msg.subject}: {msg.data.decode()}")

    # JetStream stays separate: the hub and the leaf each run their own,
    # in the JetStream domains `hub` and `leaf`. `jetstream()` on the leaf
    # uses the leaf's; naming a domain reaches the other one through the
    # leaf connection. Here the leaf client creates a stream on the hub
    # and stores an event in it. (Start clean: delete the stream first if
    # an interrupted run left it.)
    js_hub = leaf.jetstream(domain="hub")
    with suppress(NotFoundError):
        await js_hub.delete_stream("EVENTS")
    await js_hub.add_stream(name="EVENTS", subjects=["events.>"])
    ack = await js_hub.publish("events.shift", b"shift 2 started")
    print(f"leaf client: stored events.shift in domain hub -> stream {ack.stream}, seq {ack.seq}")

    # Seen from each side: the hub has the stream; the leaf's own
    # JetStream has no streams at all.
    info = await hub.jetstream().stream_info("EVENTS")
    print(f"hub client: stream EVENTS has {info.state.messages} message(s)")
    leaf_streams = await leaf.jetstream().streams_info()
    print(f"leaf client: streams in domain leaf: {len(leaf_streams)}")

    # Clean up, through the leaf connection again: delete the hub's stream.
    await js_hub.delete_stream("EVENTS")
    await leaf.drain()
    await hub.drain()


if __name__ == "__main__":
    asyncio.run(main())
