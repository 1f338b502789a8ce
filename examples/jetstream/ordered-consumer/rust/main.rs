// An ordered consumer is the simplest way to read a stream from start to
// finish. In async-nats it is a pull consumer made from
// `pull::OrderedConfig`: the `Ordered` stream it returns creates, watches
// and replaces the consumer on the server by itself.
use std::time::Duration;

use async_nats::jetstream::consumer::pull::{Ordered, OrderedConfig};
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::Config;
use async_nats::jetstream::{self, Context, ErrorCode};
use futures::{StreamExt, TryStreamExt};
use tokio::time::timeout;

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

// Reads `count` messages, each within `wait`. Messages arrive in stream
// order. Each one carries its stream sequence (its position in the stream)
// and its consumer sequence (how many this consumer has delivered). There
// is nothing to ack.
async fn read(
    messages: &mut Ordered,
    count: usize,
    wait: Duration,
) -> Result<(), async_nats::Error> {
    for _ in 0..count {
        let msg = timeout(wait, messages.next())
            .await?
            .ok_or("the ordered consumer ended")??;
        let info = msg.info()?;
        println!(
            "stream seq {}, consumer seq {}: {} {:?}",
            info.stream_sequence,
            info.consumer_sequence,
            msg.subject,
            String::from_utf8_lossy(&msg.payload)
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // Connect and get a JetStream context, as every JetStream example does
    // (the JetStream introduction explains the context).
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // Start clean: delete the stream if an interrupted run left it.
    delete_if_present(&js, "PAGES").await?;

    // A stream of page views with five messages in it. Reading them back in
    // exactly this order is what the rest of the example is about.
    let stream = js
        .create_stream(Config {
            name: "PAGES".into(),
            subjects: vec!["pages.>".into()],
            ..Default::default()
        })
        .await?;
    for page in ["home", "pricing", "docs", "blog", "signup"] {
        js.publish(format!("pages.{page}"), format!("view of /{page}").into())
            .await?
            .await?;
    }
    println!("published 5 page views");

    // Creating a consumer from an `OrderedConfig` makes an ephemeral
    // consumer that the client manages entirely: no acknowledgements (ack
    // policy `None`), a single in-memory replica, and idle heartbeats on
    // every pull request so the client notices when something goes wrong.
    // The name is optional; async-nats names each replacement
    // `<name>_<n>`, which lets us see them.
    let consumer = stream
        .create_consumer(OrderedConfig {
            name: Some("pages-reader".into()),
            ..Default::default()
        })
        .await?;
    let config = &consumer.cached_info().config;
    println!(
        "consumer: ack_policy={:?} replicas={} memory={}",
        config.ack_policy, config.num_replicas, config.memory_storage
    );

    // `messages()` takes the consumer by value and returns the `Ordered`
    // stream, which keeps pull requests going in the background of each
    // `next()`.
    let mut messages = consumer.messages().await?;
    read(&mut messages, 5, Duration::from_secs(2)).await?;

    // Now break it on purpose: delete the consumer on the server, as would
    // happen if the server holding it restarted, then publish three more
    // views. The server tells the waiting pull request that its consumer
    // is gone (a 409 status), and async-nats at once creates a fresh
    // consumer that starts at the stream sequence after the last one it
    // handed us. (Had the server vanished instead, two missed heartbeats
    // would have set off the same recovery.)
    stream.delete_consumer("pages-reader").await?;
    println!("consumer deleted on the server");
    for page in ["home", "docs", "pricing"] {
        js.publish(format!("pages.{page}"), format!("view of /{page}").into())
            .await?
            .await?;
    }
    println!("published 3 more page views");

    // Reading simply continues. Notice the stream sequence picks up at 6
    // with nothing skipped or repeated, while the consumer sequence starts
    // again at 1: it belongs to the new consumer.
    read(&mut messages, 3, Duration::from_secs(5)).await?;

    let names: Vec<String> = stream.consumer_names().try_collect().await?;
    println!(
        "recreated consumer is a new one: {} ({})",
        names != ["pages-reader"],
        names.join(", ")
    );

    // Dropping the `Ordered` stream stops its pull requests; the server
    // removes the ephemeral consumer on its own once nobody uses it. Then
    // clean up: deleting the stream deletes its messages too.
    drop(messages);
    js.delete_stream("PAGES").await?;
    Ok(())
}
