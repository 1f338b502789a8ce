// An ordered consumer is the simplest way to read a stream from start to
// finish. In `@nats-io/jetstream` it is what `js.consumers.get(stream)`
// returns when no consumer name is given: a handle to an ephemeral pull
// consumer that the client creates, watches and replaces by itself.
// `deadline` from the core client bounds the reading.
import { connect, deadline } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from "@nats-io/jetstream";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// Start clean: delete the stream if an interrupted run left it.
try {
  await jsm.streams.delete("PAGES");
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}

// A stream of page views with five messages in it. Reading them back in
// exactly this order is what the rest of the example is about.
await jsm.streams.add({ name: "PAGES", subjects: ["pages.>"] });
for (const page of ["home", "pricing", "docs", "blog", "signup"]) {
  await js.publish(`pages.${page}`, `view of /${page}`);
}
console.log("published 5 page views");

// `js.consumers.get("PAGES")` without a name gives an ordered consumer.
// Nothing exists on the server until we read: `consume()` creates the
// consumer (no acknowledgements, a single in-memory replica) and keeps
// pull requests open for it, each with idle heartbeats so the client
// notices when something goes wrong. The short `expires` and
// `idle_heartbeat` (milliseconds) keep this demo fast; by default a request
// lasts 30 s with a heartbeat every 15 s, so a lost consumer takes 30 s to
// notice.
const consumer = await js.consumers.get("PAGES");
const messages = await consumer.consume({ expires: 2000, idle_heartbeat: 500 });

// `messages.status()` is an async iterable of what the client notices
// along the way, as `{ type, ... }` objects: heartbeats, a consumer that was
// deleted, heartbeats missed, the consumer recreated. This loop reports the
// recovery when it happens.
let deleted = "";
let missed = 0;
(async () => {
  for await (const status of messages.status()) {
    if (status.type === "consumer_deleted") deleted = `${status.code} ${status.description}`;
    if (status.type === "heartbeats_missed") missed = status.count;
    if (status.type === "ordered_consumer_recreated") {
      console.log(`the client noticed: ${deleted}, ${missed} heartbeats missed; consumer recreated`);
    }
  }
})();

// Messages arrive in stream order. Each one carries its stream sequence
// (its position in the stream) and its delivery sequence (how many this
// consumer has delivered). There is nothing to ack. The consumer surely
// exists once the first message is in, so that is when we print its
// settings.
//
// After the fifth message we break it on purpose: delete the consumer on
// the server, as would happen if the server holding it restarted, then
// publish three more views. The server answers the open pull request with
// a 409 "consumer deleted"; with no consumer there are no heartbeats
// either, and after two missed ones the client creates a fresh consumer
// that starts at the stream sequence after the last one it received.
// Reading simply continues: the stream sequence picks up at 6 with nothing
// skipped or repeated, while the delivery sequence starts again at 1, since
// it belongs to the new consumer. `deadline` fails the program if all this
// takes more than 10 s.
let first;
async function read() {
  let count = 0;
  for await (const msg of messages) {
    const { streamSequence, deliverySequence } = msg.info;
    console.log(`stream seq ${streamSequence}, consumer seq ${deliverySequence}: ${msg.subject} '${msg.string()}'`);
    count += 1;
    if (count === 1) {
      first = await consumer.info();
      const { ack_policy, num_replicas, mem_storage } = first.config;
      console.log(`consumer: ack_policy=${ack_policy} replicas=${num_replicas} memory=${mem_storage}`);
    }
    if (count === 5) {
      await jsm.consumers.delete("PAGES", first.name);
      console.log("consumer deleted on the server");
      for (const page of ["home", "docs", "pricing"]) {
        await js.publish(`pages.${page}`, `view of /${page}`);
      }
      console.log("published 3 more page views");
    }
    if (count === 8) break;
  }
}
await deadline(read(), 10000);

const now = await consumer.info();
console.log(`recreated consumer is a new one: ${now.name !== first.name}`);

// Leaving the loop stopped the consumer's pull requests; the server
// removes the ephemeral consumer on its own once nobody uses it. Then clean
// up: deleting the stream deletes its messages (and that consumer) too.
await jsm.streams.delete("PAGES");
await nc.drain();
