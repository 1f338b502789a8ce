// A stream knows every subject it holds messages for and how many messages
// each one has. Asking for that list is a stream info request made through
// the JetStream manager of `@nats-io/jetstream`.
import { connect } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from "@nats-io/jetstream";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// Start clean: delete the stream if an interrupted run left it.
try {
  await jsm.streams.delete("SENSORS");
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}

// A stream of sensor readings, one subject per region and metric. The
// stream captures `sensors.>`, so the subjects are created simply by
// publishing to them; nothing declares them ahead of time.
await jsm.streams.add({ name: "SENSORS", subjects: ["sensors.>"] });
const readings = {
  "sensors.eu.temp": 3,
  "sensors.eu.humidity": 2,
  "sensors.us.temp": 4,
  "sensors.us.pressure": 1,
};
for (const [subject, count] of Object.entries(readings)) {
  for (let i = 1; i <= count; i++) {
    await js.publish(subject, `reading ${i}`);
  }
}
const total = Object.values(readings).reduce((a, b) => a + b, 0);
console.log(`published ${total} readings on ${Object.keys(readings).length} subjects`);

// Plain stream info reports totals only. Listing subjects can be expensive
// on a stream with millions of them, so the server leaves the list out
// unless the request asks for it, and `state.subjects` is `undefined`.
let info = await jsm.streams.info("SENSORS");
console.log(`stream info: ${info.state.messages} messages, subjects=${info.state.subjects}`);

// Passing `subjects_filter` asks for the subjects matching a filter, each
// with its number of messages. The filter `>` matches them all. The result
// is a plain object mapping subject to count; we sort it so the output is
// stable. A server answer holds a limited number of subjects and pages the
// rest; nats.js follows the pages for you and merges them into one object.
async function listSubjects(filter) {
  info = await jsm.streams.info("SENSORS", { subjects_filter: filter });
  const subjects = Object.entries(info.state.subjects ?? {}).sort(([a], [b]) => a.localeCompare(b));
  console.log(`filter '${filter}': ${subjects.length} subject(s)`);
  for (const [subject, count] of subjects) {
    console.log(`  ${subject}: ${count}`);
  }
}

await listSubjects(">");

// Filters use the usual NATS wildcards: `*` matches one token, `>` the rest
// of the subject. So we can ask for one region, or for one metric across
// all regions, or check a single subject.
await listSubjects("sensors.eu.*");
await listSubjects("sensors.*.temp");
await listSubjects("sensors.us.pressure");

// The list always reflects what the stream holds right now. Purge the
// pressure readings (`purge` with a `filter` removes only that subject's
// messages) and that subject is gone; a filter that matches nothing
// returns no subjects at all.
await jsm.streams.purge("SENSORS", { filter: "sensors.us.pressure" });
console.log("purged sensors.us.pressure");
await listSubjects("sensors.us.*");
await listSubjects("sensors.asia.>");

// Clean up: deleting the stream deletes its messages too.
await jsm.streams.delete("SENSORS");
await nc.drain();
