// Besides the NATS client this example uses protobuf.js (the `protobufjs`
// package), a Protocol Buffers runtime written in JavaScript. It is a
// CommonJS package, so an ES module imports its default export and takes
// what it needs from there: `Root` to describe message types, and
// `Reader` to decode with settings of our own.
import { connect, deadline, syncIterator } from "@nats-io/transport-node";
import protobuf from "protobufjs";

const { Root, Reader } = protobuf;

// In a real project the schema lives in a `.proto` file:
//
//     syntax = "proto3";
//     package shop;
//     message Order {
//       int64 id = 1;
//       string item = 2;
//       int32 quantity = 3;
//     }
//
// and the program either loads it at run time,
// `(await protobuf.load("order.proto")).lookupType("shop.Order")`, or has
// `pbjs -t static-module` (from `protobufjs-cli`) generate a module to
// import. Every other language generates its classes from the same file,
// which is what keeps services in sync. To stay self-contained we hand
// protobuf.js the same description as a plain object, in the JSON form it
// uses internally; the result is the same message type either way.
//
// The field *numbers*, not the names, are what goes on the wire. The
// helper takes a message name and its fields (`name: { type, id }`), so
// we can also build a newer version of the schema, and a different
// message, later on. `edition: "proto3"` gives the `syntax = "proto3"`
// rules. Each version gets its own `Root`, since one root cannot hold two
// different definitions of `shop.Order`.
const ORDER_FIELDS = {
  id: { type: "int64", id: 1 },
  item: { type: "string", id: 2 },
  quantity: { type: "int32", id: 3 },
};

function messageType(name, fields) {
  const root = Root.fromJSON({
    nested: { shop: { nested: { [name]: { edition: "proto3", fields } } } },
  });
  return root.lookupType(`shop.${name}`);
}

// A one-line summary of an order, using the fields the type knows about.
// JavaScript numbers hold integers exactly only up to 2^53, so protobuf.js
// decodes an `int64` into a `Long` object (from the `long` package it
// depends on); its `toString` gives the decimal value.
function describe(order) {
  return `id=${order.id.toString()} item="${order.item}" quantity=${order.quantity}`;
}

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });

const Order = messageType("Order", ORDER_FIELDS);

// The subscriber reads messages one at a time through `syncIterator`, so
// the output stays in step with what is published. `deadline` rejects if
// a message does not arrive within a second, so a lost message stops the
// program instead of hanging it.
const sub = nc.subscribe("orders.new");
const messages = syncIterator(sub);
const next = () => deadline(messages.next(), 1000);

// `Order.create` makes a message from fields that already have the right
// types, and `Order.encode(...).finish()` produces the binary encoding as
// a `Uint8Array` (a Node.js `Buffer`), which `publish` sends as it is. It
// is much smaller than JSON because field names are not sent, only field
// numbers and values.
const order = Order.create({ id: 1, item: "coffee", quantity: 2 });
let payload = Order.encode(order).finish();
const asJson = new TextEncoder().encode(JSON.stringify({ id: 1, item: "coffee", quantity: 2 }));
nc.publish("orders.new", payload);
console.log(`published Order (${payload.length} bytes; as JSON it would be ${asJson.length} bytes)`);

// On the subscriber, `Order.decode` parses the bytes of `msg.data` back
// into an `Order`. The subject does not say which type a payload is:
// publisher and subscriber agree on it, per subject, as part of their
// contract.
let msg = await next();
console.log(`received Order: ${describe(Order.decode(msg.data))}`);

// Bytes that are not well-formed protobuf make `decode` throw. protobuf.js
// has no error class of its own for this: it throws a plain `Error` or
// `RangeError` saying where the wire format broke (here the first byte,
// the letter `t`, reads as field 14 with wire type 4, an "end group"
// marker that nothing opened). So keep the `try` around the `decode` call
// alone, where any error means a bad payload, and let the subscriber
// reject the message rather than crash. Plain text usually fails this way.
//
// In a `callback` subscription this matters even more: nats.js does not
// catch what a callback throws, and an exception escaping it stops the
// connection's reader.
payload = "two coffees, please";
nc.publish("orders.new", payload);
console.log(`published ${payload}`);
msg = await next();
let rejection;
try {
  Order.decode(msg.data);
} catch (err) {
  rejection = err;
}
if (rejection === undefined) throw new Error("the text parsed as an Order");
console.log(`rejected: ${rejection.message}`);

// But parsing checks only the wire format, never that the bytes were meant
// as an `Order`. The encoding carries no type name, so another message
// type with compatible field numbers, such as this `Payment` published on
// the wrong subject, parses without any error into a nonsense order (as do
// about 2 in 100 random 12-byte strings). The subject is the contract; a
// header naming the type, and checks on the fields you rely on, catch what
// parsing cannot.
//
// When protobuf.js loads a `.proto` file it turns snake_case field names
// into camelCase (unless told `keepCase`), so JavaScript code spells
// `amount_cents` as `amountCents`; the fields built here are named that
// way too.
const Payment = messageType("Payment", {
  amountCents: { type: "int64", id: 1 },
  currency: { type: "string", id: 2 },
});
nc.publish("orders.new", Payment.encode(Payment.create({ amountCents: 4200, currency: "EUR" })).finish());
console.log("published a Payment on orders.new by mistake");
msg = await next();
console.log(`parsed without error as Order: ${describe(Order.decode(msg.data))}`);

// Schemas evolve. Say the publisher moves to a newer schema that adds
// `string gift_note = 4`, while this subscriber still runs the old code.
// Protobuf is built for this: the old type parses the message, fills in
// the fields it knows, and does not fail on field 4.
//
// Unlike most protobuf runtimes, protobuf.js throws unknown fields away by
// default (its README calls that the safer choice for untrusted input), so
// an old JavaScript service that re-encoded and forwarded the order would
// silently lose the gift note. To keep them, decode from a `Reader` with
// `discardUnknown = false`: the message then holds each unknown field's
// raw bytes in `$unknowns`, and `encode` writes them back out. Each entry
// starts with the field's tag, whose top bits are the field number (the
// low 3 bits are the wire type). This is also why a field number, once
// used, must never be given a different meaning.
const OrderV2 = messageType("Order", { ...ORDER_FIELDS, giftNote: { type: "string", id: 4 } });
const newer = OrderV2.create({ id: 2, item: "tea", quantity: 1, giftNote: "happy birthday" });
nc.publish("orders.new", OrderV2.encode(newer).finish());
console.log("published Order from the newer schema, with a gift_note");
msg = await next();
const reader = Reader.create(msg.data);
reader.discardUnknown = false;
const received = Order.decode(reader);
const unknown = (received.$unknowns ?? []).map((raw) => Reader.create(raw).tag() >>> 3);
console.log(`old subscriber received Order: ${describe(received)}, unknown fields: [${unknown.join(", ")}]`);

// Drain so that nothing still in flight is lost before the program exits.
await nc.drain();
