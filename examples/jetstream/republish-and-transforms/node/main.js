// Three stream features that change where messages go and how they are
// read: a subject transform rewrites the subject of every message as the
// stream stores it, republish copies every stored message to core NATS
// subscribers, and direct get reads one message without going through the
// stream leader's API. In `@nats-io/jetstream` the first two are fields of
// the stream configuration, and the third is the manager's `direct` API.
import { connect, deadline, syncIterator } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from "@nats-io/jetstream";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// Start clean: delete the stream if an interrupted run left it.
try {
  await jsm.streams.delete("ORDERS");
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}

// Republish sends a copy of each stored message to another subject. That
// subject must lie outside the stream's own subjects, or every copy would
// be stored and copied again; the server refuses the loop.
try {
  await jsm.streams.add({
    name: "ORDERS",
    subjects: ["orders.*.*"],
    republish: { src: "orders.>", dest: "orders.live.>" },
  });
} catch (err) {
  if (!(err instanceof JetStreamApiError)) throw err;
  console.log(`republish into the stream's own subjects: refused: ${err.message}`);
}

// The shop publishes `orders.<id>.<event>`. The stream stores them as
// `orders.<event>.<id>`: `{{wildcard(2)}}` is the second `*` of the source
// pattern. Now a consumer or a lookup can filter on the event
// (`orders.shipped.*`), and the publishers did not change. The republish
// source matches the stored, transformed subject; here every order is
// copied to `live.orders.<event>.<id>`. `allow_direct` turns on direct get,
// used further down.
await jsm.streams.add({
  name: "ORDERS",
  subjects: ["orders.*.*"],
  subject_transform: { src: "orders.*.*", dest: "orders.{{wildcard(2)}}.{{wildcard(1)}}" },
  republish: { src: "orders.>", dest: "live.orders.>" },
  allow_direct: true,
});

// A dashboard follows the orders with a plain core subscription: no
// consumer, no acknowledgements, nothing kept on the server for it. It sees
// only what is published while it is subscribed.
const live = syncIterator(nc.subscribe("live.orders.>"));
await nc.flush();

for (const [subject, data] of [
  ["orders.17.created", "2 coffees"],
  ["orders.17.shipped", "by bike"],
  ["orders.18.created", "1 tea"],
]) {
  const ack = await js.publish(subject, data);
  console.log(`published ${subject} -> stored as seq ${ack.seq}`);
}
const info = await jsm.streams.info("ORDERS", { subjects_filter: ">" });
console.log(`stored subjects: ${Object.keys(info.state.subjects).sort().join(", ")}`);

// Each copy arrives on the republish subject, with headers saying where it
// came from: the stream, the stored subject and its sequence.
for (let i = 0; i < 3; i++) {
  const msg = await deadline(live.next(), 2000);
  const h = msg.headers;
  console.log(
    `  ${msg.subject}: '${msg.string()}' ` +
      `(from ${h.get("Nats-Stream")} ${h.get("Nats-Subject")}, seq ${h.get("Nats-Sequence")})`,
  );
}

// Direct get reads a message by sequence, or the last one on a subject,
// with a plain request on `$JS.API.DIRECT.GET.<stream>`. Every server
// holding a copy of the stream answers it (replicas, and mirrors with
// `mirror_direct`), so reads scale out and do not queue behind the
// leader's API; key-value buckets read keys this way. `jsm.direct.getMessage`
// sends it (for `last_by_subj` it puts the subject at the end of the
// request subject, where permissions can restrict it), and resolves to the
// stored message, or to `null` when there is none. A wildcard in
// `last_by_subj` asks for the last message matching it.
let msg = await jsm.direct.getMessage("ORDERS", { last_by_subj: "orders.created.*" });
console.log(`direct get, last orders.created.*: ${msg.subject} '${msg.string()}' (seq ${msg.seq})`);
msg = await jsm.direct.getMessage("ORDERS", { seq: 2 });
console.log(`direct get, seq 2: ${msg.subject} '${msg.string()}'`);
msg = await jsm.direct.getMessage("ORDERS", { last_by_subj: "orders.returned.17" });
if (msg === null) console.log("direct get, last orders.returned.17: not found");

// Clean up.
await jsm.streams.delete("ORDERS");
await nc.drain();
