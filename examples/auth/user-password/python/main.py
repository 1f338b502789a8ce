# Users and passwords: the server knows each user by name, checks the
# password when the client connects, then applies that user's permissions
# to every publish and subscribe.
import asyncio
import os

import nats
from nats.errors import Error as NatsError


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

    # Violations are not exceptions of the call that caused them: the server
    # reports them asynchronously with an `-ERR` line, and nats-py hands
    # them to the connection's `error_cb`. Each connection gets a callback
    # that prints them with the user's name in front. A round trip after a
    # publish or subscribe returns only once the server's answer to it,
    # error included, has been through the callback.
    def report_errors(user):
        async def error_cb(err):
            print(f"{user}: error: {err}")

        return error_cb

    # First, a wrong password. The server answers the CONNECT with
    # "Authorization Violation" and closes the connection. With
    # `allow_reconnect=False` nats-py gives up at once and raises the error
    # instead of trying again. (It passes the error to `error_cb` as well;
    # the exception is all we need here, so that callback stays quiet.)
    async def quiet(err):
        pass

    try:
        await nats.connect(
            servers, user="web", password="not-the-password", allow_reconnect=False, error_cb=quiet
        )
    except NatsError as err:
        print(f"connect as web with a wrong password -> {err}")

    # Now connect both users with their real passwords. `user` and
    # `password` go into the CONNECT message (so use TLS when the network is
    # not trusted); they can also be written in the URL as
    # `nats://web:web-secret@host:4222`.
    web = await nats.connect(
        servers, user="web", password="web-secret", error_cb=report_errors("web")
    )
    orders = await nats.connect(
        servers, user="orders", password="orders-secret", error_cb=report_errors("orders")
    )
    print("connected as web and as orders")

    # The order service subscribes to `orders.>`, which its permissions
    # allow. It may publish nothing at all, except that `allow_responses`
    # lets it answer each request it receives, once, on that request's
    # reply subject.
    async def handle(msg):
        await msg.respond(b"order accepted: " + msg.data)

    await orders.subscribe("orders.>", cb=handle)
    await round_trip(orders)

    # The web user may publish to `orders.>` and subscribe to `_INBOX.>`,
    # which is exactly what a request needs: publish the question, receive
    # the answer on a private inbox.
    reply = await web.request("orders.new", b"2 coffees", timeout=1)
    print(f"web: request orders.new -> {reply.data.decode()}")

    # Publishing outside its permissions does not fail the call. The server
    # drops the message and reports a permissions violation; the round trip
    # waits for the server's answer, so the report is printed right here.
    await web.publish("admin.shutdown", b"now")
    await round_trip(web)

    # The same goes for subscribing: the order service may not listen on
    # `payments.>`. The connection stays open, and the messages it may
    # handle keep flowing.
    await orders.subscribe("payments.>")
    await round_trip(orders)

    # Even with `allow_responses`, the service cannot publish on its own.
    await orders.publish("orders.shipped", b"order 1")
    await round_trip(orders)

    await web.drain()
    await orders.drain()


if __name__ == "__main__":
    asyncio.run(main())
