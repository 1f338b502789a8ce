# A NATS connection outlives the TCP connection under it. When its server
# goes away, nats-py reconnects by itself, to another server of the cluster
# or to the same one when it is back, sends its subscriptions again and
# carries on; meanwhile, publishes wait in a buffer inside the client. The
# program hears of it all through callbacks. This example makes a server
# leave in each of the two ways servers leave: politely, in lame-duck
# mode, and abruptly.
import asyncio
import os

import nats
from nats.errors import OutboundBufferLimitError

# The buffer for publishes made while disconnected. nats-py keeps 2 MiB by
# default; this example makes it small enough to fill.
BUFFER = 1024


async def main():
    # The recorder runs a cluster of three servers, n1, n2 and n3, and
    # gives each one a URL of its own.
    names = ("n1", "n2", "n3")
    urls = {n: os.environ.get(f"NATS_URL_{n.upper()}", "nats://127.0.0.1:4222") for n in names}

    def server_name(nc):
        return next(n for n in names if urls[n].endswith(f":{nc.connected_url.port}"))

    # Every callback of nats-py is a coroutine, run by the client's own
    # tasks. These print what happened and set an event, so that the main
    # flow can wait for it, with a deadline, instead of guessing how long
    # a reconnect takes.
    events = {}

    def callback(name):
        events[name] = asyncio.Event()

        async def on_event():
            print(f"  callback: {name}")
            events[name].set()

        return on_event

    async def wait_for(name):
        await asyncio.wait_for(events[name].wait(), 15)
        events[name].clear()

    # A failed attempt to reach a server goes to `error_cb`. How many
    # there are depends on timing, so this one stays quiet; a real
    # program would log them.
    async def quiet(err):
        pass

    # nats-py shuffles its list of servers, so that clients spread over
    # the cluster; `dont_randomize` keeps the order given, so that this
    # example knows where its client lands: n1 first, then n2, then n3.
    # `reconnect_time_wait` is the pause before the same server is tried
    # again (2 s by default), `max_reconnect_attempts` how many times each
    # server is tried before the client gives up and closes (60 by
    # default; -1, never), and `pending_size` bounds the buffer.
    nc = await nats.connect(
        [urls[n] for n in names],
        dont_randomize=True,
        disconnected_cb=callback("disconnected"),
        reconnected_cb=callback("reconnected"),
        closed_cb=callback("closed"),
        lame_duck_mode_cb=callback("lame duck mode"),
        error_cb=quiet,
        reconnect_time_wait=0.5,
        max_reconnect_attempts=-1,
        pending_size=BUFFER,
    )
    print(f"connected to {server_name(nc)}")

    # The client subscribes to the subject it publishes on, so it sees
    # its own messages come back (NATS echoes them unless `no_echo`).
    sub = await nc.subscribe("orders")

    async def send_and_receive(text):
        await nc.publish("orders", text.encode())
        msg = await sub.next_msg(timeout=5)
        print(f"published and received: {msg.data.decode()}")

    await send_and_receive("order 1")

    # 1. Lame-duck mode. Before a server is taken down, for an upgrade
    # say, it is put into lame-duck mode (`nats-server --signal ldm`): it
    # stops accepting connections and tells its clients, whose
    # `lame_duck_mode_cb` runs. After a grace period (10 s) it closes the
    # connections left, a few at a time, over `lame_duck_duration` (2
    # minutes), so that thousands of clients do not all reconnect at once.
    #
    # The recorder puts n1 into lame-duck mode when this line is printed.
    print("asking n1 to enter lame-duck mode")
    await wait_for("lame duck mode")

    # nats-py only reports it. A client that would rather move now than
    # be cut off later calls `force_reconnect()`: it drops the connection
    # and takes the next server of its list, the usual reconnect path,
    # with both callbacks. (n1 would refuse it anyway.) Its subscription
    # comes along.
    print("moving on: force_reconnect()")
    await nc.force_reconnect()
    await wait_for("disconnected")
    await wait_for("reconnected")
    print(f"now connected to {server_name(nc)}")
    await send_and_receive("order 2")

    # 2. A server that simply goes away: a crash, a machine that fails.
    # The recorder stops n2 when this line is printed, and the client
    # finds its connection gone.
    print("stopping n2")
    await wait_for("disconnected")
    print(f"is_connected: {nc.is_connected}, is_reconnecting: {nc.is_reconnecting}")

    # Until a server takes the client back, `publish` neither fails nor
    # waits: it appends the message to the client's buffer and returns.
    # Here another server is up and the wait is short; with every server
    # down it lasts until one is back, or until the client gives up.
    for n in (3, 4, 5):
        await nc.publish("orders", f"order {n}".encode())
    print(f"published order 3, 4 and 5: {nc.pending_data_size} bytes wait in the buffer")

    # A publish that would take the buffer past `pending_size` raises
    # `OutboundBufferLimitError`: that message is dropped, the ones already
    # buffered stay. (With `pending_size` at 0 or below, every publish made
    # while disconnected raises it.)
    try:
        await nc.publish("orders", b"x" * 1000)
    except OutboundBufferLimitError:
        print(f"a 1000-byte publish does not fit in the {BUFFER}-byte buffer: "
              "OutboundBufferLimitError")

    # Once a server takes the client, nats-py sends its subscriptions
    # first and the buffer after them, so the orders published while
    # disconnected arrive, in order.
    await wait_for("reconnected")
    print(f"now connected to {server_name(nc)}")
    received = [(await sub.next_msg(timeout=5)).data.decode() for _ in range(3)]
    print(f"received after the reconnect: {', '.join(received)}")

    # The buffer lives in this process's memory: what is in it when the
    # process ends, or when the program closes the connection, is lost.
    # A message that must not be lost goes to a JetStream stream, whose
    # publish waits for the server's acknowledgement.
    #
    # `close()` ends the connection for good. nats-py runs the
    # disconnected callback once more, then the closed one, which a
    # program also gets when the client gives up reconnecting.
    print("closing")
    await nc.close()
    await wait_for("closed")


if __name__ == "__main__":
    asyncio.run(main())
