// nats.js v3 has no JSON codec of its own: the codecs of v2 are gone from
// the API. A payload is a `Uint8Array` or a string (sent as its UTF-8
// bytes), and a received message decodes itself with `msg.string()` or
// `msg.json()`. So JSON needs nothing beyond the core client,
// `@nats-io/transport-node`, and the language's own `JSON`.
import { connect, deadline, syncIterator } from "@nats-io/transport-node";

// The message schema. Publisher and subscriber share this definition; in a
// larger system it would live in a module both import. JavaScript checks no
// types at run time, so the class does it itself: `Order.from` builds an
// order from parsed JSON, or throws when the fields are not the ones it
// expects (missing, extra, or of the wrong type).
class Order {
  constructor(id, item, quantity) {
    this.id = id;
    this.item = item;
    this.quantity = quantity;
  }

  static from(fields) {
    const wanted = { id: "number", item: "string", quantity: "number" };
    const ok =
      fields !== null &&
      typeof fields === "object" &&
      Object.keys(fields).length === Object.keys(wanted).length &&
      Object.entries(wanted).every(([key, type]) => typeof fields[key] === type);
    if (!ok) {
      throw new TypeError(`JSON without the expected fields: ${JSON.stringify(fields)}`);
    }
    return new Order(fields.id, fields.item, fields.quantity);
  }
}

// Decoding is where things go wrong, so keep it in one place. `msg.json()`
// is `JSON.parse` over the payload's text: on bytes that are not JSON it
// throws the language's `SyntaxError`, not a NATS error, because NATS
// itself never looked inside the payload.
function decodeOrder(msg) {
  let fields;
  try {
    fields = msg.json();
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new TypeError(`not valid JSON (${err.message})`);
  }
  return Order.from(fields);
}

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });

// The subscriber reads messages one at a time through `syncIterator`, which
// keeps the output in step with what is published. `deadline` rejects with
// a timeout error if a message does not arrive within a second, so a lost
// message stops the program instead of hanging it.
const sub = nc.subscribe("orders.new");
const messages = syncIterator(sub);

async function receive() {
  const msg = await deadline(messages.next(), 1000);
  try {
    console.log("received", decodeOrder(msg));
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    console.log(`rejected: ${err.message}`);
  }
}

// Encoding: `JSON.stringify` turns the object into a string, and `publish`
// sends that string's UTF-8 bytes. Only the own, enumerable fields are
// written; the class name is not, so the receiver rebuilds the type itself.
const order = new Order(1, "coffee", 2);
let payload = JSON.stringify(order);
nc.publish("orders.new", payload);
console.log(`published ${payload}`);
await receive();

// NATS delivers whatever bytes it is given. A producer with a bug (or a
// person testing with the `nats` CLI) can send text that is not JSON.
// `msg.json()` throws, and the subscriber reports it instead of crashing.
//
// Catch it just as carefully in a `callback` subscription. nats.js calls
// the callback from inside its socket reader and does not catch what it
// throws: an exception escaping it stops that reader (the client prints
// `reader closed`), the connection goes silent until the client finds it
// stale and reconnects, and messages sent meanwhile are lost.
payload = "two coffees, please";
nc.publish("orders.new", payload);
console.log(`published ${payload}`);
await receive();

// Valid JSON is not enough either: this one parses, but the fields do not
// match `Order`. Checking the shape (here in `Order.from`) catches it.
payload = JSON.stringify({ id: 2, product: "tea" });
nc.publish("orders.new", payload);
console.log(`published ${payload}`);
await receive();

// Drain so that nothing still in flight is lost before the program exits.
await nc.drain();
