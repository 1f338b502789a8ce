// A NATS cluster is a set of nats-servers joined by routes. Clients can
// connect to any node and still reach every subscriber on every other
// node, and JetStream can keep each stream on several nodes at once, so
// losing a server loses neither connectivity nor data. Nothing in nats.js
// changes for a cluster: the same core client and `@nats-io/jetstream`.
import { connect, delay, Empty, RequestError, TimeoutError } from "@nats-io/transport-node";
import {
  AckPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";

// Retry `attempt` until it returns something other than `undefined`,
// pausing 50 ms between tries, for at most `seconds`. Used below where the
// cluster needs a moment to agree on something.
async function retry(seconds, attempt) {
  const giveUp = performance.now() + seconds * 1000;
  for (;;) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (performance.now() > giveUp) throw new Error(`gave up after ${seconds} s`);
    await delay(50);
  }
}

// Each node has its own client URL. Connecting to one explicitly shows that
// it does not matter which node a client uses. (`NATS_URL` lists all three;
// a real application passes that whole list, so it can fail over to another
// node.)
const conns = {};
for (const node of ["n1", "n2", "n3"]) {
  const url = process.env[`NATS_URL_${node.toUpperCase()}`] ?? "nats://127.0.0.1:4222";
  conns[node] = await connect({ servers: url });
}
const { n1, n2, n3 } = conns;

// Core NATS across the cluster: a responder on n3, a requester on n1. The
// routes tell every node about each subscription, so n1 knows to forward
// the request to n3, and n3 sends the reply back to n1. That news travels
// asynchronously, though: n3's `flush` only tells us that n3 has the
// subscription, and for a moment n1 may not have heard yet and answers "no
// responders". A client that starts at the same time as its peers simply
// tries again, until a deadline.
const greetings = n3.subscribe("greet");
const responder = (async () => {
  for await (const msg of greetings) {
    msg.respond(`hello from a client on n3, to ${msg.string()}`);
  }
})();
await n3.flush();
const reply = await retry(5, async () => {
  try {
    return await n1.request("greet", "a client on n1", { timeout: 1000 });
  } catch (err) {
    if (!(err instanceof RequestError && err.isNoResponders())) throw err;
  }
});
console.log(`client on n1 sent a request, reply: ${reply.string()}`);

// JetStream: `num_replicas: 3` keeps a copy of the stream on three nodes.
// One of them is the stream's leader, elected with Raft; the other two are
// replicas that follow it. (Start clean: delete the stream if an
// interrupted run left it.)
const jsm = await jetstreamManager(n1);
const js = jetstream(n1);
try {
  await jsm.streams.delete("ORDERS");
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}
await jsm.streams.add({ name: "ORDERS", subjects: ["orders.>"], num_replicas: 3 });

// Stream info shows the placement in `cluster`. The leader is whichever
// node won the election, so it changes from run to run; we print the facts
// that do not: there is one leader, two replicas, and together they are all
// three nodes. The replicas may need a moment to catch up, so we wait until
// all of them report `current`, for at most ten seconds.
let cluster = await retry(10, async () => {
  const { cluster } = await jsm.streams.info("ORDERS");
  const replicas = cluster?.replicas ?? [];
  if (cluster?.leader && replicas.length === 2 && replicas.every((r) => r.current)) return cluster;
});
const peers = [cluster.leader, ...cluster.replicas.map((r) => r.name)].sort();
console.log(`stream ORDERS: stored on ${peers.join(",")}`);
console.log(`stream ORDERS: 1 leader (one of those), ${cluster.replicas.length} replicas, all current`);

// Publish through n1. The acknowledgement comes only after a majority of
// the three copies has stored the message.
for (let i = 1; i <= 3; i++) {
  const ack = await js.publish(`orders.${i}`, `order ${i}`);
  console.log(`published orders.${i} via n1 -> stream ${ack.stream}, seq ${ack.seq}`);
}

// Ask the leader to step down. The stream elects a new leader among the
// replicas, as it would if the leader's server went away. The manager of
// nats.js has no method for this, but every JetStream API call is a plain
// request on a `$JS.API.` subject with a JSON answer.
const oldLeader = cluster.leader;
const stepdown = await n2.request("$JS.API.STREAM.LEADER.STEPDOWN.ORDERS", Empty, { timeout: 5000 });
console.log(`leader step-down requested: success=${stepdown.json().success}`);

// While the election runs, the stream briefly has no leader and API calls
// may fail (a `JetStreamApiError`) or get no answer in time (a
// `TimeoutError`, or a `RequestError` wrapping one); we ask again through
// n3, for at most ten seconds.
const jsm3 = await jetstreamManager(n3);
cluster = await retry(10, async () => {
  try {
    const { cluster } = await jsm3.streams.info("ORDERS");
    if (cluster?.leader && cluster.leader !== oldLeader) return cluster;
  } catch (err) {
    if (!(err instanceof JetStreamApiError || err instanceof TimeoutError || err instanceof RequestError)) {
      throw err;
    }
  }
});
console.log("stream ORDERS: a new leader was elected on another node");

// The data is all still there, on the new leader too, and a client on n3
// reads it. Wherever a client is connected, the routes carry its JetStream
// requests to the nodes that lead the stream and consumer.
await jsm3.consumers.add("ORDERS", { durable_name: "reader", ack_policy: AckPolicy.Explicit });
const reader = await jetstream(n3).consumers.get("ORDERS", "reader");
for await (const m of await reader.fetch({ max_messages: 3, expires: 2000 })) {
  console.log(`client on n3 fetched ${m.subject}: ${m.string()}`);
  m.ack();
}

// Clean up: deleting the stream removes all three copies and the consumer.
await jsm3.streams.delete("ORDERS");
for (const nc of Object.values(conns)) {
  await nc.drain();
}
await responder;
