# Besides the NATS client this example uses only `asyncio` (for tasks and
# sleeping) and `time` (to measure how long each approach takes).
import asyncio
import os
import time

import nats

# Four jobs and how long each takes to process, in seconds. A sleep stands
# in for I/O such as a database query; the jobs are deliberately not in
# order of duration.
JOBS = {"job-1": 0.4, "job-2": 0.1, "job-3": 0.3, "job-4": 0.2}


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)

    # The work itself, shared by both handlers. When a job is done it
    # prints how long after the first publish that was (rounded to a tenth
    # of a second) and records that it finished.
    finished = []
    start = 0.0

    async def process(msg):
        job = msg.data.decode()
        await asyncio.sleep(JOBS[job])
        print(f"  {job} done at {time.monotonic() - start:.1f} s")
        finished.append(job)

    # Sequential: the handler awaits the work. nats-py does not call the
    # handler again until it returns, so the jobs run one after another,
    # in the order they were published, and the total is the sum of all
    # durations.
    async def sequential(msg):
        await process(msg)

    # Concurrent: the handler starts a task and returns immediately, so
    # the next message is handed over right away and the waits overlap.
    # Keep a reference to each task until it is done; asyncio holds only
    # weak references to running tasks.
    #
    # In a real service, bound the number of tasks in flight (for example
    # with an `asyncio.Semaphore`) so a burst of messages cannot start
    # thousands at once. And note that tasks only help with waiting:
    # CPU-heavy work still runs one piece at a time on the event loop.
    tasks = set()

    async def concurrent(msg):
        task = asyncio.create_task(process(msg))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    # Run the same four jobs through each handler and time them from the
    # first publish until the last job has finished.
    for name, handler in [("sequential", sequential), ("concurrent", concurrent)]:
        print(f"{name}:")
        finished.clear()
        sub = await nc.subscribe(f"work.{name}", cb=handler)
        start = time.monotonic()
        for job in JOBS:
            await nc.publish(f"work.{name}", job.encode())
        while len(finished) < len(JOBS):
            await asyncio.sleep(0.01)
        print(f"  all {len(finished)} jobs in {time.monotonic() - start:.1f} s")
        await sub.unsubscribe()

    # What to notice: sequentially the jobs finish in publish order and
    # the total is the sum (0.4 + 0.1 + 0.3 + 0.2 = 1.0 s). Concurrently
    # they finish shortest first, and the total is that of the longest job
    # (0.4 s). The price is that completion order no longer follows
    # publish order.
    #
    # When shutting down, wait for your own tasks too: draining the
    # connection only waits for the handler calls, which have long
    # returned.
    await asyncio.gather(*tasks)
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
