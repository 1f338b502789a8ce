// Deterministic partitioning splits one flow of messages into a fixed
// number of partitions, always sending the same key to the same one. The
// server does the splitting with a subject mapping in its config (see
// server.conf next to this example); the program only uses the JetStream
// client and manager of `@nats-io/jetstream`.
import { connect } from "@nats-io/transport-node";
import {
  AckPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";

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

// The server maps `orders.<customer>` to `orders.<customer>.<partition>`
// before anything else sees the message, so the stream captures the mapped
// form, `orders.*.*`.
await jsm.streams.add({ name: "ORDERS", subjects: ["orders.*.*"] });

// Publishers know nothing about partitions: they publish to
// `orders.<customer>` as usual. Reading each message back from the stream
// by the sequence in its publish ack shows the subject it was stored
// under, with the partition number added as the last token.
const orders = ["alice", "ivan", "dave", "bob", "alice", "judy", "erin", "ivan", "alice", "dave"];
const count = new Map();
for (const customer of orders) {
  count.set(customer, (count.get(customer) ?? 0) + 1);
  const order = `${customer}#${count.get(customer)}`;
  const ack = await js.publish(`orders.${customer}`, order);
  const stored = await jsm.streams.getMessage("ORDERS", { seq: ack.seq });
  console.log(`published ${order.padEnd(8)} on orders.${customer.padEnd(6)} -> stored as ${stored.subject}`);
}

// That is what makes partitions useful. One consumer per partition, each
// filtered on `orders.*.<n>`, can run in parallel while every customer's
// orders still go to one consumer, in the order they were published. The
// mapping is a hash, so it only changes if the number of partitions
// changes.
//
// Per-key order holds under two conditions. Only one worker may read each
// partition's consumer: two workers pulling from it would split a
// customer's orders between them. And a message must not come back after
// later ones: a `nak` or an expired ack wait redelivers it behind them. A
// consumer with `max_ack_pending: 1` keeps order even then, at the price
// of one message in flight per partition.
//
// Each worker asks its consumer how many messages wait for it
// (`num_pending`) and fetches exactly that many, so the batch is complete
// at once instead of waiting out its `expires`.
for (let partition = 0; partition < 3; partition++) {
  const name = `worker-${partition}`;
  await jsm.consumers.add("ORDERS", {
    durable_name: name,
    filter_subject: `orders.*.${partition}`,
    ack_policy: AckPolicy.Explicit,
  });
  const consumer = await js.consumers.get("ORDERS", name);
  const { num_pending } = await consumer.info();
  const got = [];
  for await (const msg of await consumer.fetch({ max_messages: num_pending, expires: 1000 })) {
    got.push(msg.string());
    msg.ack();
  }
  console.log(`partition ${partition} worker got: ${got.join(", ")}`);
}

// Clean up: deleting the stream deletes the consumers too.
await jsm.streams.delete("ORDERS");
await nc.drain();
