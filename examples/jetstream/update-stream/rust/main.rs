// A stream's configuration is not fixed at creation: limits, subjects and
// policies can be changed while the stream is in use, and the server
// applies them to the messages it already holds. This program changes a
// live stream step by step with async-nats's `Context::update_stream`,
// which takes a whole `stream::Config`.
use std::error::Error as _;
use std::time::Duration;

use async_nats::jetstream::context::{DeleteStreamErrorKind, UpdateStreamErrorKind};
use async_nats::jetstream::stream::{Config, DiscardPolicy, StorageType};
use async_nats::jetstream::{self, Context, ErrorCode};
use tokio::time::{sleep, timeout};

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

// After each step, print what the stream holds: how many messages, and
// the range of sequence numbers they span.
async fn show(js: &Context, label: &str) -> Result<(), async_nats::Error> {
    let stream = js.get_stream("ORDERS").await?;
    let state = &stream.cached_info().state;
    println!(
        "{label:<34} messages={} first_seq={} last_seq={}",
        state.messages, state.first_sequence, state.last_sequence
    );
    Ok(())
}

// The stream's current configuration, as the server reports it.
async fn current(js: &Context) -> Result<Config, async_nats::Error> {
    Ok(js.get_stream("ORDERS").await?.cached_info().config.clone())
}

// Sends an update; a refusal is printed with the server's reason (the
// error kind `JetStream` holds it), any other failure is passed up.
async fn try_update(js: &Context, label: &str, config: Config) -> Result<(), async_nats::Error> {
    match js.update_stream(config).await {
        Ok(_) => println!("{label}: accepted"),
        Err(err) => match err.kind() {
            UpdateStreamErrorKind::JetStream(api) => println!("{label}: refused: {api}"),
            _ => return Err(err.into()),
        },
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
    delete_if_present(&js, "ORDERS").await?;

    // A stream with no limits, and ten orders from three regions.
    js.create_stream(Config {
        name: "ORDERS".into(),
        subjects: vec!["orders.*".into()],
        ..Default::default()
    })
    .await?;
    for i in 1..=10 {
        let region = ["eu", "us", "asia"][i % 3];
        js.publish(format!("orders.{region}"), format!("order {i}").into())
            .await?
            .await?;
    }
    show(&js, "created, 10 orders:").await?;

    // `update_stream` sends a complete configuration: a field left at its
    // default is set back to the default. A `Config` with only `name` and
    // `max_messages` would also reset the subjects to the stream's name and
    // stop it from storing `orders.*`. So every change starts from the
    // current configuration, and Rust's struct update syntax
    // (`Config { field: value, ..current }`) copies every other field.
    //
    // Lowering a limit applies at once to what is stored: the five oldest
    // orders are removed to get down to `max_messages: 5`. The sequence
    // numbers of the rest do not change.
    let config = current(&js).await?;
    js.update_stream(Config {
        max_messages: 5,
        ..config
    })
    .await?;
    show(&js, "max_msgs=5:").await?;

    // With `DiscardPolicy::New`, a full stream refuses new messages instead
    // of dropping old ones. The stream holds 5 of 5, so the next publish is
    // rejected; the publish error's source is the server's reason.
    let config = current(&js).await?;
    js.update_stream(Config {
        discard: DiscardPolicy::New,
        ..config
    })
    .await?;
    match js.publish("orders.eu", "order 11".into()).await?.await {
        Ok(ack) => println!("discard=new, 5 of 5 stored: stored as seq {}", ack.sequence),
        Err(err) => match err
            .source()
            .and_then(|s| s.downcast_ref::<jetstream::Error>())
        {
            Some(reason) => println!("discard=new, 5 of 5 stored: publish -> {reason}"),
            None => return Err(err.into()),
        },
    }

    // `max_messages_per_subject: 1` keeps only the newest message of each
    // subject: the latest order per region.
    let config = current(&js).await?;
    js.update_stream(Config {
        max_messages_per_subject: 1,
        ..config
    })
    .await?;
    show(&js, "max_msgs_per_subject=1:").await?;

    // Subjects can change too. After adding `returns.*` the stream stores
    // returns as well; the stored orders are untouched.
    let config = current(&js).await?;
    js.update_stream(Config {
        subjects: vec!["orders.*".into(), "returns.*".into()],
        ..config
    })
    .await?;
    js.publish("returns.eu", "return of order 9".into())
        .await?
        .await?;
    show(&js, "subjects + returns.*, 1 return:").await?;

    // Some settings are fixed once the stream exists: its name, its
    // storage type, and whether it is a work queue. The server refuses the
    // update and nothing changes.
    let config = current(&js).await?;
    let memory = Config {
        storage: StorageType::Memory,
        ..config
    };
    try_update(&js, "storage file -> memory", memory).await?;

    // A change must also be consistent with the rest of the configuration.
    // The duplicate window (2 minutes by default, see
    // [Deduplication](../deduplication/index.md)) may not be longer than
    // `max_age`, so a 1-second `max_age` alone is refused...
    let config = current(&js).await?;
    let short = Config {
        max_age: Duration::from_secs(1),
        ..config.clone()
    };
    try_update(&js, "max_age=1s", short).await?;

    // ...and accepted together with a 1-second duplicate window. `max_age`
    // counts from when each message was stored, not from the update, so
    // the stored messages expire as soon as they are a second old. We poll
    // the stream state until it is empty, with a deadline. An empty stream
    // reports `first_seq` one past `last_seq`: sequence numbers are never
    // reused.
    js.update_stream(Config {
        max_age: Duration::from_secs(1),
        duplicate_window: Duration::from_secs(1),
        ..config
    })
    .await?;
    timeout(Duration::from_secs(5), async {
        loop {
            let stream = js.get_stream("ORDERS").await?;
            if stream.cached_info().state.messages == 0 {
                return Ok::<(), async_nats::Error>(());
            }
            sleep(Duration::from_millis(100)).await;
        }
    })
    .await??;
    show(&js, "max_age=1s, a moment later:").await?;

    // Clean up.
    js.delete_stream("ORDERS").await?;
    Ok(())
}
