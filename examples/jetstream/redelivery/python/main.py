# A consumer that requires acknowledgements delivers a message again until
# it is acknowledged. This program shows every way a worker can steer
# that, and what happens to a job that never succeeds. It needs nats-py's
# consumer settings, `json` to read the server's advisory, and `time` to
# say how far apart the redeliveries came.
import asyncio
import json
import os
import time
from contextlib import suppress

import nats
from nats.js.api import ConsumerConfig, RetentionPolicy
from nats.js.errors import NotFoundError


async def main():
    # Connect and get a JetStream context, as every JetStream example does
    # (the JetStream introduction explains the context).
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the streams if an interrupted run left them.
    for stream in ["JOBS", "DEAD"]:
        with suppress(NotFoundError):
            await js.delete_stream(stream)

    # `JOBS` is a work queue, as in [Work-queue Stream](../workqueue-stream/index.md).
    # `DEAD` is a plain stream that keeps the jobs nobody could do: the
    # dead-letter queue, for a person or a repair job to look at later.
    await js.add_stream(name="JOBS", subjects=["jobs.>"], retention=RetentionPolicy.WORK_QUEUE)
    await js.add_stream(name="DEAD", subjects=["dead.>"])

    # The consumer's redelivery policy. `max_deliver=3` caps the attempts
    # per message. `backoff` spaces out redeliveries after an unanswered
    # delivery: the first retry waits 1 s, every later one 2 s (the last
    # step repeats). With a backoff, the server uses its first step as the
    # ack wait and ignores `ack_wait`; without one, every redelivery waits
    # `ack_wait`, 30 s by default.
    await js.add_consumer(
        "JOBS", ConsumerConfig(durable_name="worker", max_deliver=3, backoff=[1, 2])
    )
    worker = await js.pull_subscribe_bind("worker", stream="JOBS")
    print("consumer worker: max_deliver=3, backoff=[1 s, 2 s]")

    # Each message says which attempt this is: `num_delivered` in its
    # metadata, parsed from the reply subject the server sent it with.
    async def next_job(timeout=3):
        msg = (await worker.fetch(1, timeout=timeout))[0]
        return msg, f"{msg.subject} delivery {msg.metadata.num_delivered}"

    # 1. `nak` says "not now": the job goes back to the consumer at once,
    # or, with `delay`, after that many seconds. Here the mail server the
    # job needs is down, so the worker asks for it again in a second. A
    # fetch right away finds nothing; the next one, a second later, gets
    # it back. (A plain `nak` ignores the backoff; only a delivery left
    # unanswered waits for it.)
    await js.publish("jobs.1", b"send invoice")
    msg, attempt = await next_job()
    print(f"{attempt}: nak(delay=1), the mail server is down")
    await msg.nak(delay=1)
    try:
        await worker.fetch(1, timeout=0.5)
    except TimeoutError:
        print("jobs.1 fetch right after: nothing, the delay holds it back")
    msg, attempt = await next_job()
    print(f"{attempt}: ack")
    await msg.ack_sync()

    # 2. `in_progress` says "still on it": each one restarts the ack wait.
    # This job takes 2.5 s while the ack wait is 1 s, so the worker sends
    # one every half second. Meanwhile a second worker pulling from the
    # same consumer gets nothing: the job is not redelivered behind the
    # first worker's back. (`in_progress` may be sent any number of
    # times; `ack`, `nak` and `term` end the delivery.)
    await js.publish("jobs.2", b"render video")
    msg, attempt = await next_job()
    print(f"{attempt}: 2.5 s of work, in_progress every 0.5 s")
    second = await js.pull_subscribe_bind("worker", stream="JOBS")

    async def second_worker():
        try:
            await second.fetch(1, timeout=2)
            return "got it: redelivered!"
        except TimeoutError:
            return "nothing"

    meanwhile = asyncio.create_task(second_worker())
    for _ in range(5):
        await asyncio.sleep(0.5)
        await msg.in_progress()
    print(f"jobs.2 second worker meanwhile: {await meanwhile}")
    await msg.ack_sync()
    print("jobs.2 ack: done in one delivery")

    # 3. `term` says "never again": the job can't succeed (its input is
    # malformed), so the server must not redeliver it. On a work queue,
    # `term` removes the message like an ack does, so a worker that wants
    # to keep the job copies it to the dead-letter queue first.
    await js.publish("jobs.3", b"{malformed")
    msg, attempt = await next_job()
    await js.publish("dead.jobs.3", msg.data)
    await msg.term()
    print(f"{attempt}: malformed, copied to dead.jobs.3, then term")

    # 4. A job that crashes its worker is never answered at all. The
    # server redelivers it when the ack wait runs out, on the backoff
    # schedule, until `max_deliver` is reached. Then it gives up on the
    # message and publishes an *advisory*, a JSON event on
    # `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`;
    # the message itself stays in the stream. A dead-letter handler
    # subscribes to the advisory, reads the job by its stream sequence,
    # copies it to `DEAD` and deletes it from `JOBS`. (A core subscription
    # misses advisories while the handler is down; a stream whose subjects
    # include the advisory subject keeps them until it is back.)
    moved = asyncio.Event()

    async def dead_letter(advisory):
        event = json.loads(advisory.data)
        job = await js.get_msg("JOBS", event["stream_seq"])
        print(
            f"advisory: {job.subject} (stream seq {event['stream_seq']}) "
            f"gave up after {event['deliveries']} deliveries"
        )
        await js.publish(f"dead.{job.subject}", job.data)
        await js.delete_msg("JOBS", event["stream_seq"])
        print(f"{job.subject} copied to dead.{job.subject} and deleted from JOBS")
        moved.set()

    await nc.subscribe("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.JOBS.worker", cb=dead_letter)

    # The worker keeps pulling, as real workers do, and the deliveries
    # come 1 s and then 2 s apart. The fourth pull gets nothing: the
    # server gives up once the last delivery's ack wait (the last backoff
    # step, 2 s) has run out. It does so while a pull request is waiting:
    # nats-server 2.15 sent no advisory to a pull consumer nobody was
    # pulling from.
    await js.publish("jobs.4", b"resize a 0-byte image")
    last = time.monotonic()
    for n in range(4):
        try:
            msg, attempt = await next_job(timeout=4)
        except TimeoutError:
            print("jobs.4 next fetch: nothing, the server has given up on it")
            break
        later = f", {round(time.monotonic() - last)} s later" if n else ""
        last = time.monotonic()
        print(f"{attempt}{later}: no ack (the worker crashed)")
    async with asyncio.timeout(2):
        await moved.wait()

    # What is left: nothing in the work queue, two jobs in the dead-letter
    # queue.
    jobs = (await js.stream_info("JOBS")).state.messages
    dead = await js.stream_info("DEAD", subjects_filter=">")
    print(f"JOBS holds {jobs} messages; DEAD holds {', '.join(sorted(dead.state.subjects))}")

    # Unsubscribe both workers before draining the connection. Their timed
    # out fetches left server notices (request expired) behind; the next
    # `fetch` would skip them, but in nats-py 2.16 a skipped notice still
    # counts as unread, so draining the subscription would wait out its
    # 30 s drain timeout. Then clean up: deleting the streams deletes the
    # consumer too.
    await worker.unsubscribe()
    await second.unsubscribe()
    for stream in ["JOBS", "DEAD"]:
        await js.delete_stream(stream)
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
