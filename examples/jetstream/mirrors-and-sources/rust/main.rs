// Mirrors and sources let one stream be filled from others by the server
// itself. From async-nats we only declare them, in the `mirror` and
// `sources` fields of a stream's `Config`, each a `stream::Source`.
use std::time::Duration;

use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::{Config, Source};
use async_nats::jetstream::{self, Context, ErrorCode};
use tokio::time::{sleep, Instant};

const STREAMS: [&str; 5] = [
    "ORDERS_EU",
    "ORDERS_US",
    "ORDERS_EU_BACKUP",
    "ORDERS_ALL",
    "PRIORITY",
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

async fn publish(js: &Context, region: &str, kinds: &[&str]) -> Result<(), async_nats::Error> {
    for kind in kinds {
        let payload = format!("{region} {kind} order");
        js.publish(format!("orders.{region}.{kind}"), payload.into())
            .await?
            .await?;
    }
    Ok(())
}

// Copying happens in the background: the server runs an internal consumer
// for each mirror and source. So we poll stream info until the expected
// count arrives, with a deadline so a broken setup shows a wrong count
// instead of hanging.
async fn wait_for(js: &Context, name: &str, expected: u64) -> Result<(), async_nats::Error> {
    let give_up = Instant::now() + Duration::from_secs(5);
    let mut stream = js.get_stream(name).await?;
    loop {
        let messages = stream.info().await?.state.messages;
        if messages >= expected || Instant::now() > give_up {
            println!("  {name}: {messages} messages");
            return Ok(());
        }
        sleep(Duration::from_millis(100)).await;
    }
}

// A `Source` names the stream to copy from; every other field (a start
// position, a subject filter, another domain) is optional.
fn source(name: &str, filter: Option<&str>) -> Source {
    Source {
        name: name.into(),
        filter_subject: filter.map(String::from),
        ..Default::default()
    }
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // Start clean: delete the five streams if an interrupted run left them.
    for name in STREAMS {
        delete_if_present(&js, name).await?;
    }

    // Two origin streams, one per region, each taking orders on its own
    // subjects. Each order is either `standard` or `priority`.
    for (name, subject) in [("ORDERS_EU", "orders.eu.>"), ("ORDERS_US", "orders.us.>")] {
        js.create_stream(Config {
            name: name.into(),
            subjects: vec![subject.into()],
            ..Default::default()
        })
        .await?;
    }
    publish(&js, "eu", &["standard", "priority", "standard"]).await?;
    publish(&js, "us", &["priority", "standard", "standard", "priority"]).await?;
    println!("published 3 orders to ORDERS_EU and 4 to ORDERS_US");

    // A mirror is a read-only copy of exactly one stream: same messages,
    // same sequence numbers. It has no subjects of its own, so nobody can
    // publish into it. Mirrors serve as backups, or as read replicas
    // placed closer to where the data is read.
    js.create_stream(Config {
        name: "ORDERS_EU_BACKUP".into(),
        mirror: Some(source("ORDERS_EU", None)),
        ..Default::default()
    })
    .await?;

    // A stream with sources aggregates one or more streams, each message
    // getting a new sequence in the aggregate. Here ORDERS_ALL combines
    // both regions, and PRIORITY takes only the priority orders from each,
    // using a subject filter per source.
    js.create_stream(Config {
        name: "ORDERS_ALL".into(),
        sources: Some(vec![source("ORDERS_EU", None), source("ORDERS_US", None)]),
        ..Default::default()
    })
    .await?;
    js.create_stream(Config {
        name: "PRIORITY".into(),
        sources: Some(vec![
            source("ORDERS_EU", Some("orders.eu.priority")),
            source("ORDERS_US", Some("orders.us.priority")),
        ]),
        ..Default::default()
    })
    .await?;

    println!("message counts:");
    wait_for(&js, "ORDERS_EU_BACKUP", 3).await?;
    wait_for(&js, "ORDERS_ALL", 7).await?;
    wait_for(&js, "PRIORITY", 3).await?;

    // The mirror really is a copy: message 2 has the same subject and
    // data in both streams. `get_raw_message` reads one message by its
    // stream sequence through the JetStream API.
    for name in ["ORDERS_EU", "ORDERS_EU_BACKUP"] {
        let msg = js.get_stream(name).await?.get_raw_message(2).await?;
        let label = format!("{name} seq 2:");
        println!(
            "{label:<23} {} '{}'",
            msg.subject,
            String::from_utf8_lossy(&msg.payload)
        );
    }

    // Mirrors and sources keep following their origins. Two new priority
    // orders, one per region, flow into every stream that wants them.
    publish(&js, "eu", &["priority"]).await?;
    publish(&js, "us", &["priority"]).await?;
    println!("published 1 more priority order to each region");
    wait_for(&js, "ORDERS_EU_BACKUP", 4).await?;
    wait_for(&js, "ORDERS_ALL", 9).await?;
    wait_for(&js, "PRIORITY", 5).await?;

    // Clean up: the copies first, then the streams they copy from.
    for name in STREAMS.iter().rev() {
        js.delete_stream(name).await?;
    }
    Ok(())
}
