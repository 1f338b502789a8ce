# A pull consumer can be given limits that protect the server and share
# the work fairly between clients. This program shows each limit being hit
# and what the client gets back. Besides nats-py it only needs `json`,
# to speak the JetStream API directly where nats-py has no option for it.
import asyncio
import json
import os

import nats
from nats.js.api import DeliverPolicy


async def main():
    # Connect to the server(s) in `NATS_URL`, or a local default, get a
    # JetStream context and store ten orders in a stream.
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    await js.add_stream(name="ORDERS", subjects=["orders.>"])
    for i in range(1, 11):
        await js.publish(f"orders.{i}", f"order {i}".encode())

    # `max_ack_pending` caps how many messages may be delivered and not yet
    # acknowledged. It is flow control for slow consumers: the server stops
    # delivering until acks free up room. Here it is 3.
    print("-- max_ack_pending=3")
    await js.add_consumer("ORDERS", durable_name="worker", max_ack_pending=3)
    worker = await js.pull_subscribe_bind("worker", stream="ORDERS")

    # We ask for 5 and get only 3. A second fetch gets nothing at all and
    # times out, because all 3 slots are taken by unacknowledged messages.
    # Once they are acked, the next fetch gets 3 more.
    msgs = await worker.fetch(5, timeout=0.5)
    print(f"fetch(5): got {len(msgs)}:", ", ".join(m.subject for m in msgs))
    try:
        await worker.fetch(5, timeout=0.5)
    except TimeoutError:
        print("fetch(5): timed out, 3 messages are waiting for an ack")
    for msg in msgs:
        await msg.ack_sync()
    msgs = await worker.fetch(5, timeout=0.5)
    print(f"acked them, fetch(5): got {len(msgs)}:", ", ".join(m.subject for m in msgs))

    # That last fetch got only 3 of its 5, so its pull request is still
    # waiting at the server, and will end with an expiry notice sent to
    # this subscription. We are done with the worker, so unsubscribe
    # rather than leave that notice unread (`nc.drain()` at the end would
    # wait for it to be consumed).
    await worker.unsubscribe()

    # The remaining limits are about *pull requests*. `fetch` works by
    # publishing a small JSON request (batch size, expiry, byte budget) to
    # `$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`, with a reply inbox
    # where the server sends the messages. When the server refuses a
    # request it answers with a status message instead (409 plus a
    # description). nats-py's `fetch` takes a 409 for a passing condition
    # and just returns no messages, so to see the server's reason we send
    # the requests ourselves and report what comes back.
    async def pull(consumer, **request):
        inbox = nc.new_inbox()
        sub = await nc.subscribe(inbox)
        subject = f"$JS.API.CONSUMER.MSG.NEXT.ORDERS.{consumer}"
        await nc.publish(subject, json.dumps(request).encode(), reply=inbox)
        got = 0
        try:
            while got < request.get("batch", 1):
                msg = await sub.next_msg(timeout=2)
                if msg.headers and "Status" in msg.headers:
                    status = f"{msg.headers['Status']} {msg.headers.get('Description')}"
                    return f"got {got}, then {status}"
                await msg.ack()
                got += 1
            return f"got {got}"
        finally:
            await sub.unsubscribe()

    # `max_waiting` caps how many pull requests may wait at the consumer at
    # once (512 by default). With a limit of 1, a first request that waits
    # for new messages takes the only slot, and a second one is refused at
    # once. The first one ends when its `expires` runs out, with a 408.
    print("-- max_waiting=1")
    await js.add_consumer(
        "ORDERS", durable_name="idle", deliver_policy=DeliverPolicy.NEW, max_waiting=1
    )
    first = asyncio.create_task(pull("idle", batch=1, expires=500_000_000))
    await asyncio.sleep(0.1)
    print("second request:", await pull("idle", batch=1, expires=500_000_000))
    print("first request: ", await first)

    # A consumer can also bound each single request: its batch size
    # (`max_batch`), its byte budget (`max_bytes`) and how long it may wait
    # (`max_expires`, in nanoseconds). nats-py 2.16's `ConsumerConfig` has
    # no fields for these, so we create this consumer with the same
    # JetStream API request that `add_consumer` sends, adding them to the
    # config.
    print("-- max_batch=4, max_bytes=1000, max_expires=1s")
    config = {
        "durable_name": "batcher",
        "ack_policy": "explicit",
        "max_batch": 4,
        "max_bytes": 1000,
        "max_expires": 1_000_000_000,
    }
    resp = await nc.request(
        "$JS.API.CONSUMER.CREATE.ORDERS.batcher",
        json.dumps({"stream_name": "ORDERS", "config": config}).encode(),
    )
    assert "error" not in json.loads(resp.data)

    # Requests over a limit are rejected outright. A request *within* the
    # byte limit but too small for the next message is different: it gets
    # the messages that fit (each counts its subject, reply subject,
    # headers and payload), then a 409 that says the budget ran out.
    print("batch=10:              ", await pull("batcher", batch=10))
    print("batch=4 max_bytes=5000:", await pull("batcher", batch=4, max_bytes=5000))
    print("batch=1 expires=5s:    ", await pull("batcher", batch=1, expires=5_000_000_000))
    print("batch=4 max_bytes=200: ", await pull("batcher", batch=4, max_bytes=200))
    print("batch=4:               ", await pull("batcher", batch=4))

    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
