// Draining is part of the core client. Besides async-nats this example uses
// tokio's tasks (the service runs in one), a `watch` channel through which
// the service reports how many jobs it has handled, and tokio's timers.
use std::sync::atomic::Ordering;
use std::time::Duration;

use async_nats::Subscriber;
use futures::StreamExt;
use tokio::sync::watch;
use tokio::time::{sleep, timeout};

const JOBS: usize = 6;

// The service: a slow handler, each job takes 0.1 s. It reads the
// subscription one message at a time, so while one job is being handled
// the rest wait in the subscription's buffer inside the client. It ends
// when the subscription's stream ends.
async fn service(mut jobs: Subscriber, handled: watch::Sender<usize>) {
    while let Some(job) = jobs.next().await {
        sleep(Duration::from_millis(100)).await;
        println!("  handled {}", String::from_utf8_lossy(&job.payload));
        handled.send_modify(|count| *count += 1);
    }
}

// Runs the service and shuts it down, the abrupt way or with `drain`,
// while it still has work buffered.
async fn run(servers: &[&str], shutdown: &str) -> Result<(), async_nats::Error> {
    let client = async_nats::connect(servers.to_vec()).await?;
    println!("{shutdown}():");

    let jobs = client.subscribe("jobs").await?;
    let (handled_tx, mut handled) = watch::channel(0);
    let task = tokio::spawn(service(jobs, handled_tx));

    // Publish six jobs and wait until all of them have reached this client.
    // `statistics()` counts what the connection has received, whether the
    // service has handled it yet or not; this connection receives nothing
    // but the jobs. The wait polls that counter, with a deadline so that a
    // lost message fails the program instead of hanging it.
    for i in 1..=JOBS {
        client.publish("jobs", format!("job-{i}").into()).await?;
    }
    let stats = client.statistics();
    timeout(Duration::from_secs(5), async {
        while stats.in_messages.load(Ordering::Relaxed) < JOBS as u64 {
            sleep(Duration::from_millis(10)).await;
        }
    })
    .await?;
    println!(
        "  {} jobs received, handling them...",
        stats.in_messages.load(Ordering::Relaxed)
    );

    // Shut down after the first two jobs are handled, as if the process had
    // been told to stop (for example by SIGTERM during a deploy).
    // `wait_for` returns as soon as the count the service reports passes
    // the test.
    timeout(Duration::from_secs(5), handled.wait_for(|n| *n >= 2)).await??;
    println!("  calling {shutdown}()");
    if shutdown == "close" {
        // A `Client` has no `close` (the output keeps the name other
        // clients use): a connection closes when the last handle to it is
        // dropped. The abrupt stop is to abort the
        // service's task. Tokio drops its future at the next `.await`
        // point: the job in progress is cancelled mid-way, and the
        // `Subscriber` it owned is dropped with it, discarding the jobs in
        // its buffer. Awaiting an aborted task's handle returns an error
        // that says it was cancelled, which we expect here. Dropping the
        // client then closes the connection.
        task.abort();
        let _ = task.await;
        drop(client);
    } else {
        // `drain` unsubscribes everything, stops new messages, and closes
        // the connection; each subscription's stream still hands out what it
        // has buffered and then ends. The call itself returns at once, so we
        // wait for the service's task, which ends when its stream does. In
        // production, put a `timeout` on that wait too.
        //
        // In async-nats 0.51.0 the connection closes as soon as it has sent
        // the unsubscribes, without waiting for the server to confirm them,
        // so a message the server was sending at that moment can still be
        // lost. Here every job had arrived before we drained.
        client.drain().await?;
        task.await?;
    }

    let handled = *handled.borrow();
    let lost = JOBS - handled;
    println!("{shutdown}(): {handled} of {JOBS} jobs handled, {lost} lost");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let servers: Vec<&str> = servers.split(',').collect();

    // Same service, same six jobs, two ways to stop. Notice that the
    // abrupt stop loses the last four jobs, while `drain()` keeps handling
    // until all six are done. A single subscription can be drained the same
    // way with `Subscriber::drain`, leaving the connection open.
    run(&servers, "close").await?;
    run(&servers, "drain").await?;
    Ok(())
}
