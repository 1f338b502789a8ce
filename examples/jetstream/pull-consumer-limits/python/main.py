# A pull consumer can be given limits that protect the server and share
# the work fairly between clients. This program shows each limit being hit
# and what the client gets back. Besides nats-py it only needs `json`, to
# speak the JetStream API directly where nats-py has no option for it.
import asyncio
import json
import os
from contextlib import suppress

import nats
from nats.js.api import DeliverPolicy
from nats.js.errors import NotFoundError


async def main():
    # Connect and get a JetStream context, as every JetStream example does
    # (the JetStream introduction explains the context). Start clean:
    # delete the stream if an interrupted run left it, then store ten
    # orders.
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()
    with suppress(NotFoundError):
        await js.delete_stream("ORDERS")
    await js.add_stream(name="ORDERS", subjects=["orders.>"])
    for i in range(1, 11):
        await js.publish(f"orders.{i}", f"order {i}".encode())

    # `max_ack_pending=3`: at most 3 messages delivered and not yet acked.
    # We ask for 5 and get 3; the next fetch gets nothing and times out.
    # Once they are acked, the next fetch gets 3 more. Then unsubscribe:
    # that last fetch's request is still waiting at the server, and its
    # expiry notice would otherwise hold up `nc.drain()` at the end.
    print("-- max_ack_pending=3")
    await js.add_consumer("ORDERS", durable_name="worker", max_ack_pending=3)
    worker = await js.pull_subscribe_bind("worker", stream="ORDERS")
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
    await worker.unsubscribe()

    # The other limits are about *pull requests*: the small JSON request
    # (batch, expiry in ns, byte budget) that `fetch` publishes to
    # `$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`. A refused request
    # is answered with a status message (409 and a reason), which nats-py's
    # `fetch` swallows, so we send requests ourselves: `send` publishes
    # one with a fresh reply inbox, `outcome` reads what comes back.
    async def send(consumer, **request):
        sub = await nc.subscribe(nc.new_inbox())
        subject = f"$JS.API.CONSUMER.MSG.NEXT.ORDERS.{consumer}"
        await nc.publish(subject, json.dumps(request).encode(), reply=sub.subject)
        return sub

    async def outcome(sub, batch=1):
        got = 0
        while got < batch:
            msg = await sub.next_msg(timeout=2)
            if msg.headers and "Status" in msg.headers:
                await sub.unsubscribe()
                return f"got {got}, then {msg.headers['Status']} {msg.headers['Description']}"
            await msg.ack()
            got += 1
        await sub.unsubscribe()
        return f"got {got}"

    # `max_waiting=1`: one pull request may wait at the consumer. Both
    # requests go out on one connection, so the server sees them in that
    # order: the first waits for new messages and takes the only slot, the
    # second is refused. The first ends when its `expires` runs out (408).
    print("-- max_waiting=1")
    await js.add_consumer("ORDERS", durable_name="idle", deliver_policy=DeliverPolicy.NEW,
                          max_waiting=1)
    first = await send("idle", batch=1, expires=500_000_000)
    second = await send("idle", batch=1, expires=500_000_000)
    print("second request:", await outcome(second))
    print("first request: ", await outcome(first))

    # A consumer can also bound each request: `max_batch`, `max_bytes` and
    # `max_expires`. nats-py 2.16's `ConsumerConfig` has no fields for
    # them, so we send the consumer-create request ourselves; an `error`
    # in the answer means the server refused the config.
    print("-- max_batch=4, max_bytes=1000, max_expires=1s")
    config = {"durable_name": "batcher", "ack_policy": "explicit",
              "max_batch": 4, "max_bytes": 1000, "max_expires": 1_000_000_000}
    resp = await nc.request("$JS.API.CONSUMER.CREATE.ORDERS.batcher",
                            json.dumps({"stream_name": "ORDERS", "config": config}).encode())
    if "error" in json.loads(resp.data):
        raise SystemExit(f"consumer refused: {json.loads(resp.data)['error']['description']}")

    # Requests over a limit are refused outright. A request within the
    # byte limit but too small for the next message gets what fits (each
    # counts its subject, reply subject, headers and payload), then a 409.
    for label, request in [("batch=10", {"batch": 10}),
                           ("batch=4 max_bytes=5000", {"batch": 4, "max_bytes": 5000}),
                           ("batch=1 expires=5s", {"batch": 1, "expires": 5_000_000_000}),
                           ("batch=4 max_bytes=200", {"batch": 4, "max_bytes": 200}),
                           ("batch=4", {"batch": 4})]:
        sub = await send("batcher", **request)
        print(f"{label + ':':<23}", await outcome(sub, request["batch"]))

    # Clean up: deleting the stream deletes its consumers too.
    await js.delete_stream("ORDERS")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
