// Since nats-server 2.11 a message can carry its own time to live, and a
// stream can leave a *delete marker* behind when the last message of a
// subject expires, so consumers hear about it. `@nats-io/jetstream` has
// both: the `ttl` option of `publish`, and the stream settings
// `allow_msg_ttl` and `subject_delete_marker_ttl`.
import { connect, deadline, delay, nanos } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from "@nats-io/jetstream";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// Start clean: delete the stream if an interrupted run left it.
try {
  await jsm.streams.delete("PRESENCE");
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}

// Devices announce that they are online on `presence.<device>`, and the
// stream keeps the latest announcement of each. Per-message TTL is off by
// default: a message with a TTL is refused, not stored without one. The
// `ttl` option of `publish`, a duration such as "1s", goes in the
// `Nats-TTL` header.
await jsm.streams.add({ name: "PRESENCE", subjects: ["presence.>"], max_msgs_per_subject: 1 });
try {
  await js.publish("presence.sensor-1", "online", { ttl: "1s" });
} catch (err) {
  if (!(err instanceof JetStreamApiError)) throw err;
  console.log(`publish with a TTL -> ${err.message}`);
}

// The stream is updated to allow it (`allow_msg_ttl`), with a stream-wide
// `max_age` of 3 s for messages without a TTL, and
// `subject_delete_marker_ttl`: when the last message of a subject expires,
// the server stores a marker in its place, kept for 1 s. (Durations in the
// configuration are nanoseconds; a `max_age` this short needs a duplicate
// window no longer than it.)
await jsm.streams.update("PRESENCE", {
  allow_msg_ttl: true,
  subject_delete_marker_ttl: nanos(1000),
  max_age: nanos(3000),
  duplicate_window: nanos(1000),
});
console.log("PRESENCE: allow_msg_ttl, max_age=3s, subject_delete_marker_ttl=1s");

// Three announcements. sensor-1 is good for 1 s and must announce again to
// stay listed. sensor-2 sets no TTL, so the stream's `max_age` applies. The
// gateway's TTL is "never": it outlives `max_age`.
await js.publish("presence.sensor-1", "online", { ttl: "1s" });
await js.publish("presence.sensor-2", "online");
await js.publish("presence.gateway", "online", { ttl: "never" });

// A consumer reading the stream sees the three announcements, then, as the
// sensors expire, a delete marker for each: a message with no data on the
// same subject, whose `Nats-Marker-Reason` header says why (`MaxAge`, for a
// TTL or the stream's `max_age`) and whose `Nats-TTL` is the marker's own
// lifetime. An ordered consumer suits a reader like this one, which only
// follows along; it stops after five messages, within 5 s.
const reader = await (await js.consumers.get("PRESENCE")).consume();
await deadline((async () => {
  let count = 0;
  for await (const msg of reader) {
    const reason = msg.headers?.get("Nats-Marker-Reason");
    if (reason) {
      console.log(`  seq ${msg.seq} ${msg.subject}: delete marker, reason ${reason}, kept ${msg.headers.get("Nats-TTL")}`);
    } else {
      console.log(`  seq ${msg.seq} ${msg.subject}: '${msg.string()}'`);
    }
    if (++count === 5) break;
  }
})(), 5000);

// The markers expire in turn. We poll the stream's subjects until only one
// is left, with a deadline: the gateway, which ignores `max_age`.
const giveUp = performance.now() + 5000;
let subjects;
for (;;) {
  subjects = Object.keys((await jsm.streams.info("PRESENCE", { subjects_filter: ">" })).state.subjects ?? {});
  if (subjects.length === 1) break;
  if (performance.now() > giveUp) throw new Error(`still holding ${subjects.join(", ")}`);
  await delay(100);
}
console.log(`PRESENCE holds ${subjects.join(", ")}`);

// Clean up.
await jsm.streams.delete("PRESENCE");
await nc.drain();
