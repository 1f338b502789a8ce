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


# The total time, in words. The two cases to tell apart are "the sum of
# the durations" (one job after another) and "the longest job" (all at
# once). The program prints which one the measurement matches, rather than
# the milliseconds, so its output is the same on every run.
def describe(elapsed):
    for name, value in [("the sum of the durations", sum(JOBS.values())),
                        ("the longest job", max(JOBS.values()))]:
        if abs(elapsed - value) < 0.15:
            return f"{value:.1f} s, {name}"
    return f"{elapsed:.2f} s"


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)

    # The work itself, shared by both handlers. When a job is done it
    # prints its name and records that it finished; the last one to finish
    # sets an event the program waits on.
    finished = []
    all_done = asyncio.Event()

    async def process(msg):
        job = msg.data.decode()
        await asyncio.sleep(JOBS[job])
        print(f"  {job} done ({JOBS[job]} s of work)")
        finished.append(job)
        if len(finished) == len(JOBS):
            all_done.set()

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
    # first publish until the last job has finished. The wait for the
    # event has a deadline, so a lost message fails the program instead of
    # hanging it.
    for name, handler in [("sequential", sequential), ("concurrent", concurrent)]:
        print(f"{name}:")
        finished.clear()
        all_done.clear()
        sub = await nc.subscribe(f"work.{name}", cb=handler)
        start = time.monotonic()
        for job in JOBS:
            await nc.publish(f"work.{name}", job.encode())
        await asyncio.wait_for(all_done.wait(), timeout=5)
        print(f"  all {len(finished)} jobs in {describe(time.monotonic() - start)}")
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
