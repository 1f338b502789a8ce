// A stream with the default *limits* retention keeps messages until one of
// its limits says otherwise. async-nats's JetStream API is the
// `async_nats::jetstream` module: `jetstream::new` gives a `Context`, and
// `stream::Config` describes a stream. Each call returns its own error
// type, whose `kind()` says what went wrong.
use std::error::Error as _;
use std::time::Duration;

use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::{Config, DiscardPolicy};
use async_nats::jetstream::{self, Context, ErrorCode};

// Deletes a stream if it exists. When the server answers with an error,
// the kind is `JetStream` and carries the server's error, whose code
// `STREAM_NOT_FOUND` is the one we expect; any other error is passed up.
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

// Print the part of the stream state that tells the story: how many
// messages and bytes are stored, and the sequence numbers of the oldest
// and the newest one still kept. `get_stream` asks the server for the
// stream's info and returns a `Stream` handle holding it; `cached_info`
// reads that copy without asking again (`info` would).
async fn show(js: &Context, label: &str, name: &str) -> Result<(), async_nats::Error> {
    let stream = js.get_stream(name).await?;
    let state = &stream.cached_info().state;
    println!(
        "{label:<22} messages={:<2} bytes={:<4} first_seq={:<2} last_seq={}",
        state.messages, state.bytes, state.first_sequence, state.last_sequence
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // Connect and wrap the client in a JetStream `Context` (the JetStream
    // introduction explains it; creating it sends nothing). The context
    // takes the `Client` by value; it is a cheap handle, so clone it first
    // if you also need it for core NATS.
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // Start clean: delete the streams if an interrupted run left them.
    for name in ["EVENTS", "ORDERS"] {
        delete_if_present(&js, name).await?;
    }

    // Create a stream capturing `events.>` with three limits at once: at
    // most 10 messages, at most 1000 bytes, and nothing older than one
    // second. `..Default::default()` fills in every other setting: limits
    // retention, and the discard policy `Old`, which removes the oldest
    // messages when a new one would break a limit.
    js.create_stream(Config {
        name: "EVENTS".into(),
        subjects: vec!["events.>".into()],
        max_messages: 10,
        max_bytes: 1000,
        max_age: Duration::from_secs(1),
        ..Default::default()
    })
    .await?;

    // Publish 15 small messages. A JetStream publish is two steps, hence
    // the two `.await`s: the first sends the message and returns a
    // `PublishAckFuture`, the second waits for the stream's acknowledgement
    // (or an error). Every one is accepted, but only the last 10 are kept:
    // in the output, `first_seq` has moved on to 6 while `last_seq` is 15.
    // Sequence numbers are never reused.
    for i in 1..=15 {
        js.publish(format!("events.click.{i}"), format!("click {i}").into())
            .await?
            .await?;
    }
    show(&js, "after 15 small msgs:", "EVENTS").await?;

    // Now two larger messages of 400 bytes each. Stored size counts the
    // subject, headers and payload plus some overhead, so the byte limit
    // bites first: the stream drops old messages until the total fits under
    // 1000 bytes, leaving far fewer than 10 messages.
    for i in 1..=2 {
        js.publish(format!("events.upload.{i}"), vec![b'x'; 400].into())
            .await?
            .await?;
    }
    show(&js, "after 2 large msgs:", "EVENTS").await?;

    // Finally the age limit. Wait a little longer than one second and every
    // message has expired. The stream is empty, and `first_seq` points one
    // past `last_seq`: the next message published will get sequence 18.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    show(&js, "after 1.5 s:", "EVENTS").await?;

    // The other discard policy, `New`, turns a limit into back-pressure: a
    // full stream keeps what it has and rejects the new message instead,
    // so the publisher gets an error in place of its acknowledgement. The
    // client names a few rejections in `PublishErrorKind` (a wrong expected
    // sequence, say); this one is `Other`, and the error's `source()` is the
    // server's own error, a `jetstream::Error`, which says what happened.
    // Any other failure (a timeout, a lost connection) is passed up.
    js.create_stream(Config {
        name: "ORDERS".into(),
        subjects: vec!["orders.>".into()],
        max_messages: 3,
        discard: DiscardPolicy::New,
        ..Default::default()
    })
    .await?;
    for i in 1..=4 {
        match js
            .publish(format!("orders.{i}"), "order".into())
            .await?
            .await
        {
            Ok(ack) => println!("orders.{i} stored as seq {}", ack.sequence),
            Err(err) => match err
                .source()
                .and_then(|s| s.downcast_ref::<jetstream::Error>())
            {
                Some(reason) => println!("orders.{i} rejected: {reason}"),
                None => return Err(err.into()),
            },
        }
    }
    show(&js, "ORDERS:", "ORDERS").await?;

    // Clean up: deleting a stream deletes its messages too.
    for name in ["EVENTS", "ORDERS"] {
        js.delete_stream(name).await?;
    }
    Ok(())
}
