// With a pull consumer the application asks for messages, and async-nats
// has two ways to ask: `fetch` takes what is there right now, and `batch`
// waits, up to a time you choose, for the messages it asked for. How long
// each call takes depends on what the stream holds, so this program times
// every call with tokio's `Instant`.
use std::time::Duration;

use async_nats::jetstream::consumer::{pull, PullConsumer};
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::Config;
use async_nats::jetstream::{self, Context, ErrorCode, Message};
use futures::TryStreamExt;
use tokio::time::{sleep, Instant};

// Deletes a stream if it exists: the server's `STREAM_NOT_FOUND` answer is
// expected, any other error is passed up.
async fn delete_if_present(js: &Context, name: &str) -> Result<(), async_nats::Error> {
    match js.delete_stream(name).await {
        Ok(_) => Ok(()),
        Err(err) => match err.kind() {
            DeleteStreamErrorKind::JetStream(api)
                if api.error_code() == ErrorCode::STREAM_NOT_FOUND =>
            {
                Ok(())
            }
            _ => Err(err.into()),
        },
    }
}

// How long a call waited, in words: "at once", or "after the whole
// timeout". The program prints the words rather than the milliseconds, so
// its output is the same on every run; anything else would show up as a
// measured time.
fn waited(start: Instant, timeout: f64) -> String {
    let elapsed = start.elapsed().as_secs_f64();
    if elapsed < 0.2 {
        "at once".into()
    } else if timeout - 0.05 < elapsed && elapsed < timeout + 0.3 {
        format!("after the whole {timeout} s timeout")
    } else {
        format!("after {elapsed:.2} s")
    }
}

fn subjects(msgs: &[Message]) -> String {
    let subjects: Vec<&str> = msgs.iter().map(|m| m.subject.as_str()).collect();
    subjects.join(", ")
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // Connect and get a JetStream context, as every JetStream example does
    // (the JetStream introduction explains the context).
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // Start clean: delete the stream if an interrupted run left it.
    delete_if_present(&js, "TASKS").await?;

    // A backlog of seven messages, and a durable pull consumer to read it.
    let stream = js
        .create_stream(Config {
            name: "TASKS".into(),
            subjects: vec!["tasks.>".into()],
            ..Default::default()
        })
        .await?;
    for i in 1..=7 {
        js.publish(format!("tasks.{i}"), format!("task {i}").into())
            .await?
            .await?;
    }
    let worker: PullConsumer = stream
        .create_consumer(pull::Config {
            durable_name: Some("worker".into()),
            ..Default::default()
        })
        .await?;

    // `fetch` sends a pull request that must be answered at once: the
    // server hands over up to `max_messages` of what the consumer has
    // waiting, or says it has nothing. Its messages arrive as a stream of
    // `Result`s, which `try_collect` gathers into a `Vec`. To work through a
    // backlog, fetch in a loop. The first two batches are full. The third
    // asks for 3 while only 1 is left, and returns that one. The fourth
    // comes back empty, also at once: the signal to stop.
    for n in 1..=5 {
        let start = Instant::now();
        let msgs: Vec<Message> = worker
            .fetch()
            .max_messages(3)
            .messages()
            .await?
            .try_collect()
            .await?;
        if msgs.is_empty() {
            println!("fetch #{n}: nothing, {}: backlog done", waited(start, 0.5));
            break;
        }
        println!(
            "fetch #{n}: {} {}: {}",
            msgs.len(),
            waited(start, 0.5),
            subjects(&msgs)
        );
        for msg in &msgs {
            msg.ack().await?;
        }
    }

    // `batch` sends a pull request that may wait at the server, here for up
    // to one second (`expires`), until it has the 3 messages it asked for.
    // With nothing to deliver, the server ends the request when the second
    // is up (a 408 status, which async-nats takes as the normal end of the
    // batch), so the stream ends empty after the whole timeout. Should the
    // server or the connection be gone, the batch still ends, on a timer of
    // the client's own that runs 5 s past `expires`.
    //
    // A builder method `heartbeat` asks the server for idle heartbeats while
    // the request waits, to tell those two cases apart. Do not set it on a
    // `batch` in async-nats 0.51.0: the batch then misses the server's end
    // of the request and waits for its own timer (measured here: an empty
    // batch with `heartbeat` returned after 6.0 s instead of 1.0 s). The
    // long-running `worker.messages()` stream is where async-nats checks
    // heartbeats, and reports an error when they stop.
    let start = Instant::now();
    let msgs: Vec<Message> = worker
        .batch()
        .max_messages(3)
        .expires(Duration::from_secs(1))
        .messages()
        .await?
        .try_collect()
        .await?;
    println!(
        "batch(3), expires 1 s: {} messages, {}: nothing to do",
        msgs.len(),
        waited(start, 1.0)
    );

    // A waiting pull request is also a long poll: it waits at the server
    // until a message comes. To show it, a second worker takes its own
    // handle on the same durable consumer (any number of clients may pull
    // from one consumer, sharing its messages). Its `batch` of one starts on
    // an empty consumer, a task publishes a message 0.3 s later, and the
    // batch ends as soon as it arrives instead of at its 2 s timeout: timed
    // from the publish, it returns at once. The publishing task gets a clone
    // of the JetStream context and returns the moment it published.
    let second: PullConsumer = stream.get_consumer("worker").await?;
    let request = second
        .batch()
        .max_messages(1)
        .expires(Duration::from_secs(2))
        .messages()
        .await?;
    let publisher = tokio::spawn({
        let js = js.clone();
        async move {
            sleep(Duration::from_millis(300)).await;
            js.publish("tasks.8", "task 8".into()).await?.await?;
            Ok::<Instant, async_nats::Error>(Instant::now())
        }
    });
    let msgs: Vec<Message> = request.try_collect().await?;
    let published = publisher.await??;
    println!(
        "second worker, batch(1): {} published 0.3 s in, returned {}",
        subjects(&msgs),
        waited(published, 2.0)
    );
    for msg in &msgs {
        msg.ack().await?;
    }

    // Clean up: deleting the stream deletes the consumer too.
    js.delete_stream("TASKS").await?;
    Ok(())
}
