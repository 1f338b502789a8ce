// An object store keeps, next to each object's chunks, one small metadata
// message: name, size, digest, description, headers. Watching a bucket
// means following those messages, changing metadata means publishing a new
// one, and a link is an object that has nothing but metadata. This program
// uses `@nats-io/obj`, the stream API of `@nats-io/jetstream` to count the
// messages underneath, and `headers()` from the core client.
import { connect, deadline, headers, syncIterator } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from "@nats-io/jetstream";
import { Objm } from "@nats-io/obj";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const objm = new Objm(nc);

// Start clean: delete the buckets if an interrupted run left them.
for (const bucket of ["assets", "releases"]) {
  try {
    await (await objm.open(bucket, false)).destroy();
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
  }
}
const assets = await objm.create("assets");
const releases = await objm.create("releases");
const stored = async () => (await jsm.streams.info("OBJ_assets")).state.messages;

// A 300 KiB logo, the same bytes on every run. nats.js cuts it into
// 128 KiB chunks: three chunk messages plus one metadata message.
const logo = new Uint8Array(256 * 1200).map((_, i) => i % 256);
let info = await assets.putBlob({ name: "logo.png" }, logo);
console.log(`put logo.png: ${info.size} bytes in ${info.chunks} chunks`);
console.log(`OBJ_assets holds ${await stored()} messages`);

// `watch({ includeHistory: true })` first reports the objects already
// there, then every change as it happens (without the option it reports
// only changes). Each update is an object info, read from the metadata
// message, with the headers as a plain object of value lists. nats.js
// sends no separate "caught up" marker, and its `isUpdate` flag is set on
// the last replayed object as well, so it cannot tell you either; here we
// know the bucket holds one object.
const watcher = await assets.watch({ includeHistory: true });
const updates = syncIterator(watcher);
async function showUpdate() {
  const info = await deadline(updates.next(), 2000);
  if (info.deleted) {
    console.log(`  watch: ${info.name} deleted`);
    return;
  }
  const details = [`${info.size} bytes`];
  if (info.description) details.push(`'${info.description}'`);
  for (const [name, values] of Object.entries(info.headers ?? {})) {
    details.push(`${name}: ${values.join(", ")}`);
  }
  console.log(`  watch: ${info.name}: ${details.join(", ")}`);
}
await showUpdate();

// `update` publishes a new metadata message for the object: the chunks are
// not touched. It takes only the fields to change and keeps the others.
// Headers are a `MsgHdrs`, as on a message. (Renaming works too, if the
// new name is free.) nats.js 3.4 publishes that message without a rollup,
// so the stream keeps the old metadata message next to the new one: one
// more message, until the object is replaced or deleted. Readers only ever
// see the latest.
const h = headers();
h.set("Content-Type", "image/png");
await assets.update("logo.png", { description: "company logo", headers: h });
console.log("update logo.png: a description and a header");
await showUpdate();
console.log(`OBJ_assets now holds ${await stored()} messages: 3 chunks, the new metadata and the old`);

// A link is an object whose metadata points at another object, here in
// another bucket; `link(name, info)` creates it from the target's info.
// Reading the link reads the target: `get` follows it, and the result's
// `info` is the target's. Its `data` is a web `ReadableStream`, which is
// also an async iterable of chunks (`Buffer.concat` joins them); `error`
// resolves once the digest has been checked.
async function read(result) {
  const parts = [];
  for await (const part of result.data) parts.push(part);
  const failed = await result.error;
  if (failed) throw failed;
  return Buffer.concat(parts);
}
await releases.link("current-logo", await assets.info("logo.png"));
let result = await releases.get("current-logo");
let data = await read(result);
const identical = data.equals(logo);
console.log(`get releases/current-logo -> ${result.info.bucket}/${result.info.name}: ${data.length} bytes, identical: ${identical}`);

// Putting `logo.png` again replaces it: new chunks, and new metadata (the
// description and headers are gone, since this put gave none). The link
// names an object, not a version, so it now reads the new logo.
info = await assets.putBlob({ name: "logo.png" }, logo.slice(0, 2048));
console.log(`put logo.png again: ${info.size} bytes`);
await showUpdate();
data = await read(await releases.get("current-logo"));
console.log(`get releases/current-logo: ${data.length} bytes`);

// Deleting the target leaves the link dangling: reading it resolves to
// `null`, as if the object had never been there.
await assets.delete("logo.png");
console.log("delete logo.png");
await showUpdate();
result = await releases.get("current-logo");
if (result === null) console.log("get releases/current-logo: not found");

// Clean up: stop the watcher, then destroy both buckets.
watcher.stop();
await assets.destroy();
await releases.destroy();
await nc.drain();
