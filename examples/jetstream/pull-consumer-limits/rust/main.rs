// A pull consumer can be given limits that protect the server and share
// the work fairly between clients. This program hits each limit and prints
// what the client gets back. Every limit is a field of async-nats's
// `pull::Config`, and every pull request a `Batch`: a stream of messages
// that can end with an error.
use std::time::Duration;

use async_nats::jetstream::consumer::{pull, DeliverPolicy, PullConsumer};
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::{Config, Stream};
use async_nats::jetstream::{self, Context, ErrorCode};
use futures::{StreamExt, TryStreamExt};

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

// A durable pull consumer with the given settings on top of the defaults.
async fn consumer(
    stream: &Stream,
    config: pull::Config,
) -> Result<PullConsumer, async_nats::Error> {
    Ok(stream.create_consumer(config).await?)
}

// Reads one pull request's `Batch` to its end, acknowledging each message,
// and says how it went. A batch ends without an error when it has all the
// messages it asked for, or when its `expires` runs out (the server's 408
// status, which async-nats treats as the normal end). Any other status the
// server answers with, such as a 409 refusing the request, arrives as an
// `Err` item, the last one; its text holds the status and the server's
// description.
async fn outcome(mut batch: pull::Batch, asked: usize) -> Result<String, async_nats::Error> {
    let mut got = 0;
    while let Some(item) = batch.next().await {
        match item {
            Ok(msg) => {
                msg.ack().await?;
                got += 1;
            }
            Err(err) => return Ok(format!("got {got}, then error: {err}")),
        }
    }
    Ok(if got < asked {
        format!("got {got} (expired)")
    } else {
        format!("got {got}")
    })
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // Connect and get a JetStream context, as every JetStream example does
    // (the JetStream introduction explains the context). Start clean:
    // delete the stream if an interrupted run left it, then store ten
    // orders.
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);
    delete_if_present(&js, "ORDERS").await?;
    let stream = js
        .create_stream(Config {
            name: "ORDERS".into(),
            subjects: vec!["orders.>".into()],
            ..Default::default()
        })
        .await?;
    for i in 1..=10 {
        js.publish(format!("orders.{i}"), format!("order {i}").into())
            .await?
            .await?;
    }

    // `max_ack_pending: 3`: at most 3 messages delivered and not yet
    // acked. Each pull asks for 5 and waits at most half a second
    // (`expires`). The first gets 3; the second gets nothing and ends when
    // its time is up. Once the 3 are acked, the next pull gets 3 more.
    // (The output calls each pull `fetch(5)`, as the other languages do.)
    println!("-- max_ack_pending=3");
    let worker = consumer(
        &stream,
        pull::Config {
            durable_name: Some("worker".into()),
            max_ack_pending: 3,
            ..Default::default()
        },
    )
    .await?;
    let pull5 = || {
        worker
            .batch()
            .max_messages(5)
            .expires(Duration::from_millis(500))
            .messages()
    };
    let msgs: Vec<_> = pull5().await?.try_collect().await?;
    let subjects: Vec<&str> = msgs.iter().map(|m| m.subject.as_str()).collect();
    println!("fetch(5): got {}: {}", msgs.len(), subjects.join(", "));
    if pull5().await?.next().await.is_none() {
        println!("fetch(5): timed out, 3 messages are waiting for an ack");
    }
    for msg in &msgs {
        msg.double_ack().await?;
    }
    let msgs: Vec<_> = pull5().await?.try_collect().await?;
    let subjects: Vec<&str> = msgs.iter().map(|m| m.subject.as_str()).collect();
    println!(
        "acked them, fetch(5): got {}: {}",
        msgs.len(),
        subjects.join(", ")
    );

    // `max_waiting: 1`: one pull request may wait at the consumer. This
    // consumer delivers only messages published from now on, so a request
    // has to wait. `messages()` sends the request as soon as it is awaited,
    // and both go out on one connection, so the server sees them in that
    // order: the first waits and takes the only slot, the second is
    // refused. The first ends when its `expires` runs out.
    println!("-- max_waiting=1");
    let idle = consumer(
        &stream,
        pull::Config {
            durable_name: Some("idle".into()),
            deliver_policy: DeliverPolicy::New,
            max_waiting: 1,
            ..Default::default()
        },
    )
    .await?;
    let wait = Duration::from_millis(500);
    let first = idle
        .batch()
        .max_messages(1)
        .expires(wait)
        .messages()
        .await?;
    let second = idle
        .batch()
        .max_messages(1)
        .expires(wait)
        .messages()
        .await?;
    println!("second request: {}", outcome(second, 1).await?);
    println!("first request:  {}", outcome(first, 1).await?);

    // A consumer can also bound each request: `max_batch` (messages),
    // `max_bytes` and `max_expires`. Requests over a limit are refused
    // outright. A request within the byte limit but too small for the next
    // message gets what fits (each counts its subject, reply subject,
    // headers and payload), then a 409.
    println!("-- max_batch=4, max_bytes=1000, max_expires=1s");
    let batcher = consumer(
        &stream,
        pull::Config {
            durable_name: Some("batcher".into()),
            max_batch: 4,
            max_bytes: 1000,
            max_expires: Duration::from_secs(1),
            ..Default::default()
        },
    )
    .await?;
    let requests: [(&str, usize, usize, Option<Duration>); 5] = [
        ("batch=10", 10, 0, None),
        ("batch=4 max_bytes=5000", 4, 5000, None),
        ("batch=1 expires=5s", 1, 0, Some(Duration::from_secs(5))),
        ("batch=4 max_bytes=200", 4, 200, None),
        ("batch=4", 4, 0, None),
    ];
    for (label, count, bytes, expires) in requests {
        let mut request = batcher.batch().max_messages(count).max_bytes(bytes);
        if let Some(expires) = expires {
            request = request.expires(expires);
        }
        let result = outcome(request.messages().await?, count).await?;
        println!("{:<23} {result}", format!("{label}:"));
    }

    // Clean up: deleting the stream deletes its consumers too.
    js.delete_stream("ORDERS").await?;
    Ok(())
}
