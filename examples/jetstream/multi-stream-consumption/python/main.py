# A consumer always belongs to exactly one stream, yet one service often
# needs data from several. This program consumes three streams at once
# with nothing more than nats-py and asyncio; `NotFoundError` is what
# deleting a stream that does not exist raises.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.errors import NotFoundError

STREAMS = {"ORDERS": "orders.>", "PAYMENTS": "payments.>", "SHIPPING": "shipping.>"}


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Three independent streams, as three teams might own them: orders,
    # payments and shipping. Each has its own subjects, limits and
    # retention, and none knows about the others. (Start clean: delete
    # them first if an interrupted run left them.)
    for name, subject in STREAMS.items():
        with suppress(NotFoundError):
            await js.delete_stream(name)
        await js.add_stream(name=name, subjects=[subject])

    # Our service keeps a timeline of everything that happens to an order,
    # so it creates one durable pull consumer per stream, all named
    # `timeline`. Each consumer tracks its own position and acks, so the
    # service can stop and resume every stream independently.
    subs = {
        name: await js.pull_subscribe(subject, durable="timeline", stream=name)
        for name, subject in STREAMS.items()
    }

    # The merge point is a plain `asyncio.Queue`. One small task per
    # stream fetches batches from its consumer and puts each message on
    # the queue, tagged with the stream it came from. A fetch that finds
    # nothing times out after half a second; the task just asks again
    # until it is told to stop. (Depending on where the wait ends, nats-py
    # raises its own `TimeoutError` or asyncio's; since Python 3.11 both
    # are the built-in `TimeoutError` or a subclass of it.)
    inbox = asyncio.Queue()
    stop = asyncio.Event()

    async def pump(stream, sub):
        while not stop.is_set():
            try:
                msgs = await sub.fetch(10, timeout=0.5)
            except TimeoutError:
                continue
            for msg in msgs:
                await inbox.put((stream, msg))

    pumps = [asyncio.create_task(pump(name, sub)) for name, sub in subs.items()]

    # Other services publish the life of order 1001 across the three
    # streams, all at once.
    events = [
        ("orders.created", "order 1001 created"),
        ("payments.authorized", "order 1001: 42.00 EUR authorized"),
        ("orders.confirmed", "order 1001 confirmed"),
        ("shipping.packed", "order 1001 packed"),
        ("payments.captured", "order 1001: 42.00 EUR captured"),
        ("shipping.delivered", "order 1001 delivered"),
    ]
    for subject, text in events:
        await js.publish(subject, text.encode())

    # A single loop handles the merged flow, so the service's logic never
    # has to care how many streams feed it. The ack goes back to the
    # consumer of the stream the message came from.
    #
    # What arrives in order, and what does not: each consumer delivers its
    # stream in stream order, so within a stream the sequence numbers only
    # go up. Between streams there is no order at all; three tasks fetch
    # independently, and the merged flow interleaves their batches in
    # whatever way they happen to finish. So the loop keeps what it needs
    # per stream, and the printout groups by stream.
    handled = []
    for _ in range(len(events)):
        stream, msg = await inbox.get()
        handled.append((stream, msg))
        await msg.ack()
    for stream, msg in sorted(handled, key=lambda h: (h[0], h[1].metadata.sequence.stream)):
        seq = msg.metadata.sequence.stream
        print(f"{stream:<8} seq {seq}  {msg.subject:<19} {msg.data.decode()}")

    # When the order across streams matters, it has to come from the
    # data. Every JetStream message carries the time its stream stored it;
    # with one publisher that waited for each acknowledgement, as here,
    # those times put the events back in publishing order. (Events from
    # several publishers need a timestamp or sequence of their own.)
    print("timeline, by the time each stream stored the event:")
    for _, msg in sorted(handled, key=lambda h: h[1].metadata.timestamp):
        print(f"  {msg.subject:<19} {msg.data.decode()}")

    # Stop the pumps, then check each consumer: everything delivered has
    # been acknowledged and nothing is left pending.
    stop.set()
    await asyncio.gather(*pumps)
    for name, sub in subs.items():
        info = await sub.consumer_info()
        print(
            f"{name} consumer: acked up to seq {info.ack_floor.stream_seq}, "
            f"pending {info.num_pending}"
        )

    # Unsubscribe the pull subscriptions before draining: a fetch that
    # timed out can leave a late status message in a subscription's queue,
    # and draining would wait for it to be read. Then clean up: deleting
    # the streams deletes their consumers too.
    for sub in subs.values():
        await sub.unsubscribe()
    for name in STREAMS:
        await js.delete_stream(name)
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
