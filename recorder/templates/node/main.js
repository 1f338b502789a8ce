// Say in a sentence or two what this program shows and why it matters.
// Every comment block becomes a paragraph of the page, shown beside the
// code that follows it, so write for a reader who is learning NATS with
// nats.js: what each call does, what it awaits, how it fails, how it ends.
//
// Import from the packages pinned in examples/package.json (bare names:
// the recorder runs this file next to their node_modules). Add
// `@nats-io/jetstream`, `@nats-io/kv`, `@nats-io/obj` or
// `@nats-io/services` imports when the example needs them.
import { connect } from "@nats-io/transport-node";

// Connect to the servers the recorder started (NATS_URL, comma-separated),
// or to a local server. This file is an ES module, so it can await at the
// top level.
const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
const nc = await connect({ servers });

// Explain each step before its code. Print labelled, deterministic lines
// (no timestamps, ids or random order): the output is shown on the page,
// checked against the `expect` patterns of meta.yaml, and replayed at half
// speed. Delete any stream, consumer, bucket or object store you create
// before you create it and again at the end, so a second run prints the
// same as the first.
console.log("connected");

// Drain the connection so nothing in flight is lost; once it resolves
// nothing keeps the event loop alive and the process exits.
await nc.drain();
console.log("done");
