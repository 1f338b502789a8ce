# This example needs only the NATS client and `asyncio`, which provides the
# queue that merges the subscriptions.
import asyncio
import os

import nats


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)

    # One subscription per subject. Without a callback, each one offers its
    # messages as an async iterator, `sub.messages`.
    subjects = ["orders.created", "payments.received", "shipments.sent"]
    subs = [await nc.subscribe(subject) for subject in subjects]
    await nc.flush()

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

    # Meanwhile, other services (here, one more connection) publish events
    # about two orders, a little apart. Within one subscription, messages
    # from a publisher arrive in the order they were sent, but NATS
    # promises no order *between* subscriptions, which is why the events
    # are paced here rather than sent in one burst.
    events = [
        ("orders.created", "order-1"),
        ("orders.created", "order-2"),
        ("payments.received", "order-2"),
        ("payments.received", "order-1"),
        ("shipments.sent", "order-2"),
        ("shipments.sent", "order-1"),
    ]

    publisher = await nats.connect(servers)

    async def publish_events():
        for subject, order in events:
            await publisher.publish(subject, order.encode())
            await asyncio.sleep(0.1)

    publishing = asyncio.create_task(publish_events())

    # The single place where every message is handled. `match` on the
    # subject picks the new status; state from all three subjects lives in
    # one dict, with no locking needed since only this loop touches it.
    status = {}
    handled = 0
    while True:
        msg = await merged.get()
        handled += 1
        order = msg.data.decode()
        match msg.subject:
            case "orders.created":
                status[order] = "created"
            case "payments.received":
                status[order] = "paid"
            case "shipments.sent":
                status[order] = "shipped"
        print(f"{msg.subject:<18} {order} -> {status[order]}")

        # A condition that depends on several subjects at once is easy
        # here: stop once every known order has shipped.
        if all(s == "shipped" for s in status.values()):
            print(f"all orders shipped after {handled} messages, stopping")
            break

    summary = ", ".join(f"{order}={s}" for order, s in sorted(status.items()))
    print(f"final status: {summary}")

    # Unsubscribing ends each `sub.messages` iterator, and with it the
    # forwarding tasks.
    await publishing
    for sub in subs:
        await sub.unsubscribe()
    await asyncio.gather(*forwarders)
    await publisher.drain()
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
