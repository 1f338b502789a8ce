// An *interest* stream keeps a message only as long as some consumer still
// needs it. Besides the stream settings, this example uses pull consumers
// (`consumer::pull`), and `TryStreamExt` from `futures` to collect a batch
// of messages, each of which may be an error.
use std::time::Duration;

use async_nats::jetstream::consumer::{pull, PullConsumer};
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::{Config, RetentionPolicy, Stream};
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

// A one-line summary of the stream: how many messages it holds, the range
// of sequence numbers they span, and how many consumers exist. `info`
// takes `&mut self` because it asks the server again and keeps the fresh
// answer in the `Stream` handle.
async fn show(stream: &mut Stream, label: &str) -> Result<(), async_nats::Error> {
    let state = &stream.info().await?.state;
    println!(
        "{label:<28} messages={} first_seq={} last_seq={} consumers={}",
        state.messages, state.first_sequence, state.last_sequence, state.consumer_count
    );
    Ok(())
}

// Pulls up to `count` messages, waiting at most a second for them. In
// async-nats, `batch` waits up to `expires` for the messages it asked for,
// while `fetch` takes only what is there at that moment. The result is a
// stream of `Result`s, which `try_collect` gathers into a `Vec`, stopping
// at the first error.
async fn pull(consumer: &PullConsumer, count: usize) -> Result<Vec<Message>, async_nats::Error> {
    let batch = consumer
        .batch()
        .max_messages(count)
        .expires(Duration::from_secs(1))
        .messages()
        .await?;
    Ok(batch.try_collect().await?)
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // Connect and get a JetStream context, as every JetStream example does
    // (the JetStream introduction explains the context).
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // Start clean: delete the stream if an interrupted run left it.
    delete_if_present(&js, "ORDERS").await?;

    // Create the stream with interest retention. Think of it as fan-out
    // with a safety net: each service that cares about orders gets its own
    // consumer, and a message is deleted once *every* consumer has
    // acknowledged it, so nothing is stored for longer than needed.
    let mut stream = js
        .create_stream(Config {
            name: "ORDERS".into(),
            subjects: vec!["orders.>".into()],
            retention: RetentionPolicy::Interest,
            ..Default::default()
        })
        .await?;

    // With no consumers there is no interest at all. The stream still
    // acknowledges each publish and assigns it a sequence number, but does
    // not keep the message: the state shows 0 messages and `first_seq`
    // already past them. (The second `.await` waits for that
    // acknowledgement.)
    for i in 1..=3 {
        js.publish(format!("orders.{i}"), format!("order {i}").into())
            .await?
            .await?;
    }
    show(&mut stream, "3 published, no consumers:").await?;

    // Interest means consumers defined on the stream, not clients that
    // happen to be connected. Two durable pull consumers, one for billing
    // and one for shipping, now each want every order. A `durable_name`
    // makes a consumer outlive this program; without a filter subject it
    // sees everything the stream stores.
    let billing = stream
        .create_consumer(pull::Config {
            durable_name: Some("billing".into()),
            ..Default::default()
        })
        .await?;
    let shipping = stream
        .create_consumer(pull::Config {
            durable_name: Some("shipping".into()),
            ..Default::default()
        })
        .await?;

    for i in 4..=6 {
        js.publish(format!("orders.{i}"), format!("order {i}").into())
            .await?
            .await?;
    }
    show(&mut stream, "3 published, 2 consumers:").await?;

    // Billing processes and acknowledges all three. Nothing is removed yet,
    // because shipping has not acknowledged them. `ack` only sends the
    // acknowledgement; `double_ack` also waits for the server to confirm
    // it, so the state we read afterwards is exact.
    for msg in pull(&billing, 3).await? {
        msg.double_ack().await?;
    }
    show(&mut stream, "billing acked 3:").await?;

    // As soon as shipping acknowledges a message, the last interest in it
    // is gone and the stream deletes it, one by one.
    let msgs = pull(&shipping, 3).await?;
    msgs[0].double_ack().await?;
    show(&mut stream, "shipping acked 1:").await?;
    for msg in &msgs[1..] {
        msg.double_ack().await?;
    }
    show(&mut stream, "shipping acked 3:").await?;

    // Removing a consumer removes its interest too. Billing acknowledges two
    // new orders that shipping never reads; deleting the shipping consumer
    // releases them, and the stream is empty again.
    for i in 7..=8 {
        js.publish(format!("orders.{i}"), format!("order {i}").into())
            .await?
            .await?;
    }
    for msg in pull(&billing, 2).await? {
        msg.double_ack().await?;
    }
    show(&mut stream, "2 more, billing acked them:").await?;
    stream.delete_consumer("shipping").await?;
    show(&mut stream, "shipping consumer deleted:").await?;

    // Clean up: deleting the stream deletes its consumers too.
    js.delete_stream("ORDERS").await?;
    Ok(())
}
