// A super-cluster joins whole clusters with gateways, typically one cluster
// per region or cloud. Clients connect to their local cluster, and gateways
// carry messages to other clusters only when someone there is interested.
// Queue groups prefer members in the local cluster and fall back to other
// clusters, which gives services geo-affinity and failover for free. The
// client code is the usual nats.js: core requests and queue subscriptions,
// and a stream `placement` in `@nats-io/jetstream`.
import { connect, delay, Empty, RequestError } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from "@nats-io/jetstream";

// The recorder runs the clusters `east` and `west`, three nodes each, and
// gives every node a URL of its own. `NATS_URL` lists the east nodes; our
// requesting client lives there.
const url = (node) => process.env[`NATS_URL_${node}`] ?? "nats://127.0.0.1:4222";
const client = await connect({ servers: url("EAST_1") });

// A responder is an ordinary queue subscriber. To make the routing
// visible, each one puts its cluster in its answers. It does not need to
// be told which one that is: `nc.info` is the INFO the server sent when
// the client connected, and its `cluster` field names the server's
// cluster. `flush` resolves once the responder's own server has the
// subscription.
async function startResponder(node) {
  const nc = await connect({ servers: url(node) });
  const sub = nc.subscribe("weather", { queue: "weather-service" });
  const loop = (async () => {
    for await (const msg of sub) {
      msg.respond(`answered by a responder in ${nc.info.cluster}`);
    }
  })();
  await nc.flush();
  return { nc, sub, loop };
}

// News of a subscription takes a moment more to travel through routes and
// gateways; until it reaches the east client's server, a request there
// finds "no responders", so `ask` tries again after a short pause, until a
// deadline.
async function ask() {
  const giveUp = performance.now() + 5000;
  for (;;) {
    try {
      return await client.request("weather", Empty, { timeout: 1000 });
    } catch (err) {
      if (!(err instanceof RequestError && err.isNoResponders()) || performance.now() > giveUp) throw err;
      await delay(50);
    }
  }
}

// 1. The only responder is in the west. The east client's request crosses
// the gateway, and the answer comes back the same way.
const west = await startResponder("WEST_2");
let reply = await ask();
console.log(`only a west responder: east client's request -> ${reply.string()}`);

// 2. A responder joins the same queue group in the east. The east servers
// now have a member nearby, so the requests stay in the east cluster, with
// no gateway hop.
const east = await startResponder("EAST_1");
for (let i = 1; i <= 3; i++) {
  reply = await ask();
  console.log(`responders in both: east client's request ${i} -> ${reply.string()}`);
}

// 3. The east responder leaves the group. The queue group still has a
// member in the west, so requests fail over across the gateway.
east.sub.unsubscribe();
await east.nc.flush();
reply = await ask();
console.log(`east responder gone: east client's request -> ${reply.string()}`);

// JetStream spans the super-cluster too. A stream can be placed in a chosen
// cluster with `placement`; here the east client creates one in the west,
// and the stream's info names the cluster that holds it. (Start clean:
// delete it first if an interrupted run left it.)
const jsm = await jetstreamManager(client);
try {
  await jsm.streams.delete("WEST_EVENTS");
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}
await jsm.streams.add({ name: "WEST_EVENTS", subjects: ["west.events.>"], placement: { cluster: "west" } });
const info = await jsm.streams.info("WEST_EVENTS");
console.log(`stream WEST_EVENTS created from the east, placed in cluster ${info.cluster.name}`);

// A warning about this layout. Every stream and consumer is created,
// changed and deleted through JetStream's meta group: one Raft group of all
// six servers, in both clusters, which acts only with a majority, four of
// six. If one region goes down, the other has three: no majority. Streams
// that live in the surviving region keep storing and delivering messages,
// but creating or deleting any stream or consumer (ephemeral consumers and
// KV watchers included) fails everywhere until the lost region returns.
// Two regions cannot outvote each other; with JetStream, run three, or two
// and a small third cluster whose only job is to vote.
//
// Clean up: delete the stream, then close every connection; each
// responder's loop ends with its connection.
await jsm.streams.delete("WEST_EVENTS");
for (const nc of [east.nc, west.nc, client]) {
  await nc.drain();
}
await Promise.all([east.loop, west.loop]);
