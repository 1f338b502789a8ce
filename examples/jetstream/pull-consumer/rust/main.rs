// A pull consumer lets the application ask for messages when it is ready
// for them, in batches of the size it chooses. In async-nats a pull
// consumer is a `Consumer<pull::Config>` (alias `PullConsumer`), created
// from a `Stream` handle; each batch it returns is a stream of messages.
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

// Consumer info is the server's view of a consumer's progress:
// - `delivered`: the last stream sequence handed out;
// - `ack_floor`: the sequence up to which *everything* is acknowledged;
// - `num_ack_pending`: delivered but not yet acknowledged;
// - `num_pending`: still waiting in the stream, never delivered.
//
// `info` asks the server and keeps the answer in the handle, hence
// `&mut`.
async fn show(label: &str, consumer: &mut PullConsumer) -> Result<(), async_nats::Error> {
    let info = consumer.info().await?;
    println!(
        "  {label:<14} delivered={:<2} ack_floor={} num_ack_pending={} num_pending={}",
        info.delivered.stream_sequence,
        info.ack_floor.stream_sequence,
        info.num_ack_pending,
        info.num_pending
    );
    Ok(())
}

// `fetch` asks the server for up to `count` messages that are there right
// now: it does not wait for more to be published (`batch` does, up to a
// time you give). Messages arrive as a stream of `Result`s, one per
// message, which `try_collect` gathers into a `Vec`.
async fn fetch(consumer: &PullConsumer, count: usize) -> Result<Vec<Message>, async_nats::Error> {
    let messages = consumer.fetch().max_messages(count).messages().await?;
    Ok(messages.try_collect().await?)
}

fn subjects(msgs: &[Message]) -> String {
    let subjects: Vec<&str> = msgs.iter().map(|m| m.subject.as_str()).collect();
    subjects.join(", ")
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

    // A stream of ten orders to work through. Each publish waits for the
    // stream's acknowledgement (the second `.await`).
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

    // `create_consumer` with a durable name creates the consumer on the
    // server. A durable consumer outlives the handle and the connection:
    // its position is kept by the server, not by the client. Its ack
    // policy is `Explicit` by default: every message must be acknowledged.
    // Nothing is delivered until we ask.
    let mut consumer: PullConsumer = stream
        .create_consumer(pull::Config {
            durable_name: Some("processor".into()),
            ..Default::default()
        })
        .await?;
    show("new consumer:", &mut consumer).await?;

    // A batch of up to 4 messages. `info()` reads the JetStream metadata a
    // message carries in its reply subject, such as its stream sequence
    // (it fails only for a message that did not come from a consumer).
    // Acknowledging tells the server the work is done; `double_ack` also
    // waits until the server confirms it.
    let msgs = fetch(&consumer, 4).await?;
    let mut listed = Vec::new();
    for msg in &msgs {
        listed.push(format!(
            "{} (seq {})",
            msg.subject,
            msg.info()?.stream_sequence
        ));
    }
    println!("batch 1: {}", listed.join(", "));
    for msg in &msgs {
        msg.double_ack().await?;
    }
    show("acked 4 of 4:", &mut consumer).await?;

    // The next batch is only half acknowledged. Notice that `delivered` has
    // moved to 8 while `ack_floor` stops at 6: two messages are out with
    // the application. If they are never acked, the server redelivers them
    // once the consumer's ack wait (30 s by default) runs out. Here they
    // are acked a moment later; the Redelivery example shows the other
    // outcomes, all sent with `ack_with`: `AckKind::Nak` (redeliver now or
    // after a delay), `AckKind::Progress` (more time), `AckKind::Term`
    // (give up), and the consumer's `max_deliver`.
    let msgs = fetch(&consumer, 4).await?;
    println!("batch 2: {}", subjects(&msgs));
    for msg in &msgs[..2] {
        msg.double_ack().await?;
    }
    show("acked 2 of 4:", &mut consumer).await?;
    for msg in &msgs[2..] {
        msg.double_ack().await?;
    }
    show("acked 4 of 4:", &mut consumer).await?;

    // Simulate a restart: drop the handle and look the durable consumer up
    // again, by name. Dropping a `PullConsumer` does nothing on the server;
    // the new handle resumes where the old one left off. We ask for 10,
    // only 2 are left, and `fetch` returns those two at once.
    drop(consumer);
    let mut consumer: PullConsumer = stream.get_consumer("processor").await?;
    let msgs = fetch(&consumer, 10).await?;
    println!("after rebind: {}", subjects(&msgs));
    for msg in &msgs {
        msg.double_ack().await?;
    }
    show("acked 2 of 2:", &mut consumer).await?;

    // Clean up: deleting the stream deletes the durable consumer too.
    js.delete_stream("ORDERS").await?;
    Ok(())
}
