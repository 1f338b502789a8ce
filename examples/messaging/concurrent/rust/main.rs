// A subscription in async-nats is a `Stream` of messages, and how fast it
// is worked through is up to the code that reads it. Reading it with a
// `while let` loop handles one message at a time; the `futures` crate's
// `for_each_concurrent` runs the handler for several messages at once.
// `tokio::time` provides the sleeps that stand in for work, the clock and
// the deadline.
use std::time::Duration;

use async_nats::Message;
use futures::StreamExt;
use tokio::time::{sleep, timeout, Instant};

// Four jobs and how long each takes to process. A sleep stands in for I/O
// such as a database query; the jobs are deliberately not in order of
// duration.
const JOBS: [(&str, u64); 4] = [
    ("job-1", 400),
    ("job-2", 100),
    ("job-3", 300),
    ("job-4", 200),
];

// The work itself, shared by both ways of reading. It looks up how long
// the job takes, waits that long and says it is done.
async fn process(msg: Message) {
    let job = String::from_utf8_lossy(&msg.payload);
    let millis = JOBS
        .iter()
        .find(|(name, _)| *name == job)
        .map_or(0, |(_, millis)| *millis);
    sleep(Duration::from_millis(millis)).await;
    println!("  {job} done ({:.1} s of work)", millis as f64 / 1000.0);
}

// The total time, in words. The two cases to tell apart are "the sum of
// the durations" (one job after another) and "the longest job" (all at
// once). The program prints which one the measurement matches, rather than
// the milliseconds, so its output is the same on every run.
fn describe(elapsed: Duration) -> String {
    let sum: u64 = JOBS.iter().map(|(_, millis)| millis).sum();
    let longest = JOBS.iter().map(|(_, millis)| *millis).max().unwrap_or(0);
    let elapsed = elapsed.as_secs_f64();
    for (name, millis) in [
        ("the sum of the durations", sum),
        ("the longest job", longest),
    ] {
        let value = millis as f64 / 1000.0;
        if (elapsed - value).abs() < 0.15 {
            return format!("{value:.1} s, {name}");
        }
    }
    format!("{elapsed:.2} s")
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;

    for mode in ["sequential", "concurrent"] {
        println!("{mode}:");
        let subject = format!("work.{mode}");

        // `take(4)` turns the endless subscription into a stream that ends
        // after four messages. The `Take` adapter owns the `Subscriber`;
        // when it is dropped at the end of this loop iteration, the
        // `Subscriber` is dropped with it, and dropping a `Subscriber`
        // unsubscribes.
        let jobs = client.subscribe(subject.clone()).await?.take(JOBS.len());
        let start = Instant::now();
        for (job, _) in JOBS {
            client.publish(subject.clone(), job.into()).await?;
        }

        // Sequential: the loop awaits each job before it asks for the next
        // message, so the jobs run one after another, in the order they
        // were published, and the total is the sum of all durations. The
        // messages that arrive meanwhile wait in the subscription's buffer.
        //
        // Concurrent: `for_each_concurrent` asks for the next message as
        // soon as a job is started, and runs up to `limit` jobs at once.
        // The limit is what stops a burst of messages from starting
        // thousands of jobs; `None` would mean no limit. All the jobs run
        // inside this one task, taking turns whenever one of them waits, so
        // this overlaps waiting, not computing: for CPU-heavy work, hand each
        // job to `tokio::spawn` (other worker threads) or
        // `tokio::task::spawn_blocking`.
        //
        // Either way `timeout` gives the whole round a deadline, so a lost
        // message fails the program instead of hanging it.
        let round = async {
            if mode == "sequential" {
                let mut jobs = jobs;
                while let Some(msg) = jobs.next().await {
                    process(msg).await;
                }
            } else {
                jobs.for_each_concurrent(Some(10), process).await;
            }
        };
        timeout(Duration::from_secs(5), round).await?;
        println!("  all {} jobs in {}", JOBS.len(), describe(start.elapsed()));
    }

    // What to notice: sequentially the jobs finish in publish order and
    // the total is the sum (0.4 + 0.1 + 0.3 + 0.2 = 1.0 s). Concurrently
    // they finish shortest first, and the total is that of the longest job
    // (0.4 s). The price is that completion order no longer follows
    // publish order.
    //
    // Every job has finished (the rounds awaited them) and both
    // subscriptions are gone, so there is nothing left to drain: returning
    // from `main` shuts the runtime and the connection down.
    Ok(())
}
