// A consumer always belongs to exactly one stream, yet one service often
// needs data from several. In async-nats each pull consumer's `messages()`
// is a stream of messages, so merging several consumers is the same as
// merging any streams: `futures::stream::select_all`.
use std::time::Duration;

use async_nats::jetstream::consumer::{pull, PullConsumer};
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::Config;
use async_nats::jetstream::{self, Context, ErrorCode, Message};
use futures::stream::select_all;
use futures::StreamExt;
use tokio::time::timeout;

const STREAMS: [(&str, &str); 3] = [
    ("ORDERS", "orders.>"),
    ("PAYMENTS", "payments.>"),
    ("SHIPPING", "shipping.>"),
];

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

    // Three independent streams, as three teams might own them: orders,
    // payments and shipping. Each has its own subjects, limits and
    // retention, and none knows about the others. (Start clean: delete
    // them first if an interrupted run left them.)
    //
    // Our service keeps a timeline of everything that happens to an order,
    // so it creates one durable pull consumer per stream, all named
    // `timeline`. Each consumer tracks its own position and acks, so the
    // service can stop and resume every stream independently.
    let mut consumers: Vec<(&str, PullConsumer)> = Vec::new();
    for (name, subject) in STREAMS {
        delete_if_present(&js, name).await?;
        let stream = js
            .create_stream(Config {
                name: name.into(),
                subjects: vec![subject.into()],
                ..Default::default()
            })
            .await?;
        let consumer = stream
            .create_consumer(pull::Config {
                durable_name: Some("timeline".into()),
                ..Default::default()
            })
            .await?;
        consumers.push((name, consumer));
    }

    // `messages()` turns a pull consumer into an endless stream: as it is
    // read, it keeps pull requests going in the background, so new
    // messages flow in without the program asking for each batch. Each
    // stream's items are tagged with the stream they came from, and
    // `select_all` merges the three into one; it polls them in turn from
    // the task that reads it, with no tasks of its own.
    let mut merged = Vec::new();
    for (name, consumer) in &consumers {
        let name = *name;
        merged.push(consumer.messages().await?.map(move |msg| (name, msg)));
    }
    let mut merged = select_all(merged);

    // Other services publish the life of order 1001 across the three
    // streams, all at once.
    let events = [
        ("orders.created", "order 1001 created"),
        ("payments.authorized", "order 1001: 42.00 EUR authorized"),
        ("orders.confirmed", "order 1001 confirmed"),
        ("shipping.packed", "order 1001 packed"),
        ("payments.captured", "order 1001: 42.00 EUR captured"),
        ("shipping.delivered", "order 1001 delivered"),
    ];
    for (subject, text) in events {
        js.publish(subject, text.into()).await?.await?;
    }

    // A single loop handles the merged flow, so the service's logic never
    // has to care how many streams feed it. Each message knows the
    // consumer it came from, so its ack goes back there; `double_ack`
    // waits for the server to confirm it. A deadline on the whole loop
    // turns a lost message into an error instead of a hang.
    //
    // What arrives in order, and what does not: each consumer delivers its
    // stream in stream order, so within a stream the sequence numbers only
    // go up. Between streams there is no order at all; three pull
    // requests are answered independently, and the merged flow interleaves
    // them in whatever way they happen to arrive. So the loop keeps what it
    // needs per stream, and the printout groups by stream.
    let mut handled: Vec<(&str, Message)> = Vec::new();
    timeout(Duration::from_secs(5), async {
        while handled.len() < events.len() {
            let (stream, msg) = merged.next().await.ok_or("the consumers ended")?;
            let msg = msg?;
            msg.double_ack().await?;
            handled.push((stream, msg));
        }
        Ok::<(), async_nats::Error>(())
    })
    .await??;
    let mut by_stream = Vec::new();
    for (stream, msg) in &handled {
        by_stream.push((*stream, msg.info()?.stream_sequence, msg));
    }
    by_stream.sort_by_key(|(stream, seq, _)| (*stream, *seq));
    for (stream, seq, msg) in by_stream {
        let text = String::from_utf8_lossy(&msg.payload);
        println!("{stream:<8} seq {seq}  {:<19} {text}", msg.subject.as_str());
    }

    // When the order across streams matters, it has to come from the
    // data. Every JetStream message carries the time its stream stored it
    // (`published` in its info); with one publisher that waited for each
    // acknowledgement, as here, those times put the events back in
    // publishing order. (Events from several publishers need a timestamp
    // or sequence of their own.)
    println!("timeline, by the time each stream stored the event:");
    let mut timeline = Vec::new();
    for (_, msg) in &handled {
        timeline.push((msg.info()?.published, msg));
    }
    timeline.sort_by_key(|(published, _)| *published);
    for (_, msg) in timeline {
        let text = String::from_utf8_lossy(&msg.payload);
        println!("  {:<19} {text}", msg.subject.as_str());
    }

    // Dropping the merged stream drops the three consumer streams and
    // their pull requests. Then check each consumer: everything delivered
    // has been acknowledged and nothing is left pending.
    drop(merged);
    for (name, consumer) in &mut consumers {
        let info = consumer.info().await?;
        println!(
            "{name} consumer: acked up to seq {}, pending {}",
            info.ack_floor.stream_sequence, info.num_pending
        );
    }

    // Clean up: deleting the streams deletes their consumers too.
    for (name, _) in STREAMS {
        js.delete_stream(name).await?;
    }
    Ok(())
}
