// JetStream lives in its own package, `@nats-io/jetstream`, on top of a
// core connection from `@nats-io/transport-node`. It gives two views of the
// server's JetStream API: `jetstream(nc)` returns the client that publishes
// and consumes, and `jetstreamManager(nc)` the manager that creates,
// inspects and deletes streams and consumers. The package also exports the
// enums of the stream configuration (`DiscardPolicy` here) and the error
// class of a refused API call, `JetStreamApiError`, whose `code` is the
// server's JetStream error code (`JetStreamApiCodes` names the common ones).
// `nanos` from the core client converts milliseconds to the nanoseconds
// JetStream uses for every duration.
import { connect, delay, nanos } from "@nats-io/transport-node";
import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });

// `jetstreamManager` is async: it asks the server for the account's
// JetStream information first, and rejects if JetStream is not enabled.
// `jetstream` only wraps the connection.
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// Delete a stream if it exists. A missing stream makes `delete` reject with
// a `JetStreamApiError` whose code is `StreamNotFound`; that one is
// expected, anything else is thrown on.
async function deleteStream(name) {
  try {
    await jsm.streams.delete(name);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) {
      throw err;
    }
  }
}

// Start clean: delete the streams if an interrupted run left them.
for (const stream of ["EVENTS", "ORDERS"]) {
  await deleteStream(stream);
}

// Print the part of the stream state that tells the story: how many
// messages and bytes are stored, and the sequence numbers of the oldest and
// the newest one still kept. `streams.info` resolves to the stream's
// configuration and its `state`.
async function show(label, stream = "EVENTS") {
  const s = (await jsm.streams.info(stream)).state;
  console.log(
    `${label.padEnd(22)} messages=${String(s.messages).padEnd(2)} bytes=${String(s.bytes).padEnd(4)} ` +
      `first_seq=${String(s.first_seq).padEnd(2)} last_seq=${s.last_seq}`,
  );
}

// Create a stream capturing `events.>` with three limits at once: at most
// 10 messages, at most 1000 bytes, and nothing older than one second. The
// configuration uses the server's own field names, and `max_age`, like
// every duration in JetStream, is in nanoseconds. Limits retention is the
// default, so it is not named here. The discard policy is also the default,
// `old`: when a new message would break a limit, the oldest messages are
// removed to make room.
await jsm.streams.add({
  name: "EVENTS",
  subjects: ["events.>"],
  max_msgs: 10,
  max_bytes: 1000,
  max_age: nanos(1000),
});

// Publish 15 small messages. `js.publish` resolves with the stream's
// acknowledgement once the message is stored. Every one is accepted, but
// only the last 10 are kept: in the output, `first_seq` has moved on to 6
// while `last_seq` is 15. Sequence numbers are never reused.
for (let i = 1; i <= 15; i++) {
  await js.publish(`events.click.${i}`, `click ${i}`);
}
await show("after 15 small msgs:");

// Now two larger messages of 400 bytes each. Stored size counts the
// subject, headers and payload plus some overhead, so the byte limit bites
// first: the stream drops old messages until the total fits under 1000
// bytes, leaving far fewer than 10 messages.
for (let i = 1; i <= 2; i++) {
  await js.publish(`events.upload.${i}`, "x".repeat(400));
}
await show("after 2 large msgs:");

// Finally the age limit. Wait a little longer than one second and every
// message has expired. The stream is empty, and `first_seq` points one past
// `last_seq`: the next message published will get sequence 18.
await delay(1500);
await show("after 1.5 s:");

// The other discard policy, `new`, turns a limit into back-pressure: a full
// stream keeps what it has and rejects the new message instead, so the
// publisher's promise rejects with a `JetStreamApiError` carrying the
// server's reason.
await jsm.streams.add({
  name: "ORDERS",
  subjects: ["orders.>"],
  max_msgs: 3,
  discard: DiscardPolicy.New,
});
for (let i = 1; i <= 4; i++) {
  try {
    const ack = await js.publish(`orders.${i}`, "order");
    console.log(`orders.${i} stored as seq ${ack.seq}`);
  } catch (err) {
    if (!(err instanceof JetStreamApiError)) throw err;
    console.log(`orders.${i} rejected: ${err.message}`);
  }
}
await show("ORDERS:", "ORDERS");

// Clean up: deleting a stream deletes its messages too.
for (const stream of ["EVENTS", "ORDERS"]) {
  await jsm.streams.delete(stream);
}
await nc.drain();
