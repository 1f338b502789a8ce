# Publish-subscribe uses nothing beyond the core client: `nats` to connect,
# and the timeout error a subscription raises when no message arrives.
import asyncio
import os

import nats
from nats.errors import TimeoutError


async def main():
    # Read the server address from `NATS_URL`, falling back to a local
    # server on the default port.
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")

    # Publishers and subscribers are usually separate programs with their
    # own connections, and everything below works the same way across
    # processes. Here one connection plays every role, which makes the
    # timing exact: the server handles a connection's commands in the order
    # they were sent, so "publish, then subscribe" really happens in that
    # order.
    nc = await nats.connect(servers)

    # Publish a message while nobody is subscribed. The server accepts it,
    # finds no interest in `weather.oslo`, and drops it. There is no error:
    # in core NATS a publisher never learns who, if anyone, got a message.
    await nc.publish("weather.oslo", "12°C fog".encode())
    print("published weather.oslo: 12°C fog (nobody subscribed yet)")

    # Now subscriber A subscribes. Without a callback, the subscription
    # buffers incoming messages for us to read with `next_msg`.
    sub_a = await nc.subscribe("weather.oslo")

    # The message published earlier is not waiting for A: `next_msg` times
    # out. A subscriber only sees messages published after it subscribed.
    # (If you need to read messages sent while you were away, store them
    # in a JetStream stream.)
    try:
        msg = await sub_a.next_msg(timeout=0.5)
        print(f"subscriber A received {msg.subject}: {msg.data.decode()}")
    except TimeoutError:
        print("subscriber A: nothing received")

    # A message published now reaches A.
    await nc.publish("weather.oslo", "14°C rain".encode())
    print("published weather.oslo: 14°C rain")
    msg = await sub_a.next_msg(timeout=1)
    print(f"subscriber A received {msg.subject}: {msg.data.decode()}")

    # Subscriber B subscribes to the same subject. With two subscribers, one
    # publish is delivered to both: each gets its own copy. This fan-out is
    # how one event can feed a dashboard, an alerting service and an archive
    # at once, without the publisher knowing any of them.
    sub_b = await nc.subscribe("weather.oslo")

    await nc.publish("weather.oslo", "16°C sun".encode())
    print("published weather.oslo: 16°C sun")
    for name, sub in [("A", sub_a), ("B", sub_b)]:
        msg = await sub.next_msg(timeout=1)
        print(f"subscriber {name} received {msg.subject}: {msg.data.decode()}")

    # Drain the connection: pending messages are delivered, then it closes
    # cleanly.
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
