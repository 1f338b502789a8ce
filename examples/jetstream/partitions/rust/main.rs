// Deterministic partitioning splits one flow of messages into a fixed
// number of partitions, always sending the same key to the same one. The
// server does the splitting with a subject mapping in its config (see
// server.conf next to this example); the program uses async-nats's
// JetStream API as usual.
use std::collections::HashMap;

use async_nats::jetstream::consumer::{pull, PullConsumer};
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::Config;
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

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // Start clean: delete the stream if an interrupted run left it.
    delete_if_present(&js, "ORDERS").await?;

    // The server maps `orders.<customer>` to
    // `orders.<customer>.<partition>` before anything else sees the
    // message, so the stream captures the mapped form, `orders.*.*`.
    let stream = js
        .create_stream(Config {
            name: "ORDERS".into(),
            subjects: vec!["orders.*.*".into()],
            ..Default::default()
        })
        .await?;

    // Publishers know nothing about partitions: they publish to
    // `orders.<customer>` as usual. Reading each message back from the
    // stream by the sequence in its acknowledgement shows the subject it
    // was stored under, with the partition number added as the last token.
    let orders = [
        "alice", "ivan", "dave", "bob", "alice", "judy", "erin", "ivan", "alice", "dave",
    ];
    let mut count: HashMap<&str, u32> = HashMap::new();
    for customer in orders {
        let n = count.entry(customer).or_default();
        *n += 1;
        let order = format!("{customer}#{n}");
        let subject = format!("orders.{customer}");
        let ack = js
            .publish(subject.clone(), order.clone().into())
            .await?
            .await?;
        let stored = stream.get_raw_message(ack.sequence).await?;
        println!(
            "published {order:<8} on {subject:<13} -> stored as {}",
            stored.subject
        );
    }

    // That is what makes partitions useful. One consumer per partition,
    // each filtered on `orders.*.<n>`, can run in parallel while every
    // customer's orders still go to one consumer, in the order they were
    // published. The mapping is a hash, so it only changes if the number
    // of partitions changes.
    //
    // Per-key order holds under two conditions. Only one worker may read
    // each partition's consumer: two workers pulling from it would split a
    // customer's orders between them. And a message must not come back
    // after later ones: a `Nak` or an expired ack wait redelivers it
    // behind them. A consumer with `max_ack_pending: 1` keeps order even
    // then, at the price of one message in flight per partition.
    for partition in 0..3 {
        let consumer: PullConsumer = stream
            .create_consumer(pull::Config {
                durable_name: Some(format!("worker-{partition}")),
                filter_subject: format!("orders.*.{partition}"),
                ..Default::default()
            })
            .await?;
        let msgs: Vec<Message> = consumer
            .fetch()
            .max_messages(10)
            .messages()
            .await?
            .try_collect()
            .await?;
        let mut got = Vec::new();
        for msg in &msgs {
            msg.ack().await?;
            got.push(String::from_utf8_lossy(&msg.payload).into_owned());
        }
        println!("partition {partition} worker got: {}", got.join(", "));
    }

    // Clean up: deleting the stream deletes the consumers too.
    js.delete_stream("ORDERS").await?;
    Ok(())
}
