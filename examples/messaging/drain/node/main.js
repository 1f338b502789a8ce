// Draining is part of the core client. `ClosedConnectionError` is the
// error class nats.js throws when a closed connection is asked to publish;
// `deferred` and `deadline` are its promise helpers for waiting on a
// condition with a time limit, and `delay` resolves after some
// milliseconds.
import { ClosedConnectionError, connect, deadline, deferred, delay } from "@nats-io/transport-node";

const JOBS = 6;
const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");

// Runs a small service and shuts it down with the given method, `close` or
// `drain`, while it still has work buffered.
async function run(shutdown) {
  const nc = await connect({ servers });
  console.log(`${shutdown}():`);

  // A slow worker: each job takes 100 ms, and a job is only done once its
  // result has been published on `results`, where another service would
  // pick it up. The `for await` loop asks for the next message only when
  // the body is finished, so while one job is being handled the rest wait
  // in the subscription's queue inside the client.
  //
  // Publishing on a closed connection throws `ClosedConnectionError` at
  // once (`publish` is synchronous: it only queues the message). The loop
  // counts that job as lost: its work was done, but nobody will ever see
  // the result.
  const handled = [];
  const twoHandled = deferred();
  const sub = nc.subscribe("jobs");
  const worker = (async () => {
    for await (const msg of sub) {
      const job = msg.string();
      await delay(100);
      try {
        nc.publish("results", `${job} ok`);
      } catch (err) {
        if (!(err instanceof ClosedConnectionError)) throw err;
        console.log(`  ${job} done, but its result is lost: ${err.message}`);
        continue;
      }
      handled.push(job);
      console.log(`  handled ${job}`);
      if (handled.length === 2) twoHandled.resolve();
    }
  })();

  // Publish six jobs on the same connection, then `flush`: it resolves on
  // the server's answer to a PING sent after them, and the server writes
  // the six messages to this connection before that answer, so all six are
  // in the client by then (`getReceived` counts them, handled or still
  // queued).
  for (let i = 1; i <= JOBS; i++) {
    nc.publish("jobs", `job-${i}`);
  }
  await nc.flush();
  console.log(`  ${sub.getReceived()} jobs received, handling them...`);

  // Shut down after the first two jobs are handled, as if the process had
  // been told to stop (for example by SIGTERM during a deploy). `deadline`
  // bounds the wait, so a lost message fails the program instead of
  // hanging it.
  await deadline(twoHandled, 5000);
  console.log(`  calling ${shutdown}()`);
  if (shutdown === "close") {
    // `close` ends the connection at once. nats.js does not throw away the
    // messages already handed to the subscription: the loop goes on
    // through them. But the connection is gone, so every publish, reply or
    // acknowledgement the worker attempts fails, and the work is lost
    // all the same. The subscription has ended with the connection, so the
    // loop stops once it has been through what it had.
    await nc.close();
    await worker;
  } else {
    // Draining is done in two steps, because in nats.js a drain makes sure
    // every message reaches the client, not that your loop has finished
    // them. `sub.drain()` unsubscribes and resolves once the server has
    // confirmed it, with every message it sent before in the
    // subscription's queue; the subscription then ends behind them, so the
    // loop ends after the last one. Awaiting the loop waits for that work,
    // and only then does `nc.drain()` flush the results and close the
    // connection. (`nc.drain()` alone drains every subscription the same
    // way but closes the connection without waiting for the loops: this
    // worker would then lose four results, as it did with `close`.)
    await sub.drain();
    await worker;
    await nc.drain();
  }

  const lost = JOBS - handled.length;
  console.log(`${shutdown}(): ${handled.length} of ${JOBS} jobs handled, ${lost} lost`);
}

// Same service, same six jobs, two ways to stop. Notice that after
// `close()` only the first two results went out, while `drain()` keeps
// handling until all six are done. The first step of the drain, on its own,
// is also how a service stops one subscription and keeps its connection.
await run("close");
await run("drain");
