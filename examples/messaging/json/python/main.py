# JSON needs only the standard library: `json` to encode and decode, and a
# `dataclass` to give the payload a type on both sides.
import asyncio
import json
import os
from dataclasses import asdict, dataclass

import nats


# The message schema. Publisher and subscriber share this definition; in a
# larger system it would live in a module both import.
@dataclass
class Order:
    id: int
    item: str
    quantity: int


# Decoding is where things go wrong, so keep it in one place. It turns the
# raw bytes into an `Order`, or raises `ValueError` with a readable reason.
# `json.loads` accepts bytes directly (UTF-8 is assumed).
def decode_order(data: bytes) -> Order:
    try:
        fields = json.loads(data)
    except json.JSONDecodeError as err:
        raise ValueError(f"not valid JSON ({err})") from None
    try:
        return Order(**fields)
    except TypeError:
        raise ValueError(f"JSON without the expected fields: {fields}") from None


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)

    # The subscriber reads messages one at a time with `next_msg`, which
    # keeps the output in step with what is published.
    sub = await nc.subscribe("orders.new")

    async def receive():
        msg = await sub.next_msg(timeout=1)
        try:
            print(f"received {decode_order(msg.data)!r}")
        except ValueError as err:
            print(f"rejected: {err}")

    # Encoding: `asdict` turns the dataclass into a dict, `json.dumps` into
    # a string, and `.encode()` into the bytes NATS carries.
    order = Order(id=1, item="coffee", quantity=2)
    payload = json.dumps(asdict(order)).encode()
    await nc.publish("orders.new", payload)
    print(f"published {payload.decode()}")
    await receive()

    # NATS delivers whatever bytes it is given. A producer with a bug (or a
    # person testing with the `nats` CLI) can send text that is not JSON.
    # `json.loads` raises, and the subscriber reports it instead of crashing.
    #
    # Handle this in callback subscriptions too: an exception escaping a
    # handler does not reach your code. nats-py hands it to the
    # connection's error callback (by default, a log line) and moves on to
    # the next message.
    payload = b"two coffees, please"
    await nc.publish("orders.new", payload)
    print(f"published {payload.decode()}")
    await receive()

    # Valid JSON is not enough either: this one parses, but the fields do
    # not match `Order`. Checking the shape (here by letting the dataclass
    # constructor reject unknown or missing fields) catches it.
    payload = json.dumps({"id": 2, "product": "tea"}).encode()
    await nc.publish("orders.new", payload)
    print(f"published {payload.decode()}")
    await receive()

    # Drain so everything in flight is handled before the program exits.
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
