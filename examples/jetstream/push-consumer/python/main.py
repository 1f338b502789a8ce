# A push consumer has the server send messages to the client as soon as
# they are available, with no requests in between. nats-py 2.16 has only
# the older JetStream API, in which `js.subscribe` creates a push consumer
# and subscribes to it in one call. This program uses it, plus the
# consumer settings that choose where in the stream delivery starts, and
# `NotFoundError` for a stream that is not there to delete.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.api import ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError


async def main():
    # Connect and get a JetStream context, as every JetStream example does
    # (the JetStream introduction explains the context).
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the stream if an interrupted run left it. Then
    # store five events.
    with suppress(NotFoundError):
        await js.delete_stream("EVENTS")
    await js.add_stream(name="EVENTS", subjects=["events.>"])
    for i in range(1, 6):
        await js.publish(f"events.{i}", f"event {i}".encode())

    # `js.subscribe` without a durable name creates an *ephemeral*
    # consumer: the server removes it some time after the subscription
    # goes away. Without a callback the subscription is read with
    # `next_msg`. Every JetStream message says in its metadata how many
    # more messages the consumer has waiting after it (`num_pending`), so
    # this helper reads, acknowledges and collects until that reaches 0,
    # then prints what came.
    async def receive(label, sub):
        subjects = []
        while True:
            msg = await sub.next_msg(timeout=2)
            subjects.append(msg.subject)
            await msg.ack()
            if msg.metadata.num_pending == 0:
                break
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
    # which keeps the consumer info printed at the end exact.) The
    # callback sets an event when it has handled the last pending
    # message, and the program waits for that event, with a deadline.
    received = []
    caught_up = asyncio.Event()

    async def audit(msg):
        received.append(msg.subject)
        await msg.ack_sync()
        if msg.metadata.num_pending == 0:
            caught_up.set()

    sub = await js.subscribe("events.>", durable="audit", cb=audit, manual_ack=True)
    await asyncio.wait_for(caught_up.wait(), timeout=5)
    print(f"{'durable audit:':<20} {' '.join(received)}")
    await sub.unsubscribe()

    # While no one is subscribed, the server holds delivery back. Two more
    # events are published; subscribing again with the same durable name
    # binds to the same consumer, which resumes after the last message it
    # delivered and sends only the new ones.
    await js.publish("events.7", b"event 7")
    await js.publish("events.8", b"event 8")
    received.clear()
    caught_up.clear()
    sub = await js.subscribe("events.>", durable="audit", cb=audit, manual_ack=True)
    await asyncio.wait_for(caught_up.wait(), timeout=5)
    print(f"{'audit, resubscribed:':<20} {' '.join(received)}")

    info = await sub.consumer_info()
    print(
        f"{'audit consumer info:':<20} delivered={info.delivered.stream_seq} "
        f"ack_floor={info.ack_floor.stream_seq} num_pending={info.num_pending}"
    )

    # Clean up: deleting the stream deletes the durable consumer too.
    await sub.unsubscribe()
    await js.delete_stream("EVENTS")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
