# Besides the NATS client this example uses the `protobuf` runtime:
# `descriptor_pb2` and `descriptor_pool` to describe a message type,
# `message_factory` to turn the description into a Python class,
# `unknown_fields` to inspect fields the class does not know, and
# `DecodeError` for payloads that do not parse.
import asyncio
import json
import os

import nats
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, unknown_fields
from google.protobuf.message import DecodeError


# In a real project the schema lives in a `.proto` file:
#
#     syntax = "proto3";
#     package shop;
#     message Order {
#       int64 id = 1;
#       string item = 2;
#       int32 quantity = 3;
#     }
#
# and `protoc --python_out=. order.proto` generates `order_pb2.py`, so the
# code just does `from order_pb2 import Order`. Every other language
# generates its classes from the same file, which is what keeps services
# in sync. There is no `protoc` here, so we build the same description by
# hand; the result is an ordinary message class either way.
#
# The field *numbers*, not the names, are what goes on the wire. The
# helper takes a message name and its fields (name, number, type), so we
# can also build a newer version of the schema, and a different message,
# later on.
FIELD = descriptor_pb2.FieldDescriptorProto
ORDER_FIELDS = [("id", 1, FIELD.TYPE_INT64), ("item", 2, FIELD.TYPE_STRING),
                ("quantity", 3, FIELD.TYPE_INT32)]


def build_message_class(name, fields):
    file = descriptor_pb2.FileDescriptorProto(name=f"shop/{name}.proto", package="shop",
                                              syntax="proto3")
    message = file.message_type.add(name=name)
    for field_name, number, field_type in fields:
        message.field.add(name=field_name, number=number, type=field_type)

    # Each version goes in its own pool, since one pool cannot hold two
    # different definitions of `shop.Order`.
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(f"shop.{name}"))


# A one-line summary of an order, using the fields the class knows about.
def describe(order):
    return f'id={order.id} item="{order.item}" quantity={order.quantity}'


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)

    Order = build_message_class("Order", ORDER_FIELDS)
    sub = await nc.subscribe("orders.new")

    # `SerializeToString` produces the binary encoding (bytes, despite the
    # name). It is much smaller than JSON because field names are not sent,
    # only field numbers and values.
    order = Order(id=1, item="coffee", quantity=2)
    payload = order.SerializeToString()
    as_json = json.dumps({"id": 1, "item": "coffee", "quantity": 2}).encode()
    await nc.publish("orders.new", payload)
    print(f"published Order ({len(payload)} bytes; as JSON it would be {len(as_json)} bytes)")

    # On the subscriber, `FromString` parses the bytes back into an `Order`.
    # The subject does not say which type a payload is: publisher and
    # subscriber agree on it, per subject, as part of their contract.
    msg = await sub.next_msg(timeout=1)
    received = Order.FromString(msg.data)
    print(f"received Order: {describe(received)}")

    # Bytes that are not well-formed protobuf raise `DecodeError`, which a
    # subscriber should catch rather than let one bad message crash it.
    # Plain text usually fails this way.
    await nc.publish("orders.new", b"two coffees, please")
    print("published two coffees, please")
    msg = await sub.next_msg(timeout=1)
    try:
        Order.FromString(msg.data)
    except DecodeError as err:
        print(f"rejected: {err}")

    # But parsing checks only the wire format, never that the bytes were
    # meant as an `Order`. The encoding carries no type name, so another
    # message type with compatible field numbers, such as this `Payment`
    # published on the wrong subject, parses without any error into a
    # nonsense order (as do about 2 in 100 random 12-byte strings). The
    # subject is the contract; a header naming the type, and checks on
    # the fields you rely on, catch what parsing cannot.
    Payment = build_message_class("Payment", [("amount_cents", 1, FIELD.TYPE_INT64),
                                              ("currency", 2, FIELD.TYPE_STRING)])
    await nc.publish("orders.new", Payment(amount_cents=4200, currency="EUR").SerializeToString())
    print("published a Payment on orders.new by mistake")
    msg = await sub.next_msg(timeout=1)
    print(f"parsed without error as Order: {describe(Order.FromString(msg.data))}")

    # Schemas evolve. Say the publisher moves to a newer schema that adds
    # `string gift_note = 4`, while this subscriber still runs the old
    # code. Protobuf is built for this: the old class parses the message,
    # fills in the fields it knows, and keeps field 4 aside as an unknown
    # field instead of failing (it is even written back out if the old
    # code re-serializes the message). This is why a field number, once
    # used, must never be given a different meaning.
    OrderV2 = build_message_class("Order", ORDER_FIELDS + [("gift_note", 4, FIELD.TYPE_STRING)])
    newer = OrderV2(id=2, item="tea", quantity=1, gift_note="happy birthday")
    await nc.publish("orders.new", newer.SerializeToString())
    print("published Order from the newer schema, with a gift_note")
    msg = await sub.next_msg(timeout=1)
    received = Order.FromString(msg.data)
    unknown = [field.field_number for field in unknown_fields.UnknownFieldSet(received)]
    print(f"old subscriber received Order: {describe(received)}, unknown fields: {unknown}")

    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
