// A push consumer has the server send messages to a subject the client
// subscribes to, as soon as they are available, with no requests in
// between. async-nats supports both kinds of consumer; for new code prefer
// pull consumers (see the description above). A push consumer is a
// `Consumer<push::Config>`, alias `PushConsumer`, and `messages()` returns
// the stream of what it delivers.
use std::time::Duration;

use async_nats::jetstream::consumer::{push, DeliverPolicy, PushConsumer};
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::{Config, Stream};
use async_nats::jetstream::{self, Context, ErrorCode};
use futures::StreamExt;
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

// Creates a push consumer. Its config must name the `deliver_subject`
// the server pushes to; a fresh inbox is a subject nobody else uses.
// Without a `durable_name` the consumer is *ephemeral*: the server removes
// it a while (5 s by default) after its last subscriber has gone.
async fn push_consumer(
    js: &Context,
    stream: &Stream,
    durable: Option<&str>,
    deliver_policy: DeliverPolicy,
) -> Result<PushConsumer, async_nats::Error> {
    Ok(stream
        .create_consumer(push::Config {
            deliver_subject: js.client().new_inbox(),
            durable_name: durable.map(String::from),
            deliver_policy,
            ..Default::default()
        })
        .await?)
}

// Reads what a push consumer delivers. Every
// JetStream message says in its metadata (`info()`) how many more
// messages the consumer has waiting after it (`pending`), so this helper
// reads, acknowledges and collects until that reaches 0, with a deadline
// on each message. `double_ack` waits for the server to confirm each
// acknowledgement, which keeps the consumer info printed at the end exact.
//
// `PushConsumer::messages` subscribes to the deliver subject and returns
// the `Messages` stream, which owns that subscription. This function takes
// the stream by value, so when it returns the stream is dropped, which
// unsubscribes: the server stops pushing until someone subscribes again.
async fn receive(label: &str, mut messages: push::Messages) -> Result<(), async_nats::Error> {
    let mut subjects = Vec::new();
    loop {
        let msg = timeout(Duration::from_secs(2), messages.next())
            .await?
            .ok_or("the subscription ended")??;
        subjects.push(msg.subject.to_string());
        msg.double_ack().await?;
        if msg.info()?.pending == 0 {
            break;
        }
    }
    println!("{label:<20} {}", subjects.join(" "));
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // Connect and get a JetStream context, as every JetStream example does
    // (the JetStream introduction explains the context).
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // Start clean: delete the stream if an interrupted run left it. Then
    // store five events.
    delete_if_present(&js, "EVENTS").await?;
    let stream = js
        .create_stream(Config {
            name: "EVENTS".into(),
            subjects: vec!["events.>".into()],
            ..Default::default()
        })
        .await?;
    for i in 1..=5 {
        js.publish(format!("events.{i}"), format!("event {i}").into())
            .await?
            .await?;
    }

    // The deliver policy picks where a new consumer starts. `All`, the
    // default, starts at the beginning of the stream.
    let all = push_consumer(&js, &stream, None, DeliverPolicy::All).await?;
    receive("deliver all:", all.messages().await?).await?;

    // `Last` starts with the last message in the stream.
    let last = push_consumer(&js, &stream, None, DeliverPolicy::Last).await?;
    receive("deliver last:", last.messages().await?).await?;

    // `New` skips everything already stored and waits for messages
    // published after the consumer was created. Subscribing and publishing
    // go out on one connection in that order, so the server knows about
    // the subscriber before the new message is stored.
    let new = push_consumer(&js, &stream, None, DeliverPolicy::New).await?;
    let messages = new.messages().await?;
    js.publish("events.6", "event 6".into()).await?.await?;
    receive("deliver new:", messages).await?;

    // `ByStartSequence` starts at a stream sequence of our choice; in
    // async-nats the variant carries the sequence, so the two settings
    // cannot be given apart.
    let from_3 = DeliverPolicy::ByStartSequence { start_sequence: 3 };
    let seq3 = push_consumer(&js, &stream, None, from_3).await?;
    receive("start at seq 3:", seq3.messages().await?).await?;

    // A *durable* push consumer has a name and remembers its position on
    // the server, whether or not anyone is subscribed.
    let mut audit = push_consumer(&js, &stream, Some("audit"), DeliverPolicy::All).await?;
    receive("durable audit:", audit.messages().await?).await?;

    // While no one is subscribed, the server holds delivery back. Two more
    // events are published; subscribing again (here through a new handle,
    // looked up by the consumer's name) resumes after the last message the
    // consumer delivered and gets only the new ones.
    js.publish("events.7", "event 7".into()).await?.await?;
    js.publish("events.8", "event 8".into()).await?.await?;
    let again: PushConsumer = stream.get_consumer("audit").await?;
    receive("audit, resubscribed:", again.messages().await?).await?;

    let info = audit.info().await?;
    println!(
        "{:<20} delivered={} ack_floor={} num_pending={}",
        "audit consumer info:",
        info.delivered.stream_sequence,
        info.ack_floor.stream_sequence,
        info.num_pending
    );

    // Clean up: deleting the stream deletes the consumers too.
    js.delete_stream("EVENTS").await?;
    Ok(())
}
