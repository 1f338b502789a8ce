# A push consumer with a *deliver group* spreads its messages over several
# subscribers, like a core NATS queue group, but with JetStream's storage
# and acknowledgements behind it. `Counter` tallies who did what.
import asyncio
import os
from collections import Counter
from contextlib import suppress

import nats
import nats.js.errors


async def main():
    # Connect and get a JetStream context, as every JetStream example does
    # (the JetStream introduction explains the context).
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the stream if an interrupted run left it. Then
    # create a stream for orders.
    with suppress(nats.js.errors.NotFoundError):
        await js.delete_stream("ORDERS")
    await js.add_stream(name="ORDERS", subjects=["orders.>"])

    # Each worker counts the orders it handles, and we count how often each
    # order was handled in total, to check that no order is processed
    # twice. An event fires when the expected number has been handled.
    per_worker = Counter()
    per_order = Counter()
    done = asyncio.Event()
    expected = 0

    def worker(name):
        async def handle(msg):
            per_worker[name] += 1
            per_order[msg.subject] += 1
            if per_order.total() == expected:
                done.set()

        return handle

    # nats-py 2.16 has only the older JetStream API, in which a worker
    # joins with `js.subscribe`: passing `queue` makes it a queue
    # subscription. The first call creates a durable push consumer named
    # after the queue, with `deliver_group` set to it; the next calls find
    # that consumer and join the same group. The server hands each message
    # to one member of the group. Messages are acknowledged when the
    # callback returns.
    subs = {}
    for name in ["worker-1", "worker-2", "worker-3"]:
        subs[name] = await js.subscribe("orders.>", queue="processors", cb=worker(name))

    # Publish 30 orders and wait for the group to handle them. Which worker
    # gets which order is up to the server and changes from run to run, so
    # we print totals: every order handled exactly once, and every worker
    # got a share.
    expected += 30
    for i in range(1, 31):
        await js.publish(f"orders.{i}", f"order {i}".encode())
    await asyncio.wait_for(done.wait(), timeout=5)
    print(f"handled {per_order.total()} orders, {len(per_order)} distinct")
    print(f"orders handled more than once: {sum(1 for n in per_order.values() if n > 1)}")
    print(f"workers that got a share: {sum(1 for n in per_worker.values() if n > 0)} of 3")

    # Scaling down is just unsubscribing. Drain worker-3 (it finishes what
    # it already has), publish 20 more orders, and the two remaining
    # workers take all of them.
    await subs.pop("worker-3").drain()
    worker3_before = per_worker["worker-3"]
    done.clear()
    expected += 20
    for i in range(31, 51):
        await js.publish(f"orders.{i}", f"order {i}".encode())
    await asyncio.wait_for(done.wait(), timeout=5)
    print(f"after worker-3 left: handled {per_order.total()} orders, {len(per_order)} distinct")
    print(f"new orders taken by worker-3: {per_worker['worker-3'] - worker3_before}")

    # The consumer itself is an ordinary durable consumer with a deliver
    # group. Every stored order has been delivered, none is pending.
    info = await subs["worker-1"].consumer_info()
    print(
        f"consumer {info.name}: deliver_group={info.config.deliver_group} "
        f"delivered={info.delivered.stream_seq} num_pending={info.num_pending}"
    )

    # A subscriber outside the group cannot bind to this consumer: nats-py
    # refuses a plain subscription to a consumer that has a deliver group,
    # so messages are never split between group members and an outsider.
    try:
        await js.subscribe("orders.>", durable="processors")
    except nats.js.errors.Error as err:
        print(f"plain subscribe to 'processors' refused: {err.description}")

    # Clean up: deleting the stream deletes the consumer too.
    for sub in subs.values():
        await sub.unsubscribe()
    await js.delete_stream("ORDERS")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
