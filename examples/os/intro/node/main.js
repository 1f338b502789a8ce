// The object store keeps files and blobs of any size in JetStream, cut into
// chunks. In nats.js v3 it is the package `@nats-io/obj`: `Objm` (the
// object store manager) creates and opens buckets, and each bucket is an
// `ObjectStore`. Objects go in and out as web `ReadableStream`s, which
// Node's `stream` module converts to and from its own file streams. The
// core client's `InvalidArgumentError` is what an oversized publish throws.
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { connect, deadline, InvalidArgumentError, syncIterator } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { Objm } from "@nats-io/obj";

const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });
const objm = new Objm(nc);

// A bucket is backed by a stream called `OBJ_assets`. Other programs open
// it with `objm.open("assets")`, which first checks that it exists and
// rejects with a plain `Error` if not. (Start clean: delete the bucket if
// an interrupted run left it. `open(name, false)` skips the check, and
// `destroy` of a missing bucket rejects with a `JetStreamApiError` whose
// code is `StreamNotFound`.)
try {
  await (await objm.open("assets", false)).destroy();
} catch (err) {
  if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
}
const store = await objm.create("assets");

// A watcher reports every change to the bucket's objects as it happens:
// each put, metadata update and delete, as an object info. (By default it
// skips what was there before it started; `includeHistory: true` would
// replay that first.) We read one update after each step below, within a
// 2 s deadline.
const watcher = await store.watch();
const updates = syncIterator(watcher);
async function showUpdate() {
  const info = await deadline(updates.next(), 2000);
  const what = info.deleted ? "deleted" : `${info.size} bytes, '${info.description ?? ""}'`;
  console.log(`  watch: ${info.name}: ${what}`);
}

// `putBlob` stores bytes held in memory, under the metadata given (a name
// at least). The info it resolves to describes what was stored: the size,
// the number of chunks and a SHA-256 digest of the content.
let info = await store.putBlob({ name: "motd.txt" }, new TextEncoder().encode("Welcome to NATS!\n"));
console.log(`put ${info.name}: ${info.size} bytes in ${info.chunks} chunk`);
await showUpdate();

const tmp = mkdtempSync(join(tmpdir(), "nbe-os-"));
try {
  // Why chunks: a NATS message may not exceed the server's `max_payload`,
  // 1 MiB by default, which the client learns when it connects
  // (`nc.info`). Our report is 2.5 MiB, generated so its content (and
  // digest) is the same on every run; as one message it is refused before
  // it leaves the client: `publish` throws an `InvalidArgumentError`.
  const source = join(tmp, "report.csv");
  const lines = [];
  for (let i = 0; i < 100_000; i++) {
    lines.push(`${String(i).padStart(8, "0")},${String(i * i).padStart(16, "0")}\n`);
  }
  writeFileSync(source, lines.join(""));
  console.log(`server max_payload: ${nc.info.max_payload} bytes`);
  try {
    nc.publish("reports.raw", readFileSync(source));
  } catch (err) {
    if (!(err instanceof InvalidArgumentError)) throw err;
    console.log(`publish ${statSync(source).size} bytes as one message -> ${err.name}: ${err.message}`);
  }

  // The object store cuts it up. `put` reads a `ReadableStream` (here the
  // file, turned into a web stream with `Readable.toWeb`) and publishes it
  // in chunks of 128 KiB, so even very large files never have to fit in
  // memory. The metadata carries a description too.
  const stream = Readable.toWeb(createReadStream(source));
  info = await store.put({ name: "reports/2024-05.csv", description: "monthly report" }, stream);
  console.log(`put ${info.name}: ${info.size} bytes in ${info.chunks} chunks`);
  console.log(`  digest ${info.digest}`);
  await showUpdate();

  // `get` resolves to the object's info and its content as a
  // `ReadableStream`, reassembled from the chunks as they are read; here it
  // streams into a file. The digest can only be checked once everything
  // has been read, so the result also has an `error` promise: it resolves
  // to `null` when the content matched its digest, or to the error.
  const target = join(tmp, "downloaded.csv");
  const result = await store.get("reports/2024-05.csv");
  await pipeline(Readable.fromWeb(result.data), createWriteStream(target));
  const failed = await result.error;
  if (failed) throw failed;
  const same = readFileSync(target).equals(readFileSync(source));
  console.log(`get reports/2024-05.csv into a file: identical to the original: ${same}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

// `update` rewrites the metadata message only (here the description),
// leaving the chunks alone, and watchers see it. `info` reads an object's
// current metadata.
await store.update("reports/2024-05.csv", { description: "final report" });
info = await store.info("reports/2024-05.csv");
console.log(`update: description='${info.description}', still ${info.chunks} chunks`);
await showUpdate();

// `delete` purges the object's chunks and leaves a marker saying it is
// gone, and watchers see the deletion. A later `get` resolves to `null`
// rather than rejecting, and `list` leaves deleted objects out.
await store.delete("motd.txt");
await showUpdate();
if ((await store.get("motd.txt")) === null) {
  console.log("get motd.txt after delete: not found");
}
const names = (await store.list()).map((o) => `'${o.name}'`);
console.log(`list after delete: [${names.join(", ")}]`);

// Clean up: stop the watcher, and destroy the bucket with its stream.
watcher.stop();
await store.destroy();
await nc.drain();
