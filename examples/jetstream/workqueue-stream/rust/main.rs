// A *work-queue* stream hands each message to exactly one consumer and
// deletes it once that consumer acknowledges it. This example uses the
// stream settings, pull consumers, and the error kinds of stream and
// consumer calls, which carry the server's own error when it refuses.
use std::time::Duration;

use async_nats::jetstream::consumer::{pull, PullConsumer};
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::{Config, ConsumerErrorKind, RetentionPolicy, Stream};
use async_nats::jetstream::{self, Context, ErrorCode, Message};
use futures::TryStreamExt;

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

// After each step, print a summary of the stream: how many jobs it still
// holds and the range of sequence numbers they span.
async fn show(stream: &mut Stream, label: &str) -> Result<(), async_nats::Error> {
    let state = &stream.info().await?.state;
    println!(
        "{label:<26} messages={} first_seq={} last_seq={}",
        state.messages, state.first_sequence, state.last_sequence
    );
    Ok(())
}

// A durable pull consumer that sees only the subjects matching `filter`.
async fn consumer(
    stream: &Stream,
    name: &str,
    filter: &str,
) -> Result<PullConsumer, async_nats::jetstream::stream::ConsumerError> {
    stream
        .create_consumer(pull::Config {
            durable_name: Some(name.into()),
            filter_subject: filter.into(),
            ..Default::default()
        })
        .await
}

// Pulls up to `count` messages, waiting at most a second for them, and
// collects the stream of `Result`s into a `Vec`.
async fn pull(consumer: &PullConsumer, count: usize) -> Result<Vec<Message>, async_nats::Error> {
    let batch = consumer
        .batch()
        .max_messages(count)
        .expires(Duration::from_secs(1))
        .messages()
        .await?;
    Ok(batch.try_collect().await?)
}

// What a worker prints about a job it has done.
fn did(worker: &str, msg: &Message) {
    let job = String::from_utf8_lossy(&msg.payload);
    println!("{worker} worker did {}: {job}", msg.subject);
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // Connect and get a JetStream context, as every JetStream example does
    // (the JetStream introduction explains the context).
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // Start clean: delete the stream if an interrupted run left it.
    delete_if_present(&js, "JOBS").await?;

    // Create the stream with work-queue retention. It behaves like a
    // durable job queue: producers publish jobs, and a job stays in the
    // stream until a worker acknowledges it, then it is gone for good.
    let mut stream = js
        .create_stream(Config {
            name: "JOBS".into(),
            subjects: vec!["jobs.>".into()],
            retention: RetentionPolicy::WorkQueue,
            ..Default::default()
        })
        .await?;

    // Queue six jobs of two kinds. Unlike an interest stream, a work queue
    // keeps messages while no consumer exists yet: the jobs wait for a
    // worker to show up. Each publish waits for the stream's
    // acknowledgement (the second `.await`).
    for i in 1..=3 {
        js.publish(format!("jobs.email.{i}"), format!("send email {i}").into())
            .await?
            .await?;
        js.publish(
            format!("jobs.resize.{i}"),
            format!("resize image {i}").into(),
        )
        .await?
        .await?;
    }
    show(&mut stream, "6 jobs queued:").await?;

    // A consumer filtered on `jobs.email.>` takes the email jobs. Each
    // acknowledgement deletes the job from the stream; `double_ack` waits
    // for the server to confirm it, so the state printed next is exact.
    let email = consumer(&stream, "email", "jobs.email.>").await?;
    for msg in pull(&email, 3).await? {
        did("email", &msg);
        msg.double_ack().await?;
    }
    show(&mut stream, "email jobs acked:").await?;

    // Each message may belong to only one consumer, so the server refuses
    // a second consumer whose filter overlaps an existing one. `jobs.>`
    // would also match the email jobs, and creating it fails: the error's
    // kind is `JetStream`, holding the server's error (its description,
    // status code and JetStream error code). Any other failure is passed up.
    match consumer(&stream, "everything", "jobs.>").await {
        Ok(_) => println!("consumer 'everything' on jobs.> was created"),
        Err(err) => match err.kind() {
            ConsumerErrorKind::JetStream(api) => {
                println!("consumer 'everything' on jobs.> rejected: {api}")
            }
            _ => return Err(err.into()),
        },
    }

    // A filter that does not overlap is fine. The resize worker pulls its
    // three jobs but acknowledges only two: a message that was delivered
    // and not acknowledged stays in the stream, to be delivered again once
    // its ack wait runs out. A worker can also act sooner: ask for
    // redelivery (`AckKind::Nak`, optionally with a delay), ask for more
    // time (`AckKind::Progress`) or give up on the job (`AckKind::Term`),
    // all sent with `ack_with`. The Redelivery example shows each of them,
    // and how `max_deliver` stops a job that keeps failing.
    let resize = consumer(&stream, "resize", "jobs.resize.>").await?;
    let msgs = pull(&resize, 3).await?;
    for msg in &msgs[..2] {
        did("resize", msg);
        msg.double_ack().await?;
    }
    show(&mut stream, "2 of 3 resize jobs acked:").await?;

    // Acknowledging the last job empties the queue.
    did("resize", &msgs[2]);
    msgs[2].double_ack().await?;
    show(&mut stream, "all jobs acked:").await?;

    // Clean up: deleting the stream deletes its consumers too.
    js.delete_stream("JOBS").await?;
    Ok(())
}
