# Queue groups are part of core NATS; the client only needs `nats`.
import asyncio
import os
from collections import Counter

import nats


# Handlers run in the background, so the example waits for them to catch
# up by polling a condition (with a deadline, in case something is wrong).
async def wait_until(condition, timeout=5.0):
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


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

    # Each worker would normally be its own process, so each gets its own
    # connection here. The monitor and the publisher get one too.
    workers = {name: await nats.connect(servers) for name in ["worker-1", "worker-2", "worker-3"]}
    monitor = await nats.connect(servers)

    # Bookkeeping: which worker handled which job, and what the monitor saw.
    handled = []  # (worker, job) pairs
    seen = []

    def worker_handler(name):
        async def handle(msg):
            handled.append((name, msg.data.decode()))

        return handle

    # Passing `queue="workers"` makes the subscription a member of that
    # queue group. All three members use the same subject and group name;
    # that is all it takes to share the work. A round trip on each
    # connection makes sure the server knows every member before the
    # first job is published.
    for name, nc in workers.items():
        await nc.subscribe("jobs", queue="workers", cb=worker_handler(name))
        await round_trip(nc)

    # An ordinary subscription on the same subject is not affected by the
    # group: it still receives every message. Typical uses are auditing or
    # metrics next to the workers.
    async def watch(msg):
        seen.append(msg.data.decode())

    await monitor.subscribe("jobs", cb=watch)
    await round_trip(monitor)

    # The publisher connects once everyone is listening. It publishes 30
    # jobs, then we wait until both the group and the monitor have
    # processed 30 messages.
    publisher = await nats.connect(servers)
    for i in range(1, 31):
        await publisher.publish("jobs", f"job-{i}".encode())
    print("published 30 jobs")
    await wait_until(lambda: len(handled) == 30 and len(seen) == 30)

    # Each job reached exactly one member: none is missing and none was
    # handled twice. How many each worker got varies from run to run (the
    # server picks a member at random), but every worker got a share and
    # the shares add up. (With 30 jobs, the chance that one of three
    # members gets none is about 1 in 60,000.)
    jobs = [job for _, job in handled]
    print(f"queue group handled {len(jobs)} jobs, {len(jobs) - len(set(jobs))} of them twice")
    per_worker = Counter(name for name, _ in handled)
    print(f"workers that got a share: {len(per_worker)} of {len(workers)}")
    print(f"jobs per worker vary from run to run, but add up to {sum(per_worker.values())}")

    # The monitor, outside the group, got its own copy of every job. The
    # server delivers each message once to every queue group and once to
    # every plain subscription.
    print(f"monitor (no queue group) saw {len(set(seen))} jobs")

    # Now two workers shut down. Draining lets each finish what it already
    # received and removes its membership from the server.
    for name in ["worker-2", "worker-3"]:
        await workers[name].drain()
        print(f"{name} stopped")

    # With one member left, the group keeps working: worker-1 gets every
    # new job. Nothing had to be reconfigured; the server just has fewer
    # members to choose from.
    handled.clear()
    for i in range(31, 41):
        await publisher.publish("jobs", f"job-{i}".encode())
    print("published 10 more jobs")
    await wait_until(lambda: len(handled) == 10)
    by_worker_1 = sum(1 for name, _ in handled if name == "worker-1")
    print(f"worker-1 handled {by_worker_1} of them")

    for nc in [publisher, monitor, workers["worker-1"]]:
        await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
