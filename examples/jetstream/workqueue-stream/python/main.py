# A *work-queue* stream hands each message to exactly one consumer and
# deletes it once that consumer acknowledges it. We use the core client,
# the retention policy setting and two JetStream error types: the general
# `APIError` and `NotFoundError`, for a stream that does not exist.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.api import RetentionPolicy
from nats.js.errors import APIError, NotFoundError


async def main():
    # Connect and get a JetStream context, as every JetStream example does
    # (the JetStream introduction explains the context).
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the stream if an interrupted run left it.
    with suppress(NotFoundError):
        await js.delete_stream("JOBS")

    # After each step, print a summary of the stream: how many jobs it
    # still holds and the range of sequence numbers they span.
    async def show(label):
        s = (await js.stream_info("JOBS")).state
        print(f"{label:<26} messages={s.messages} first_seq={s.first_seq} last_seq={s.last_seq}")

    # Create the stream with work-queue retention. It behaves like a
    # durable job queue: producers publish jobs, and a job stays in the
    # stream until a worker acknowledges it, then it is gone for good.
    await js.add_stream(
        name="JOBS",
        subjects=["jobs.>"],
        retention=RetentionPolicy.WORK_QUEUE,
    )

    # Queue six jobs of two kinds. Unlike an interest stream, a work queue
    # keeps messages while no consumer exists yet: the jobs wait for a
    # worker to show up.
    for i in range(1, 4):
        await js.publish(f"jobs.email.{i}", f"send email {i}".encode())
        await js.publish(f"jobs.resize.{i}", f"resize image {i}".encode())
    await show("6 jobs queued:")

    # A consumer filtered on `jobs.email.>` takes the email jobs. Each
    # acknowledgement deletes the job from the stream; `ack_sync` waits
    # for the server to confirm it, so the state printed next is exact.
    email = await js.pull_subscribe("jobs.email.>", durable="email")
    for msg in await email.fetch(3, timeout=1):
        print(f"email worker did {msg.subject}: {msg.data.decode()}")
        await msg.ack_sync()
    await show("email jobs acked:")

    # Each message may belong to only one consumer, so the server refuses
    # a second consumer whose filter overlaps an existing one. `jobs.>`
    # would also match the email jobs, and creating it fails.
    try:
        await js.pull_subscribe("jobs.>", durable="everything")
    except APIError as err:
        print(f"consumer 'everything' on jobs.> rejected: {err.description}")

    # A filter that does not overlap is fine. The resize worker fetches
    # its three jobs but acknowledges only two: a message that was
    # delivered and not acknowledged stays in the stream, to be delivered
    # again once its ack wait runs out. A worker can also act sooner: ask
    # for redelivery (`nak`, optionally after a delay), ask for more time
    # (`in_progress`) or give up on the job (`term`).
    # [Redelivery](../redelivery/index.md) shows each of them, and how
    # `max_deliver` stops a job that keeps failing.
    resize = await js.pull_subscribe("jobs.resize.>", durable="resize")
    msgs = await resize.fetch(3, timeout=1)
    for msg in msgs[:2]:
        print(f"resize worker did {msg.subject}: {msg.data.decode()}")
        await msg.ack_sync()
    await show("2 of 3 resize jobs acked:")

    # Acknowledging the last job empties the queue.
    print(f"resize worker did {msgs[2].subject}: {msgs[2].data.decode()}")
    await msgs[2].ack_sync()
    await show("all jobs acked:")

    # Clean up: deleting the stream deletes its consumers too.
    await js.delete_stream("JOBS")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
