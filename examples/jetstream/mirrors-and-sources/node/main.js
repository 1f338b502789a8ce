// Mirrors and sources let one stream be filled from others by the server
// itself. From nats.js we only declare them, in the stream configuration
// the manager of `@nats-io/jetstream` sends; `delay` from the core client
// paces the polling that waits for the copies.
import { connect, delay } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from "@nats-io/jetstream";

const STREAMS = ["ORDERS_EU", "ORDERS_US", "ORDERS_EU_BACKUP", "ORDERS_ALL", "PRIORITY"];

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// Start clean: delete the five streams if an interrupted run left them.
for (const stream of STREAMS) {
  try {
    await jsm.streams.delete(stream);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
  }
}

// Two origin streams, one per region, each taking orders on its own
// subjects. Each order is either `standard` or `priority`.
await jsm.streams.add({ name: "ORDERS_EU", subjects: ["orders.eu.>"] });
await jsm.streams.add({ name: "ORDERS_US", subjects: ["orders.us.>"] });

async function publish(region, kinds) {
  for (const kind of kinds) {
    await js.publish(`orders.${region}.${kind}`, `${region} ${kind} order`);
  }
}

await publish("eu", ["standard", "priority", "standard"]);
await publish("us", ["priority", "standard", "standard", "priority"]);
console.log("published 3 orders to ORDERS_EU and 4 to ORDERS_US");

// A mirror is a read-only copy of exactly one stream: same messages, same
// sequence numbers. It has no subjects of its own, so nobody can publish
// into it. Mirrors serve as backups, or as read replicas placed closer to
// where the data is read. In the configuration, `mirror` names the origin.
await jsm.streams.add({ name: "ORDERS_EU_BACKUP", mirror: { name: "ORDERS_EU" } });

// A stream with `sources` aggregates one or more streams, each message
// getting a new sequence in the aggregate. Here ORDERS_ALL combines both
// regions, and PRIORITY takes only the priority orders from each, using a
// subject filter per source.
await jsm.streams.add({ name: "ORDERS_ALL", sources: [{ name: "ORDERS_EU" }, { name: "ORDERS_US" }] });
await jsm.streams.add({
  name: "PRIORITY",
  sources: [
    { name: "ORDERS_EU", filter_subject: "orders.eu.priority" },
    { name: "ORDERS_US", filter_subject: "orders.us.priority" },
  ],
});

// Copying happens in the background: the server runs an internal consumer
// for each mirror and source. So we poll stream info until the expected
// count arrives, with a deadline so a broken setup fails instead of
// hanging.
async function waitFor(stream, expected, seconds = 5) {
  const giveUp = performance.now() + seconds * 1000;
  let info = await jsm.streams.info(stream);
  while (info.state.messages < expected) {
    if (performance.now() > giveUp) {
      throw new Error(`${stream} has ${info.state.messages} messages, expected ${expected}`);
    }
    await delay(100);
    info = await jsm.streams.info(stream);
  }
  console.log(`  ${stream}: ${info.state.messages} messages`);
}

console.log("message counts:");
await waitFor("ORDERS_EU_BACKUP", 3);
await waitFor("ORDERS_ALL", 7);
await waitFor("PRIORITY", 3);

// The mirror really is a copy: message 2 has the same subject and data in
// both streams. `streams.getMessage` reads one stored message by sequence
// (it resolves to `null` when there is none).
const original = await jsm.streams.getMessage("ORDERS_EU", { seq: 2 });
const copy = await jsm.streams.getMessage("ORDERS_EU_BACKUP", { seq: 2 });
console.log(`ORDERS_EU seq 2:        ${original.subject} '${original.string()}'`);
console.log(`ORDERS_EU_BACKUP seq 2: ${copy.subject} '${copy.string()}'`);

// Mirrors and sources keep following their origins. Two new priority
// orders, one per region, flow into every stream that wants them.
await publish("eu", ["priority"]);
await publish("us", ["priority"]);
console.log("published 1 more priority order to each region");
await waitFor("ORDERS_EU_BACKUP", 4);
await waitFor("ORDERS_ALL", 9);
await waitFor("PRIORITY", 5);

// Clean up: the copies first, then the streams they copy from.
for (const stream of [...STREAMS].reverse()) {
  await jsm.streams.delete(stream);
}
await nc.drain();
