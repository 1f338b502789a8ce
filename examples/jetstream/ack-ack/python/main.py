# Acknowledging a JetStream message is itself a message, sent to the
# server on the message's reply subject. This example compares the
# fire-and-forget `ack()` with `ack_sync()`, which waits for the server
# to confirm. `NoRespondersError` is what a confirmed ack can report and
# a plain one cannot; `NotFoundError` is what deleting a stream that does
# not exist raises.
import asyncio
import os
from contextlib import suppress

import nats
from nats.errors import NoRespondersError
from nats.js.errors import NotFoundError


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the stream if an interrupted run left it.
    with suppress(NotFoundError):
        await js.delete_stream("TASKS")

    # Four tasks in a stream and a durable pull consumer that requires an
    # explicit ack for each message it delivers.
    await js.add_stream(name="TASKS", subjects=["tasks.>"])
    for n in range(1, 5):
        await js.publish(f"tasks.{n}", f"task {n}".encode())
    sub = await js.pull_subscribe("tasks.>", durable="worker")

    # A small helper prints the consumer's bookkeeping: how many messages
    # it has delivered, how many of those still await an ack, the stream
    # sequence below which everything is acked (the ack floor), and how
    # many messages are still waiting to be delivered.
    async def show(label):
        info = await sub.consumer_info()
        print(
            f"{label}: delivered={info.delivered.stream_seq} "
            f"ack_pending={info.num_ack_pending} ack_floor={info.ack_floor.stream_seq} "
            f"pending={info.num_pending}"
        )

    # Fetch two messages. Both now count as delivered and unacknowledged.
    first, second = await sub.fetch(2, timeout=2)
    await show("after fetching 2")

    # `ack()` publishes the ack and returns at once, before the server has
    # seen it. That is fast and usually fine, but if the ack is lost (a
    # network blip, a server restart) the program never knows, and the
    # message is delivered again after the ack wait.
    await first.ack()
    print(f"ack()      {first.subject}: sent, no reply expected")

    # `ack_sync()` sends the same ack as a request and waits for the server
    # to answer, which it does only once the ack is recorded. This is the
    # "double ack". Use it when processing a message twice would be costly,
    # for example before telling a user their payment went through.
    await second.ack_sync()
    print(f"ack_sync() {second.subject}: confirmed by the server")
    await show("after both acks")

    # The difference shows when the ack cannot land. Fetch the last two
    # messages, then delete the consumer, as if it had been removed or
    # its server lost while we were working.
    third, fourth = await sub.fetch(2, timeout=2)
    await js.delete_consumer("TASKS", "worker")
    print("consumer deleted")

    # The plain ack "succeeds": it was published, and nobody tells the
    # program it went nowhere. The confirmed ack fails at once, because no
    # consumer is there to answer; the program knows to retry the work or
    # raise an alarm.
    await third.ack()
    print(f"ack()      {third.subject}: sent, no error raised")
    try:
        await fourth.ack_sync()
    except NoRespondersError:
        print(f"ack_sync() {fourth.subject}: failed, no consumer answered the ack")

    # Clean up: deleting the stream deletes its messages too.
    await sub.unsubscribe()
    await js.delete_stream("TASKS")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
