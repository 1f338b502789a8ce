# An ordered consumer is the simplest way to read a stream from start to
# finish. The JetStream context in nats-py does all the work; `AckPolicy`
# only helps print the consumer's settings, and `NotFoundError` is what
# deleting a stream that does not exist raises.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.api import AckPolicy
from nats.js.errors import NotFoundError


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the stream if an interrupted run left it.
    with suppress(NotFoundError):
        await js.delete_stream("PAGES")

    # A stream of page views with five messages in it. Reading them back in
    # exactly this order is what the rest of the example is about.
    await js.add_stream(name="PAGES", subjects=["pages.>"])
    for page in ["home", "pricing", "docs", "blog", "signup"]:
        await js.publish(f"pages.{page}", f"view of /{page}".encode())
    print("published 5 page views")

    # `ordered_consumer=True` asks nats-py for an ephemeral push consumer
    # that the client manages entirely: no acknowledgements (ack policy
    # `none`), each message delivered once, a single in-memory replica,
    # and flow control plus idle heartbeats so the client notices when
    # something goes wrong. The short heartbeat keeps this demo fast; the
    # default is five seconds.
    sub = await js.subscribe("pages.>", ordered_consumer=True, idle_heartbeat=0.5)

    info = await sub.consumer_info()
    print(
        f"consumer: ack_policy={AckPolicy(info.config.ack_policy).value} "
        f"replicas={info.config.num_replicas} memory={info.config.mem_storage}"
    )

    # Messages arrive in stream order. Each one carries its stream
    # sequence (its position in the stream) and its consumer sequence (how
    # many this consumer has delivered). There is nothing to ack.
    for _ in range(5):
        msg = await sub.next_msg(timeout=2)
        meta = msg.metadata
        print(
            f"stream seq {meta.sequence.stream}, consumer seq {meta.sequence.consumer}: "
            f"{msg.subject} {msg.data.decode()!r}"
        )

    # Now break it on purpose: delete the consumer on the server, as would
    # happen if the server holding it restarted, then publish three more
    # views. With no consumer there are no heartbeats, and after two missed
    # heartbeats the client creates a fresh consumer that starts at the
    # stream sequence after the last one it received.
    await js.delete_consumer("PAGES", info.name)
    print("consumer deleted on the server")
    for page in ["home", "docs", "pricing"]:
        await js.publish(f"pages.{page}", f"view of /{page}".encode())
    print("published 3 more page views")

    # Reading simply continues. Notice the stream sequence picks up at 6
    # with nothing skipped or repeated, while the consumer sequence starts
    # again at 1: it belongs to the new consumer.
    for _ in range(3):
        msg = await sub.next_msg(timeout=5)
        meta = msg.metadata
        print(
            f"stream seq {meta.sequence.stream}, consumer seq {meta.sequence.consumer}: "
            f"{msg.subject} {msg.data.decode()!r}"
        )

    new_info = await sub.consumer_info()
    print(f"recreated consumer is a new one: {new_info.name != info.name}")

    # Unsubscribing stops the heartbeat and flow-control tasks; the server
    # removes the ephemeral consumer on its own once nobody uses it. Then
    # clean up: deleting the stream deletes its messages too.
    await sub.unsubscribe()
    await js.delete_stream("PAGES")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
