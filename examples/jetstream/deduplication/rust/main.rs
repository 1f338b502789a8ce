// JetStream can drop a message it has already stored, as long as the
// publisher gives each message a unique ID. In async-nats the ID is set on
// a `PublishMessage`, the builder for a JetStream publish with options,
// sent with `Context::send_publish`.
use std::time::Duration;

use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::stream::Config;
use async_nats::jetstream::{self, Context, ErrorCode};

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

// `message_id` puts the ID in the `Nats-Msg-Id` header. It should come from
// the data itself (an order number, an event ID), so that a retry of the
// same message carries the same ID. The stream's acknowledgement says
// whether the message was a duplicate.
async fn publish(js: &Context, order: u32, msg_id: Option<&str>) -> Result<(), async_nats::Error> {
    let mut message = PublishMessage::build().payload(format!("order {order}").into());
    if let Some(id) = msg_id {
        message = message.message_id(id);
    }
    let ack = js.send_publish("orders.new", message).await?.await?;
    let label = msg_id.map_or("no id".to_string(), |id| format!("id {id}"));
    println!(
        "publish order {order} ({label}) -> seq {}, duplicate={}",
        ack.sequence, ack.duplicate
    );
    Ok(())
}

// `get_stream` fetches the stream's info along with the handle.
async fn count(js: &Context) -> Result<(), async_nats::Error> {
    let stream = js.get_stream("ORDERS").await?;
    let messages = stream.cached_info().state.messages;
    println!("stream holds {messages} message(s)");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // Start clean: delete the stream (and the IDs it remembers) if an
    // interrupted run left it.
    delete_if_present(&js, "ORDERS").await?;

    // The stream remembers message IDs for its *duplicate window*, two
    // minutes by default. We shorten it to one second so the example can
    // show what happens when the window has passed.
    js.create_stream(Config {
        name: "ORDERS".into(),
        subjects: vec!["orders.>".into()],
        duplicate_window: Duration::from_secs(1),
        ..Default::default()
    })
    .await?;

    // Two orders, two IDs, two stored messages.
    publish(&js, 1001, Some("order-1001")).await?;
    publish(&js, 1002, Some("order-1002")).await?;

    // Now the publisher retries order 1001, as it would if the first
    // publish had failed waiting for its acknowledgement (a
    // `PublishErrorKind::TimedOut` from the second `.await`). The server
    // recognises the ID, stores nothing, and answers with the sequence of
    // the original message and `duplicate=true`. The retry is safe.
    publish(&js, 1001, Some("order-1001")).await?;
    count(&js).await?;

    // Deduplication looks only at the ID, not at the content. Publishing
    // the same payload without an ID stores it each time.
    publish(&js, 1003, None).await?;
    publish(&js, 1003, None).await?;
    count(&js).await?;

    // The server forgets an ID once the duplicate window has passed. After
    // that, the same ID is accepted as a new message, so pick a window
    // longer than your publishers may keep retrying.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    println!("duplicate window passed");
    publish(&js, 1001, Some("order-1001")).await?;
    count(&js).await?;

    // Clean up: deleting the stream deletes its messages too.
    js.delete_stream("ORDERS").await?;
    Ok(())
}
