// JetStream in a super-cluster keeps one piece of shared state: the meta
// group, a Raft group of every JetStream server in every cluster, which
// decides where each stream and consumer lives and records every creation
// and deletion. Like every Raft group it acts only while a majority of its
// members can talk. With three regions, losing any one leaves a majority;
// with two, losing either does not. This example loses a region and shows
// what still works, with the usual `@nats-io/jetstream` calls.
import { connect, delay, RequestError, TimeoutError } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from "@nats-io/jetstream";

// Two small helpers for waiting on the cluster, each with a deadline:
// `waitUntil` polls a condition every 50 ms, and `retry` repeats an
// attempt while it throws an error that `retryable` accepts.
async function waitUntil(seconds, condition) {
  const giveUp = performance.now() + seconds * 1000;
  while (!(await condition())) {
    if (performance.now() > giveUp) throw new Error(`gave up after ${seconds} s`);
    await delay(50);
  }
}
async function retry(seconds, pause, retryable, attempt) {
  const giveUp = performance.now() + seconds * 1000;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (!retryable(err) || performance.now() > giveUp) throw err;
      await delay(pause);
    }
  }
}

// A JetStream request that nobody answers is reported in one of two ways:
// a `TimeoutError` (or a `RequestError` wrapping one) when the request
// waited in vain, or, when the server said at once that nobody listens on
// the subject, an error whose `cause` is a `RequestError` with
// `isNoResponders()`. nats.js names that last one `JetStreamNotEnabled`
// ("jetstream is not enabled"), which is misleading here: JetStream runs,
// only nothing answers that subject.
const noResponders = (err) => err.cause instanceof RequestError && err.cause.isNoResponders();
const unanswered = (err) => err instanceof TimeoutError || err instanceof RequestError || noResponders(err);

// The recorder runs three clusters of three servers, east, west and
// central, joined by gateways, with JetStream on every server; it gives
// each server a URL (`NATS_URL_EAST_1` ...). The client lives in east.
const regions = ["EAST", "WEST", "CENTRAL"];
const serverCount = Object.keys(process.env).filter((v) => regions.some((r) => v.startsWith(`NATS_URL_${r}_`))).length;
const nc = await connect({ servers: (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",") });

// Every server runs JetStream, so every server is a member of the meta
// group. Here that is nine, and a majority is five.
console.log(`meta group: ${serverCount} servers, a majority is ${Math.floor(serverCount / 2) + 1}`);

// JetStream API calls and publishes wait 2 s for an answer (the `timeout`
// option, 5 s by default), so that what no longer answers shows quickly.
const jsm = await jetstreamManager(nc, { timeout: 2000 });
const js = jetstream(nc, { timeout: 2000 });

// Start clean: delete the streams if an interrupted run left them.
for (const name of ["ORDERS_MIRROR", "ORDERS", "AUDIT"]) {
  try {
    await jsm.streams.delete(name);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
  }
}

// A stream lives in one cluster: all its replicas are servers of that
// cluster, chosen with `placement`. ORDERS lives in west, three replicas,
// and takes the subjects `orders.>`. The client is in east: its requests
// and publishes cross a gateway.
await jsm.streams.add({ name: "ORDERS", subjects: ["orders.>"], num_replicas: 3, placement: { cluster: "west" } });

// The new stream's interest in `orders.>` takes a moment to travel through
// the gateway to east. Until it arrives, a publish from east finds "no
// responders" and nothing is stored, so the first publish is tried again,
// until a deadline.
await retry(10, 50, noResponders, () => js.publish("orders.1", "order 1"));
for (const n of [2, 3]) {
  await js.publish(`orders.${n}`, `order ${n}`);
}

// A mirror keeps a read-only copy of another stream, here in east. The
// servers holding the mirror pull from ORDERS across the gateway; the copy
// catches up on its own, so the program waits (with a deadline) until it
// holds the three orders.
await jsm.streams.add({
  name: "ORDERS_MIRROR",
  mirror: { name: "ORDERS" },
  num_replicas: 3,
  placement: { cluster: "east" },
});
await waitUntil(10, async () => (await jsm.streams.info("ORDERS_MIRROR")).state.messages >= 3);
console.log("ORDERS in west: 3 orders; ORDERS_MIRROR in east: 3 orders");

// Central holds no stream. It is the arbiter: its servers take part in the
// meta group's votes and store nothing. (In production an arbiter can be a
// small cluster whose JetStream limits, or whose placement tags, keep
// streams away.)
//
// Now the whole west region goes down: the recorder stops its three
// servers when this line is printed. The client asks for ORDERS' info
// until that fails: depending on what the other servers know by then, the
// request goes unanswered or is answered with an error, "stream is
// offline". Either way, nothing is left that holds ORDERS.
console.log("stopping region west");
await waitUntil(30, async () => {
  try {
    await jsm.streams.info("ORDERS");
    return false;
  } catch (err) {
    if (err instanceof JetStreamApiError || unanswered(err)) return true;
    throw err;
  }
});
console.log("ORDERS (west): stream info fails, every replica is down");

// Publishing to `orders.>` fails: no stream takes those subjects any more,
// and the publish is answered "no responders", which nats.js reports as
// described above. (A core NATS publish would succeed, and be stored
// nowhere.)
try {
  await js.publish("orders.4", "order 4");
} catch (err) {
  if (!noResponders(err)) throw err;
  console.log(`publish to orders.4 -> ${err.name}: ${err.message} (no responders)`);
}

// The mirror lives in east and answers as before: what ORDERS stored before
// west went down can still be read.
const stored = [];
for (const seq of [1, 2, 3]) {
  stored.push((await jsm.streams.getMessage("ORDERS_MIRROR", { seq })).string());
}
console.log(`ORDERS_MIRROR (east): ${stored.join(", ")}`);

// And the meta group still has six of its nine members, more than the five
// it needs, so JetStream can still create streams (and consumers, and
// key-value buckets). If the meta group's leader was in west, the six
// elect a new one first, which takes a few seconds: until then the API
// answers "JetStream system temporarily unavailable" (or does not answer),
// so the client tries again, until a deadline.
await retry(30, 250, (err) => err instanceof JetStreamApiError || unanswered(err), () =>
  jsm.streams.add({ name: "AUDIT", subjects: ["audit.>"], num_replicas: 3, placement: { cluster: "east" } }));
console.log("new stream AUDIT in east: created, the meta group has 6 of 9");

// With two regions, as on the super-cluster page, the same loss leaves
// three of six: no majority, and that last step would fail everywhere
// until the region came back.
//
// Clean up: delete the streams. Deleting is a meta group decision too, so
// even ORDERS, whose servers are down, can be deleted; west's servers learn
// of it when they return.
for (const name of ["AUDIT", "ORDERS_MIRROR", "ORDERS"]) {
  await jsm.streams.delete(name);
}
await nc.drain();
