# With a pull consumer, `fetch` is how messages get to the application.
# How long it waits and what it returns depend on what the stream holds,
# so this program times every call. `time` is only used for that.
import asyncio
import os
import time

import nats
from nats.js.errors import FetchTimeoutError


async def main():
    # Connect to the server(s) in `NATS_URL`, or a local default, and get
    # a JetStream context.
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # A backlog of seven messages, and a durable pull consumer to read it.
    await js.add_stream(name="TASKS", subjects=["tasks.>"])
    for i in range(1, 8):
        await js.publish(f"tasks.{i}", f"task {i}".encode())
    sub = await js.pull_subscribe("tasks.>", durable="worker", stream="TASKS")

    # `fetch(batch, timeout)` returns a list of up to `batch` messages. To
    # work through a backlog, fetch in a loop. The first two batches are
    # full. The third asks for 3 while only 1 is left, and returns that one
    # at once: `fetch` does not wait to fill a batch when messages are
    # already there. The fourth finds nothing, waits for the whole timeout
    # and raises `TimeoutError`, which is the signal to stop. (Catch the
    # built-in `TimeoutError`: nats-py raises its own subclass of it, or
    # occasionally the plain one.)
    for n in range(1, 6):
        start = time.monotonic()
        try:
            msgs = await sub.fetch(3, timeout=0.5)
        except TimeoutError:
            print(f"fetch #{n}: nothing after {time.monotonic() - start:.1f} s, backlog done")
            break
        subjects = ", ".join(m.subject for m in msgs)
        print(f"fetch #{n}: {len(msgs)} in {time.monotonic() - start:.1f} s: {subjects}")
        for msg in msgs:
            await msg.ack()

    # A plain timeout cannot tell "no messages" apart from "the server or
    # the connection is gone". Pass `heartbeat` and the server sends idle
    # heartbeats while the request waits; if some arrived, the empty fetch
    # raises `FetchTimeoutError` (a subclass of `TimeoutError`), so the
    # caller knows the consumer is alive and simply has nothing for it.
    start = time.monotonic()
    try:
        await sub.fetch(3, timeout=1, heartbeat=0.25)
    except FetchTimeoutError:
        print(f"fetch with heartbeat: {time.monotonic() - start:.1f} s, server alive, no messages")

    # A fetch is also a long poll: the request waits at the server until
    # a message comes. To show it, a second worker binds to the same
    # durable consumer (any number of subscriptions may pull from one
    # consumer, sharing its messages). Its `fetch(1)` starts on an empty
    # consumer, a message is published 0.3 s later, and the fetch returns
    # as soon as it arrives instead of at its 2 s timeout. (nats-py 2.16
    # pull subscriptions have no `next_msg`; `fetch(1)` is the way to take
    # one message at a time.)
    second = await js.pull_subscribe_bind("worker", stream="TASKS")

    async def publish_later():
        await asyncio.sleep(0.3)
        await js.publish("tasks.8", b"task 8")

    publisher = asyncio.create_task(publish_later())
    start = time.monotonic()
    msgs = await second.fetch(1, timeout=2)
    print(f"second worker, fetch(1): got {msgs[0].subject} after {time.monotonic() - start:.1f} s")
    await msgs[0].ack()
    await publisher

    # Unsubscribe the first worker before draining the connection. Fetches
    # that time out or return early can leave server notices behind
    # (request expired, heartbeats). The next `fetch` skips them, but in
    # nats-py 2.16 a skipped notice still counts as unread, so draining
    # that subscription would wait out its 30 s drain timeout.
    await sub.unsubscribe()
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
