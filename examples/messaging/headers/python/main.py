# Headers are part of core NATS (servers 2.2 and later); the client only
# needs `nats`.
import asyncio
import json
import os

import nats


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)

    sub = await nc.subscribe("orders.new")

    # Headers are passed to `publish` as a dict of strings. Here they say
    # how to decode the payload and which order it is about, so a consumer
    # can route or log the message without parsing the body.
    await nc.publish(
        "orders.new",
        json.dumps({"item": "coffee", "quantity": 2}).encode(),
        headers={"Content-Type": "application/json", "Order-Id": "42"},
    )

    # On the receiving side `msg.headers` is a dict again. Names are kept
    # exactly as sent and looked up case-sensitively, so agree on one
    # spelling (`Order-Id`, not `order-id`) across your services.
    msg = await sub.next_msg(timeout=1)
    print(f"received {msg.subject} with headers:")
    for name, value in msg.headers.items():
        print(f"  {name}: {value}")
    print(f"payload: {msg.data.decode()}")

    # A message published without headers has `msg.headers` set to `None`,
    # not to an empty dict. Use `(msg.headers or {}).get(...)` when
    # headers are optional.
    await nc.publish("orders.new", b"{}")
    msg = await sub.next_msg(timeout=1)
    print(f"received without headers: msg.headers is {msg.headers}")

    # Headers work on requests and replies too. A common use is a trace ID
    # that every service copies along, so one request can be followed
    # through the logs of many services.
    #
    # Note: `msg.respond` copies the *request's* headers onto the reply. To
    # send headers of your own, publish to `msg.reply` yourself, as the
    # service below does.
    async def pricing(msg):
        trace_id = msg.headers["Trace-Id"]
        print(f"service saw Trace-Id: {trace_id}")
        await nc.publish(
            msg.reply,
            b"3.50",
            headers={"Trace-Id": trace_id, "Served-By": "pricing-1"},
        )

    await nc.subscribe("price.coffee", cb=pricing)
    reply = await nc.request("price.coffee", b"", timeout=1, headers={"Trace-Id": "trace-7f3a"})
    print(f"reply: {reply.data.decode()}")
    print(f"reply headers: {reply.headers}")

    # The NATS protocol allows a header name to appear more than once (the
    # Go client's `Header.Add` does this), but nats-py uses a plain dict:
    # you can send only one value per name, and on receipt a repeated name
    # keeps only its last value. If you need a list, agree on a format for
    # a single value, such as comma-separated.
    await nc.publish("orders.new", b"{}", headers={"Tags": "fragile,gift"})
    msg = await sub.next_msg(timeout=1)
    print(f"Tags split into: {msg.headers['Tags'].split(',')}")

    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
