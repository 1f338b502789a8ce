// A leaf node is a nats-server that extends another server (the hub)
// through a single outbound connection. Clients of the leaf talk to clients
// of the hub as if they shared one server, while the leaf keeps its own
// local clients, security and JetStream. Typical homes for a leaf: a
// factory, a store, a vehicle, an edge site that must keep working when its
// uplink is down. For nats.js it is all the usual API; only JetStream
// takes one extra option, the `domain`.
import { connect, deadline, deferred, delay, Empty, RequestError } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from "@nats-io/jetstream";

// The recorder starts a hub and a leaf that dials into it, and gives each
// its own URL. A client does not need to know which kind of server it is
// using; it connects as usual.
const hub = await connect({ servers: process.env.NATS_URL_HUB ?? "nats://127.0.0.1:4222" });
const leaf = await connect({ servers: process.env.NATS_URL_LEAF ?? "nats://127.0.0.1:4223" });

// Each side listens on one subject tree named after itself: `hub.>` on the
// hub, `leaf.>` on the leaf. A loop answers requests (messages with a reply
// subject) and hands any other message to whoever waits in `nextMessage`.
function listen(nc, name) {
  const waiting = [];
  const loop = (async () => {
    for await (const msg of nc.subscribe(`${name}.>`)) {
      if (msg.reply) {
        msg.respond(`${name} answered ${msg.subject}`);
      } else {
        waiting.shift()?.resolve(msg);
      }
    }
  })();
  const nextMessage = () => {
    const next = deferred();
    waiting.push(next);
    return deadline(next, 1000);
  };
  return { loop, nextMessage };
}
const hubSide = listen(hub, "hub");
const leafSide = listen(leaf, "leaf");
await hub.flush();
await leaf.flush();

// The leaf connection carries subscription interest both ways, so the leaf
// forwards `hub.>` messages to the hub and the hub forwards `leaf.>`
// messages to the leaf. That news crosses the link asynchronously; a
// request sent in the first moments may find "no responders", so the first
// request in each direction tries again, until a deadline.
async function request(nc, subject) {
  const giveUp = performance.now() + 5000;
  for (;;) {
    try {
      return await nc.request(subject, Empty, { timeout: 1000 });
    } catch (err) {
      if (!(err instanceof RequestError && err.isNoResponders()) || performance.now() > giveUp) throw err;
      await delay(50);
    }
  }
}

let reply = await request(leaf, "hub.orders.count");
console.log(`leaf client: request hub.orders.count -> ${reply.string()}`);
reply = await request(hub, "leaf.line1.status");
console.log(`hub client: request leaf.line1.status -> ${reply.string()}`);

// Plain publish-subscribe flows both ways as well: an alert from the leaf
// reaches the hub, a command from the hub reaches the leaf.
let arrived = hubSide.nextMessage();
leaf.publish("hub.alerts.temperature", "line 1 at 81C");
let msg = await arrived;
console.log(`hub client received ${msg.subject}: ${msg.string()}`);

arrived = leafSide.nextMessage();
hub.publish("leaf.commands.line1", "slow down");
msg = await arrived;
console.log(`leaf client received ${msg.subject}: ${msg.string()}`);

// JetStream stays separate: the hub and the leaf each run their own, in the
// JetStream domains `hub` and `leaf`. A JetStream client or manager on the
// leaf connection uses the leaf's; the `domain` option reaches the other
// one through the leaf connection (its API requests go to
// `$JS.hub.API.>` instead of `$JS.API.>`). Here the leaf client creates a
// stream on the hub and stores an event in it. (Start clean: delete the
// stream first if an interrupted run left it.)
const hubJsm = await jetstreamManager(leaf, { domain: "hub" });
try {
  await hubJsm.streams.delete("EVENTS");
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}
await hubJsm.streams.add({ name: "EVENTS", subjects: ["events.>"] });
const ack = await jetstream(leaf, { domain: "hub" }).publish("events.shift", "shift 2 started");
console.log(`leaf client: stored events.shift in domain hub -> stream ${ack.stream}, seq ${ack.seq}`);

// Seen from each side: the hub has the stream; the leaf's own JetStream has
// no streams at all. `streams.list()` is an async iterable of stream infos,
// fetched page by page as the loop goes.
const info = await (await jetstreamManager(hub)).streams.info("EVENTS");
console.log(`hub client: stream EVENTS has ${info.state.messages} message(s)`);
let count = 0;
for await (const _ of (await jetstreamManager(leaf)).streams.list()) count += 1;
console.log(`leaf client: streams in domain leaf: ${count}`);

// Clean up, through the leaf connection again: delete the hub's stream.
await hubJsm.streams.delete("EVENTS");
await leaf.drain();
await hub.drain();
await Promise.all([hubSide.loop, leafSide.loop]);
