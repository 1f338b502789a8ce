# This example needs only the NATS client and `asyncio`, which provides the
# queue that merges the subscriptions.
import asyncio
import os

import nats

STEPS = ["created", "paid", "shipped"]


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
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)

    # One subscription per subject. Without a callback, each one offers its
    # messages as an async iterator, `sub.messages`.
    subjects = ["orders.created", "payments.received", "shipments.sent"]
    subs = [await nc.subscribe(subject) for subject in subjects]
    await round_trip(nc)

    # Merge them: a task per subscription copies its messages into one
    # shared queue. Each iterator ends when its subscription is removed, so
    # these tasks finish on their own at the end.
    #
    # (The alternative is one callback passed to several `subscribe` calls.
    # That also handles everything in one function, but as a push handler;
    # the queue gives a loop you control, that can stop when it is done.)
    merged = asyncio.Queue()

    async def forward(sub):
        async for msg in sub.messages:
            await merged.put(msg)

    forwarders = [asyncio.create_task(forward(sub)) for sub in subs]

    # Meanwhile another service (here, one more connection) publishes the
    # events of two orders, all at once.
    #
    # What NATS guarantees: the messages of one publisher reach each
    # subscription in the order they were published. Nothing more: there
    # is no order between different publishers, and none between
    # subscriptions. In nats-py each subscription has its own queue, and
    # the forwarding tasks above take turns, so the merged queue mixes
    # the three subjects in an order nobody chose: a payment can come out
    # ahead of the creation of its order, although it was published later.
    events = [
        ("orders.created", "order-1"),
        ("orders.created", "order-2"),
        ("payments.received", "order-2"),
        ("payments.received", "order-1"),
        ("shipments.sent", "order-2"),
        ("shipments.sent", "order-1"),
    ]
    publisher = await nats.connect(servers)
    for subject, order in events:
        await publisher.publish(subject, order.encode())
    print(f"published {len(events)} events on {len(subjects)} subjects at once")

    # The single place where every message is handled. Because the merged
    # order is not the publishing order, the state records which steps
    # each order has passed, not just the last message seen, and the
    # status is the furthest step. State from all three subjects lives in
    # one dict, with no locking needed since only this loop touches it.
    # The loop keeps, per subject, the orders in the sequence they came,
    # which is the order NATS does guarantee.
    step_of = dict(zip(subjects, STEPS, strict=True))
    passed = {}
    per_subject = {subject: [] for subject in subjects}
    handled = 0
    while True:
        msg = await merged.get()
        handled += 1
        order = msg.data.decode()
        passed.setdefault(order, set()).add(step_of[msg.subject])
        per_subject[msg.subject].append(order)

        # A condition that depends on several subjects at once is easy
        # here: stop once every order heard of has passed all three steps.
        if all(len(done) == len(STEPS) for done in passed.values()):
            print(f"every order created, paid and shipped after {handled} messages, stopping")
            break

    for subject, orders in per_subject.items():
        print(f"{subject:<18} in publishing order: {', '.join(orders)}")
    status = {order: max(done, key=STEPS.index) for order, done in passed.items()}
    print("final status: " + ", ".join(f"{o}={s}" for o, s in sorted(status.items())))

    # Unsubscribing ends each `sub.messages` iterator, and with it the
    # forwarding tasks.
    for sub in subs:
        await sub.unsubscribe()
    await asyncio.gather(*forwarders)
    await publisher.drain()
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
