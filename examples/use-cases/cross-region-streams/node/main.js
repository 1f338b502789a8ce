// A service that takes orders in several regions wants two things that
// pull against each other: every write fast and local, even when the other
// regions are unreachable, and every region able to read every order. With
// JetStream in a super-cluster, each region writes only to a stream of its
// own, in its own cluster, and each region also keeps a global stream that
// sources all the regional ones. No stream is written from two regions, so
// nothing conflicts; the copying happens in the background, across the
// gateways, and catches up by itself after an interruption. The client
// side is ordinary `@nats-io/jetstream`.
import { connect, deadline, deferred, delay, RequestError, TimeoutError } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from "@nats-io/jetstream";

const REGIONS = ["east", "west", "central"];

// The recorder runs three clusters of three servers, one per region, joined
// by gateways, and gives each server a URL. One client per region connects
// to a server of its own region, as an application running there would.
const url = (region) => process.env[`NATS_URL_${region.toUpperCase()}_1`] ?? "nats://127.0.0.1:4222";
const clients = {};
for (const r of REGIONS) {
  clients[r] = await connect({ servers: url(r) });
}
const js = Object.fromEntries(REGIONS.map((r) => [r, jetstream(clients[r])]));
const jsm = Object.fromEntries(await Promise.all(REGIONS.map(async (r) => [r, await jetstreamManager(clients[r])])));

// The west client tells when it loses its server: its `status()` reports
// `disconnect`. (It then tries to reconnect, in vain.)
const westGone = deferred();
(async () => {
  for await (const status of clients.west.status()) {
    if (status.type === "disconnect") westGone.resolve();
  }
})();

// Start clean: delete the streams if an interrupted run left them.
for (const r of REGIONS) {
  for (const name of [`GLOBAL_${r.toUpperCase()}`, `ORDERS_${r.toUpperCase()}`]) {
    try {
      await jsm.east.streams.delete(name);
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
    }
  }
}

// A regional stream per region: ORDERS_EAST takes `orders.east.>` and lives
// in cluster east (`placement`), three replicas, and so on. Any client may
// create any of them; placement decides where they live.
for (const r of REGIONS) {
  await jsm.east.streams.add({
    name: `ORDERS_${r.toUpperCase()}`,
    subjects: [`orders.${r}.>`],
    num_replicas: 3,
    placement: { cluster: r },
  });
}

// And a global stream per region: GLOBAL_EAST, in east, sources the three
// regional streams, and so do GLOBAL_WEST and GLOBAL_CENTRAL in their
// regions. A source copies each message with its subject, so a global
// stream knows where every order came from.
for (const r of REGIONS) {
  await jsm.east.streams.add({
    name: `GLOBAL_${r.toUpperCase()}`,
    num_replicas: 3,
    placement: { cluster: r },
    sources: REGIONS.map((s) => ({ name: `ORDERS_${s.toUpperCase()}` })),
  });
}

// Each region takes an order, on its own subjects. The publish is answered
// by the regional stream, in the client's own cluster: the write never
// waits on another region. A new stream's interest takes a moment to
// reach every server; until then a publish finds no responders (nats.js
// rejects with an error whose `cause` is a no-responders `RequestError`,
// and nothing is stored), so it is tried again until a deadline.
async function takeOrder(region, n) {
  const giveUp = performance.now() + 10000;
  for (;;) {
    try {
      const ack = await js[region].publish(`orders.${region}.${n}`, "an order");
      console.log(`${region} client: orders.${region}.${n} -> stored in ${ack.stream}`);
      return;
    } catch (err) {
      const noResponders = err.cause instanceof RequestError && err.cause.isNoResponders();
      if (!noResponders || performance.now() > giveUp) throw err;
      await delay(50);
    }
  }
}

for (const r of REGIONS) {
  await takeOrder(r, 1);
}

// The global streams fill in the background. Each region waits, with a
// deadline, until its own global stream holds what it expects, and then
// counts its orders by region of origin, from the subjects.
async function globalView(region, expected) {
  const stream = `GLOBAL_${region.toUpperCase()}`;
  const giveUp = performance.now() + 15000;
  while ((await jsm[region].streams.info(stream)).state.messages < expected) {
    if (performance.now() > giveUp) throw new Error(`${stream} did not reach ${expected} orders`);
    await delay(100);
  }
  const origins = Object.fromEntries(REGIONS.map((r) => [r, 0]));
  for (let seq = 1; seq <= expected; seq++) {
    const msg = await jsm[region].streams.getMessage(stream, { seq });
    origins[msg.subject.split(".")[1]] += 1;
  }
  const counts = REGIONS.map((r) => `${r} ${origins[r]}`).join(", ");
  console.log(`${stream}: ${expected} orders (${counts})`);
}

for (const r of REGIONS) {
  await globalView(r, 3);
}

// Now the west region is lost: the recorder stops its three servers when
// this line is printed. The program waits until the west client has lost
// its server, then closes it.
console.log("stopping region west");
await deadline(westGone, 15000);
await clients.west.close();
console.log("west client: disconnected, its region is gone");

// East and central go on taking orders: their regional streams and their
// global streams live in their own regions, and copying between them goes
// on. West's order, copied before the loss, is still in every global
// stream that is left. When west comes back, its global stream picks up
// where it stopped: a source remembers the last message it copied.
for (const r of ["east", "central"]) {
  await takeOrder(r, 2);
}
for (const r of ["east", "central"]) {
  await globalView(r, 5);
}

// Losing a region also loses its servers' votes in JetStream's meta group:
// creating, changing or deleting streams needs a majority of all JetStream
// servers, which three regions keep. See [Super-Cluster JetStream
// Quorum](../../topologies/supercluster-jetstream-arbiter/index.md).
//
// Clean up: delete the streams, the lost region's included (a deletion is
// the meta group's decision; west's servers learn of it when they return).
// If the meta group's leader was in west, the six servers left elect a new
// one first, which takes a few seconds: until then the API does not answer
// (a `TimeoutError`, or a `RequestError` wrapping one), or answers
// "JetStream system temporarily unavailable" (status 503), so each deletion
// is tried again until a deadline. A stream that is already gone counts as
// deleted: a try that timed out may still have gone through.
async function deleteStream(name) {
  const giveUp = performance.now() + 30_000;
  for (;;) {
    try {
      await jsm.east.streams.delete(name);
      return;
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return;
      const retryable =
        err instanceof TimeoutError || err instanceof RequestError || (err instanceof JetStreamApiError && err.status === 503);
      if (!retryable || performance.now() > giveUp) throw err;
      await delay(250);
    }
  }
}
for (const r of REGIONS) {
  for (const name of [`GLOBAL_${r.toUpperCase()}`, `ORDERS_${r.toUpperCase()}`]) {
    await deleteStream(name);
  }
}
for (const r of ["east", "central"]) {
  await clients[r].drain();
}
