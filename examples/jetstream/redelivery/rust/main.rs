// A consumer that requires acknowledgements delivers a message again until
// it is acknowledged. This program shows every way a worker can steer that
// with async-nats (`Message::ack_with` and its `AckKind`s), and what
// happens to a job that never succeeds. `serde_json` reads the server's
// advisory; tokio's `Instant` says how far apart the redeliveries came.
use std::time::Duration;

use async_nats::jetstream::consumer::{pull, PullConsumer};
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::{Config, RetentionPolicy};
use async_nats::jetstream::{self, AckKind, Context, ErrorCode, Message};
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::time::{sleep, timeout, Instant};

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

// Pulls one job, waiting up to `wait` for it. Each message says which
// attempt this is: `delivered` in its info, parsed from the reply subject
// the server sent it with.
async fn next_job(
    consumer: &PullConsumer,
    wait: Duration,
) -> Result<Option<(Message, String)>, async_nats::Error> {
    let mut batch = consumer
        .batch()
        .max_messages(1)
        .expires(wait)
        .messages()
        .await?;
    let Some(msg) = batch.try_next().await? else {
        return Ok(None);
    };
    let attempt = format!("{} delivery {}", msg.subject, msg.info()?.delivered);
    Ok(Some((msg, attempt)))
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // Connect and get a JetStream context, as every JetStream example does
    // (the JetStream introduction explains the context).
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client.clone());

    // Start clean: delete the streams if an interrupted run left them.
    for name in ["JOBS", "DEAD"] {
        delete_if_present(&js, name).await?;
    }

    // `JOBS` is a work queue, as in [Work-queue Stream](../workqueue-stream/index.md).
    // `DEAD` is a plain stream that keeps the jobs nobody could do: the
    // dead-letter queue, for a person or a repair job to look at later.
    let jobs = js
        .create_stream(Config {
            name: "JOBS".into(),
            subjects: vec!["jobs.>".into()],
            retention: RetentionPolicy::WorkQueue,
            ..Default::default()
        })
        .await?;
    js.create_stream(Config {
        name: "DEAD".into(),
        subjects: vec!["dead.>".into()],
        ..Default::default()
    })
    .await?;

    // The consumer's redelivery policy. `max_deliver: 3` caps the attempts
    // per message. `backoff` spaces out redeliveries after an unanswered
    // delivery: the first retry waits 1 s, every later one 2 s (the last
    // step repeats). With a backoff, the server uses its first step as the
    // ack wait and ignores `ack_wait`; without one, every redelivery waits
    // `ack_wait`, 30 s by default.
    let worker: PullConsumer = jobs
        .create_consumer(pull::Config {
            durable_name: Some("worker".into()),
            max_deliver: 3,
            backoff: vec![Duration::from_secs(1), Duration::from_secs(2)],
            ..Default::default()
        })
        .await?;
    println!("consumer worker: max_deliver=3, backoff=[1 s, 2 s]");

    // 1. `AckKind::Nak` says "not now": the job goes back to the consumer
    // at once, or, with a delay, after that long. Here the mail server the
    // job needs is down, so the worker asks for it again in a second. A
    // pull right away finds nothing; the next one, a second later, gets it
    // back. (A nak ignores the backoff; only a delivery left unanswered
    // waits for it.) `ack_with` sends any kind of acknowledgement;
    // `double_ack` is the confirmed plain ack.
    js.publish("jobs.1", "send invoice".into()).await?.await?;
    let (msg, attempt) = next_job(&worker, Duration::from_secs(3))
        .await?
        .ok_or("no job")?;
    println!("{attempt}: nak(delay=1), the mail server is down");
    msg.ack_with(AckKind::Nak(Some(Duration::from_secs(1))))
        .await?;
    if next_job(&worker, Duration::from_millis(500))
        .await?
        .is_none()
    {
        println!("jobs.1 fetch right after: nothing, the delay holds it back");
    }
    let (msg, attempt) = next_job(&worker, Duration::from_secs(3))
        .await?
        .ok_or("no job")?;
    println!("{attempt}: ack");
    msg.double_ack().await?;

    // 2. `AckKind::Progress` says "still on it": each one restarts the ack
    // wait. This job takes 2.5 s while the ack wait is 1 s, so the worker
    // sends one every half second. Meanwhile a second worker, a task with
    // its own handle on the same consumer, pulls and gets nothing: the job
    // is not redelivered behind the first worker's back. (Progress may be
    // sent any number of times; an ack, nak or term ends the delivery.)
    js.publish("jobs.2", "render video".into()).await?.await?;
    let (msg, attempt) = next_job(&worker, Duration::from_secs(3))
        .await?
        .ok_or("no job")?;
    println!("{attempt}: 2.5 s of work, in_progress every 0.5 s");
    let second: PullConsumer = jobs.get_consumer("worker").await?;
    let meanwhile = tokio::spawn(async move {
        match next_job(&second, Duration::from_secs(2)).await? {
            Some(_) => Ok::<&str, async_nats::Error>("got it: redelivered!"),
            None => Ok("nothing"),
        }
    });
    for _ in 0..5 {
        sleep(Duration::from_millis(500)).await;
        msg.ack_with(AckKind::Progress).await?;
    }
    println!("jobs.2 second worker meanwhile: {}", meanwhile.await??);
    msg.double_ack().await?;
    println!("jobs.2 ack: done in one delivery");

    // 3. `AckKind::Term` says "never again": the job can't succeed (its
    // input is malformed), so the server must not redeliver it. On a work
    // queue, a term removes the message like an ack does, so a worker that
    // wants to keep the job copies it to the dead-letter queue first.
    js.publish("jobs.3", "{malformed".into()).await?.await?;
    let (msg, attempt) = next_job(&worker, Duration::from_secs(3))
        .await?
        .ok_or("no job")?;
    js.publish("dead.jobs.3", msg.payload.clone())
        .await?
        .await?;
    msg.ack_with(AckKind::Term).await?;
    println!("{attempt}: malformed, copied to dead.jobs.3, then term");

    // 4. A job that crashes its worker is never answered at all. The
    // server redelivers it when the ack wait runs out, on the backoff
    // schedule, until `max_deliver` is reached. Then it gives up on the
    // message and publishes an *advisory*, a JSON event on
    // `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`; the
    // message itself stays in the stream. A dead-letter handler, here a
    // task with a core subscription, reads the job by its stream sequence,
    // copies it to `DEAD`, deletes it from `JOBS` and says it is done. (A
    // core subscription misses advisories while the handler is down; a
    // stream whose subjects include the advisory subject keeps them until
    // it is back.)
    let mut advisories = client
        .subscribe("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.JOBS.worker")
        .await?;
    let (moved, is_moved) = oneshot::channel();
    let dead_letter = tokio::spawn({
        let js = js.clone();
        async move {
            let advisory = advisories.next().await.ok_or("no advisory")?;
            let event: Value = serde_json::from_slice(&advisory.payload)?;
            let seq = event["stream_seq"].as_u64().ok_or("no stream_seq")?;
            let jobs = js.get_stream("JOBS").await?;
            let job = jobs.get_raw_message(seq).await?;
            println!(
                "advisory: {} (stream seq {seq}) gave up after {} deliveries",
                job.subject, event["deliveries"]
            );
            js.publish(format!("dead.{}", job.subject), job.payload.clone())
                .await?
                .await?;
            jobs.delete_message(seq).await?;
            println!(
                "{} copied to dead.{} and deleted from JOBS",
                job.subject, job.subject
            );
            let _ = moved.send(());
            Ok::<(), async_nats::Error>(())
        }
    });

    // The worker keeps pulling, as real workers do, and the deliveries
    // come 1 s and then 2 s apart. The fourth pull gets nothing: the server
    // gives up once the last delivery's ack wait (the last backoff step,
    // 2 s) has run out. It does so while a pull request is waiting:
    // nats-server 2.15 sent no advisory to a pull consumer nobody was
    // pulling from.
    js.publish("jobs.4", "resize a 0-byte image".into())
        .await?
        .await?;
    let mut last = Instant::now();
    for n in 0..4 {
        let Some((_msg, attempt)) = next_job(&worker, Duration::from_secs(4)).await? else {
            println!("jobs.4 next fetch: nothing, the server has given up on it");
            break;
        };
        let later = if n > 0 {
            format!(", {} s later", last.elapsed().as_secs_f64().round())
        } else {
            String::new()
        };
        last = Instant::now();
        println!("{attempt}{later}: no ack (the worker crashed)");
    }
    timeout(Duration::from_secs(2), is_moved).await??;
    dead_letter.await??;

    // What is left: nothing in the work queue, two jobs in the dead-letter
    // queue.
    let held = js.get_stream("JOBS").await?.cached_info().state.messages;
    let mut dead: Vec<String> = js
        .get_stream("DEAD")
        .await?
        .info_with_subjects(">")
        .await?
        .map_ok(|(subject, _)| subject)
        .try_collect()
        .await?;
    dead.sort();
    println!("JOBS holds {held} messages; DEAD holds {}", dead.join(", "));

    // Clean up: deleting the streams deletes the consumer too.
    for name in ["JOBS", "DEAD"] {
        js.delete_stream(name).await?;
    }
    Ok(())
}
