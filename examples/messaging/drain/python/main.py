# Draining is part of the core client; this example only needs `nats` and
# `asyncio`.
import asyncio
import os

import nats

JOBS = 6


# Runs a small service and shuts it down with the given method, `close` or
# `drain`, while it still has work buffered.
async def run(servers, shutdown):
    nc = await nats.connect(servers)
    print(f"{shutdown}():")

    # A slow handler: each job takes 0.1 s. nats-py hands a subscription's
    # messages to its handler one at a time, so while one job is being
    # handled the rest wait in the client's buffer.
    handled = []

    async def handle(msg):
        await asyncio.sleep(0.1)
        handled.append(msg.data.decode())
        print(f"  handled {msg.data.decode()}")

    sub = await nc.subscribe("jobs", cb=handle)

    # Publish six jobs and wait until all of them have reached this client
    # (`sub.delivered` counts messages received for the subscription, both
    # handled and still buffered). The wait polls that counter, with a
    # deadline so that a lost message fails the program instead of hanging
    # it.
    for i in range(1, JOBS + 1):
        await nc.publish("jobs", f"job-{i}".encode())
    async with asyncio.timeout(5):
        while sub.delivered < JOBS:
            await asyncio.sleep(0.01)
    print(f"  {sub.delivered} jobs received, handling them...")

    # Shut down after the first two jobs are handled, as if the process had
    # been told to stop (for example by SIGTERM during a deploy).
    async with asyncio.timeout(5):
        while len(handled) < 2:
            await asyncio.sleep(0.01)
    print(f"  calling {shutdown}()")
    if shutdown == "close":
        # `close` stops the handler task right away: the job in progress is
        # cancelled mid-way and the buffered ones are discarded.
        await nc.close()
    else:
        # `drain` unsubscribes, waits until the handler has finished every
        # message already received, then closes. It is bounded by the
        # `drain_timeout` option of `nats.connect` (30 s by default); after
        # that it closes anyway and reports a `DrainTimeoutError` to the
        # error callback.
        await nc.drain()

    lost = JOBS - len(handled)
    print(f"{shutdown}(): {len(handled)} of {JOBS} jobs handled, {lost} lost")


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")

    # Same service, same six jobs, two ways to stop. Notice that `close()`
    # returns after two jobs and loses the other four, while `drain()`
    # keeps handling until all six are done. A single subscription can be
    # drained the same way with `sub.drain()`, leaving the connection open.
    await run(servers, "close")
    await run(servers, "drain")


if __name__ == "__main__":
    asyncio.run(main())
