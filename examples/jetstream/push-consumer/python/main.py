# A push consumer has the server send messages to the client as soon as
# they are available, with no requests in between. This program uses
# nats-py's `js.subscribe`, plus the consumer settings that choose where
# in the stream delivery starts.
import asyncio
import os

import nats
from nats.js.api import ConsumerConfig, DeliverPolicy


async def main():
    # Connect to the server(s) in `NATS_URL`, or a local default, get a
    # JetStream context and store five events in a stream.
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    await js.add_stream(name="EVENTS", subjects=["events.>"])
    for i in range(1, 6):
        await js.publish(f"events.{i}", f"event {i}".encode())

    # `js.subscribe` without a durable name creates an *ephemeral*
    # consumer: the server removes it some time after the subscription
    # goes away. Without a callback the subscription is read with
    # `next_msg`. This helper reads until nothing more arrives for 0.2 s,
    # acknowledges each message and prints what came.
    async def receive(label, sub):
        subjects = []
        while True:
            try:
                msg = await sub.next_msg(timeout=0.2)
            except TimeoutError:
                break
            subjects.append(msg.subject)
            await msg.ack()
        print(f"{label:<20} {' '.join(subjects)}")
        await sub.unsubscribe()

    # The deliver policy picks where a new consumer starts. `all`, the
    # default, starts at the beginning of the stream.
    sub = await js.subscribe("events.>")
    await receive("deliver all:", sub)

    # `last` starts with the last message in the stream.
    sub = await js.subscribe("events.>", deliver_policy=DeliverPolicy.LAST)
    await receive("deliver last:", sub)

    # `new` skips everything already stored and waits for messages
    # published after the consumer was created.
    sub = await js.subscribe("events.>", deliver_policy=DeliverPolicy.NEW)
    await js.publish("events.6", b"event 6")
    await receive("deliver new:", sub)

    # `by_start_sequence` starts at a stream sequence of our choice. It
    # needs a second setting, `opt_start_seq`, so it is passed as a full
    # consumer config.
    config = ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=3)
    sub = await js.subscribe("events.>", config=config)
    await receive("start at seq 3:", sub)

    # A *durable* push consumer has a name and remembers its position on
    # the server. Here it is read with a callback instead of `next_msg`.
    # With a callback nats-py acknowledges each message once the callback
    # returns; `manual_ack=True` leaves that to us, so we can ack only
    # after the work is done. (`ack_sync` waits for the server to confirm,
    # which keeps the consumer info printed at the end exact.)
    received = []

    async def audit(msg):
        received.append(msg.subject)
        await msg.ack_sync()

    sub = await js.subscribe("events.>", durable="audit", cb=audit, manual_ack=True)
    await asyncio.sleep(0.2)
    print(f"{'durable audit:':<20} {' '.join(received)}")
    await sub.unsubscribe()

    # While no one is subscribed, the server holds delivery back. Two more
    # events are published; subscribing again with the same durable name
    # binds to the same consumer, which resumes after the last message it
    # delivered and sends only the new ones.
    await js.publish("events.7", b"event 7")
    await js.publish("events.8", b"event 8")
    received.clear()
    sub = await js.subscribe("events.>", durable="audit", cb=audit, manual_ack=True)
    await asyncio.sleep(0.2)
    print(f"{'audit, resubscribed:':<20} {' '.join(received)}")

    info = await sub.consumer_info()
    print(
        f"{'audit consumer info:':<20} delivered={info.delivered.stream_seq} "
        f"ack_floor={info.ack_floor.stream_seq} num_pending={info.num_pending}"
    )

    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
