// Three stream features that change where messages go and how they are
// read: a subject transform rewrites the subject of every message as the
// stream stores it, republish copies every stored message to core NATS
// subscribers, and direct get reads one message without going through the
// stream leader's API. In async-nats the first two are fields of
// `stream::Config`, the third is `Stream::direct_get` and friends.
use std::time::Duration;

use async_nats::client::RequestErrorKind;
use async_nats::jetstream::context::{CreateStreamErrorKind, DeleteStreamErrorKind};
use async_nats::jetstream::stream::{Config, DirectGetErrorKind, Republish, SubjectTransform};
use async_nats::jetstream::{self, Context, ErrorCode};
use async_nats::Client;
use futures::{StreamExt, TryStreamExt};
use tokio::time::timeout;

// async-nats 0.51.0 sends a subscribe without waiting for the server to
// confirm it, and its `flush` only empties the socket buffer. A request to
// a subject nobody serves is a real round trip: the server answers it
// itself with "no responders", after handling everything this connection
// sent before.
async fn round_trip(client: &Client) -> Result<(), async_nats::Error> {
    match client.request(client.new_inbox(), "".into()).await {
        Err(err) if err.kind() == RequestErrorKind::NoResponders => Ok(()),
        Err(err) => Err(err.into()),
        Ok(_) => Err("an inbox nobody serves got an answer".into()),
    }
}

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

fn republish(source: &str, destination: &str) -> Option<Republish> {
    Some(Republish {
        source: source.into(),
        destination: destination.into(),
        headers_only: false,
    })
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // Connect and get a JetStream context, as every JetStream example does
    // (the JetStream introduction explains the context).
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client.clone());

    // Start clean: delete the stream if an interrupted run left it.
    delete_if_present(&js, "ORDERS").await?;

    // Republish sends a copy of each stored message to another subject.
    // That subject must lie outside the stream's own subjects, or every
    // copy would be stored and copied again; the server refuses the loop.
    let looping = Config {
        name: "ORDERS".into(),
        subjects: vec!["orders.*.*".into()],
        republish: republish("orders.>", "orders.live.>"),
        ..Default::default()
    };
    match js.create_stream(looping).await {
        Ok(_) => println!("republish into the stream's own subjects: accepted?"),
        Err(err) => match err.kind() {
            CreateStreamErrorKind::JetStream(api) => {
                println!("republish into the stream's own subjects: refused: {api}")
            }
            _ => return Err(err.into()),
        },
    }

    // The shop publishes `orders.<id>.<event>`. The stream stores them as
    // `orders.<event>.<id>`: `{{wildcard(2)}}` is the second `*` of the
    // source pattern. Now a consumer or a lookup can filter on the event
    // (`orders.shipped.*`), and the publishers did not change. The
    // republish source matches the stored, transformed subject; here every
    // order is copied to `live.orders.<event>.<id>`. `allow_direct` turns
    // on direct get, used further down.
    let stream = js
        .create_stream(Config {
            name: "ORDERS".into(),
            subjects: vec!["orders.*.*".into()],
            subject_transform: Some(SubjectTransform {
                source: "orders.*.*".into(),
                destination: "orders.{{wildcard(2)}}.{{wildcard(1)}}".into(),
            }),
            republish: republish("orders.>", "live.orders.>"),
            allow_direct: true,
            ..Default::default()
        })
        .await?;

    // A dashboard follows the orders with a plain core subscription: no
    // consumer, no acknowledgements, nothing kept on the server for it. It
    // sees only what is published while it is subscribed.
    let mut live = client.subscribe("live.orders.>").await?;
    round_trip(&client).await?;

    for (subject, data) in [
        ("orders.17.created", "2 coffees"),
        ("orders.17.shipped", "by bike"),
        ("orders.18.created", "1 tea"),
    ] {
        let ack = js.publish(subject, data.into()).await?.await?;
        println!("published {subject} -> stored as seq {}", ack.sequence);
    }
    let mut stored: Vec<String> = stream
        .info_with_subjects(">")
        .await?
        .map_ok(|(subject, _)| subject)
        .try_collect()
        .await?;
    stored.sort();
    println!("stored subjects: {}", stored.join(", "));

    // Each copy arrives on the republish subject, with headers saying
    // where it came from: the stream, the stored subject and its sequence.
    for _ in 0..3 {
        let msg = timeout(Duration::from_secs(2), live.next())
            .await?
            .ok_or("subscription ended")?;
        let header = |name| {
            msg.headers
                .as_ref()
                .and_then(|h| h.get(name))
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        println!(
            "  {}: '{}' (from {} {}, seq {})",
            msg.subject,
            String::from_utf8_lossy(&msg.payload),
            header("Nats-Stream"),
            header("Nats-Subject"),
            header("Nats-Sequence")
        );
    }

    // Direct get reads a message by sequence, or the last one on a
    // subject, with a plain request on `$JS.API.DIRECT.GET.<stream>`.
    // Every server holding a copy of the stream answers it (replicas, and
    // mirrors with `mirror_direct`), so reads scale out and do not queue
    // behind the leader's API; async-nats's key-value store reads keys this
    // way when the bucket allows it. A wildcard asks for the last message
    // matching it. A message that is not there is the error kind
    // `NotFound`.
    let msg = stream
        .direct_get_last_for_subject("orders.created.*")
        .await?;
    println!(
        "direct get, last orders.created.*: {} '{}' (seq {})",
        msg.subject,
        String::from_utf8_lossy(&msg.payload),
        msg.sequence
    );
    let msg = stream.direct_get(2).await?;
    println!(
        "direct get, seq 2: {} '{}'",
        msg.subject,
        String::from_utf8_lossy(&msg.payload)
    );
    match stream
        .direct_get_last_for_subject("orders.returned.17")
        .await
    {
        Err(err) if err.kind() == DirectGetErrorKind::NotFound => {
            println!("direct get, last orders.returned.17: not found")
        }
        Err(err) => return Err(err.into()),
        Ok(msg) => println!("direct get, last orders.returned.17: seq {}", msg.sequence),
    }

    // Clean up: dropping the dashboard's subscription unsubscribes it;
    // deleting the stream deletes its messages.
    drop(live);
    js.delete_stream("ORDERS").await?;
    Ok(())
}
