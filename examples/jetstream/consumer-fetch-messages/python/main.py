# With a pull consumer, `fetch` is how messages get to the application.
# How long it waits and what it returns depend on what the stream holds,
# so this program times every call. `time` is only used for that.
import asyncio
import os
import time
from contextlib import suppress

import nats
from nats.js.errors import FetchTimeoutError, NotFoundError


# How long a call waited, in words: "at once", or "after the whole
# timeout". The program prints the word rather than the milliseconds, so
# its output is the same on every run; anything else would show up as a
# measured time.
def waited(start, timeout):
    elapsed = time.monotonic() - start
    if elapsed < 0.2:
        return "at once"
    if timeout - 0.05 < elapsed < timeout + 0.3:
        return f"after the whole {timeout:g} s timeout"
    return f"after {elapsed:.2f} s"


async def main():
    # Connect and get a JetStream context, as every JetStream example does
    # (the JetStream introduction explains the context).
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the stream if an interrupted run left it.
    with suppress(NotFoundError):
        await js.delete_stream("TASKS")

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
            print(f"fetch #{n}: nothing, {waited(start, 0.5)}: backlog done")
            break
        subjects = ", ".join(m.subject for m in msgs)
        print(f"fetch #{n}: {len(msgs)} {waited(start, 0.5)}: {subjects}")
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
        print(f"fetch with heartbeat: {waited(start, 1)}: server alive, no messages")

    # A fetch is also a long poll: the request waits at the server until
    # a message comes. To show it, a second worker binds to the same
    # durable consumer (any number of subscriptions may pull from one
    # consumer, sharing its messages). Its `fetch(1)` starts on an empty
    # consumer, a message is published 0.3 s later, and the fetch returns
    # as soon as it arrives instead of at its 2 s timeout: timed from the
    # publish, it returns at once. (nats-py 2.16 pull subscriptions have
    # no `next_msg`; `fetch(1)` is the way to take one message at a time.)
    second = await js.pull_subscribe_bind("worker", stream="TASKS")

    async def publish_later():
        await asyncio.sleep(0.3)
        await js.publish("tasks.8", b"task 8")
        return time.monotonic()

    publisher = asyncio.create_task(publish_later())
    msgs = await second.fetch(1, timeout=2)
    published = await publisher
    when = waited(published, 2)
    print(f"second worker, fetch(1): {msgs[0].subject} published 0.3 s in, returned {when}")
    await msgs[0].ack()

    # Unsubscribe the first worker before draining the connection. Fetches
    # that time out or return early can leave server notices behind
    # (request expired, heartbeats). The next `fetch` skips them, but in
    # nats-py 2.16 a skipped notice still counts as unread, so draining
    # that subscription would wait out its 30 s drain timeout.
    await sub.unsubscribe()

    # Clean up: deleting the stream deletes the consumer too.
    await js.delete_stream("TASKS")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
