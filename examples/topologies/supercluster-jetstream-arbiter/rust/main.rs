// JetStream in a super-cluster keeps one piece of shared state: the meta
// group, a Raft group of every JetStream server in every cluster, which
// decides where each stream and consumer lives and records every creation
// and deletion. Like every Raft group it acts only while a majority of its
// members can talk. With three regions, losing any one leaves a majority;
// with two, losing either does not. This example loses a region and shows
// what still works.
use std::time::Duration;

use async_nats::jetstream::context::{DeleteStreamErrorKind, PublishErrorKind};
use async_nats::jetstream::stream::{Config, Placement, Source};
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

// A stream of three replicas placed in one cluster.
fn placed(name: &str, cluster: &str) -> Config {
    Config {
        name: name.into(),
        num_replicas: 3,
        placement: Some(Placement {
            cluster: Some(cluster.into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The recorder runs three clusters of three servers, east, west and
    // central, joined by gateways, with JetStream on every server; it gives
    // each server a URL (`NATS_URL_EAST_1` ...). The client lives in east.
    let servers = std::env::vars()
        .filter(|(name, _)| {
            ["EAST", "WEST", "CENTRAL"]
                .iter()
                .any(|region| name.starts_with(&format!("NATS_URL_{region}_")))
        })
        .count();
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(url.split(',').collect::<Vec<_>>()).await?;

    // Every server runs JetStream, so every server is a member of the meta
    // group. Here that is nine, and a majority is five.
    println!(
        "meta group: {servers} servers, a majority is {}",
        servers / 2 + 1
    );

    // JetStream API calls give up after 2 s, so that what no longer
    // answers shows quickly. `ContextBuilder` sets that; `jetstream::new`
    // would use 5 s. (Its `ack_timeout`, 30 s by default, bounds the wait
    // for a publish's acknowledgement.)
    let js = jetstream::ContextBuilder::new()
        .timeout(Duration::from_secs(2))
        .build(client);

    // Start clean: delete the streams if an interrupted run left them.
    for name in ["ORDERS_MIRROR", "ORDERS", "AUDIT"] {
        delete_if_present(&js, name).await?;
    }

    // A stream lives in one cluster: all its replicas are servers of that
    // cluster, chosen with `placement`. ORDERS lives in west, three
    // replicas, and takes the subjects `orders.>`. The client is in east:
    // its requests and publishes cross a gateway.
    js.create_stream(Config {
        subjects: vec!["orders.>".into()],
        ..placed("ORDERS", "west")
    })
    .await?;

    // The new stream's interest in `orders.>` takes a moment to travel
    // through the gateway to east. Until it arrives, a publish from east
    // finds "no responders", which async-nats reports as the kind
    // `StreamNotFound`, and nothing is stored; so the first publish is
    // tried again, until a deadline.
    timeout(Duration::from_secs(10), async {
        loop {
            match js.publish("orders.1", "order 1".into()).await?.await {
                Ok(_) => return Ok::<(), async_nats::Error>(()),
                Err(err) if err.kind() == PublishErrorKind::StreamNotFound => {
                    sleep(Duration::from_millis(50)).await
                }
                Err(err) => return Err(err.into()),
            }
        }
    })
    .await??;
    for n in 2..=3 {
        js.publish(format!("orders.{n}"), format!("order {n}").into())
            .await?
            .await?;
    }

    // A mirror keeps a read-only copy of another stream, here in east. The
    // servers holding the mirror pull from ORDERS across the gateway; the
    // copy catches up on its own, so the program waits (with a deadline)
    // until it holds the three orders.
    js.create_stream(Config {
        mirror: Some(Source {
            name: "ORDERS".into(),
            ..Default::default()
        }),
        ..placed("ORDERS_MIRROR", "east")
    })
    .await?;
    timeout(Duration::from_secs(10), async {
        loop {
            let mirror = js.get_stream("ORDERS_MIRROR").await?;
            if mirror.cached_info().state.messages >= 3 {
                return Ok::<(), async_nats::Error>(());
            }
            sleep(Duration::from_millis(50)).await;
        }
    })
    .await??;
    println!("ORDERS in west: 3 orders; ORDERS_MIRROR in east: 3 orders");

    // Central holds no stream. It is the arbiter: its servers take part in
    // the meta group's votes and store nothing. (In production an arbiter
    // can be a small cluster whose JetStream limits, or whose placement
    // tags, keep streams away.)
    //
    // Now the whole west region goes down: the recorder stops its three
    // servers when this line is printed. The client asks for ORDERS' info
    // until that fails: depending on what the other servers know by then,
    // the request goes unanswered (a timeout) or is answered with an error,
    // "stream is offline". Either way, nothing is left that holds ORDERS.
    println!("stopping region west");
    timeout(Duration::from_secs(30), async {
        while js.get_stream("ORDERS").await.is_ok() {
            sleep(Duration::from_millis(100)).await;
        }
    })
    .await?;
    println!("ORDERS (west): stream info fails, every replica is down");

    // Publishing to `orders.>` fails: no stream takes those subjects any
    // more, and the server answers "no responders", the kind
    // `StreamNotFound`. (A core NATS publish would succeed, and be stored
    // nowhere.)
    match js.publish("orders.4", "order 4".into()).await?.await {
        Ok(ack) => println!("publish to orders.4 -> stored as seq {}", ack.sequence),
        Err(err) => println!("publish to orders.4 -> {}", err.kind()),
    }

    // The mirror lives in east and answers as before: what ORDERS stored
    // before west went down can still be read.
    let mirror = js.get_stream("ORDERS_MIRROR").await?;
    let mut stored = Vec::new();
    for seq in 1..=3 {
        let msg = mirror.get_raw_message(seq).await?;
        stored.push(String::from_utf8_lossy(&msg.payload).into_owned());
    }
    println!("ORDERS_MIRROR (east): {}", stored.join(", "));

    // And the meta group still has six of its nine members, more than the
    // five it needs, so JetStream can still create streams (and consumers,
    // and key-value buckets). If the meta group's leader was in west, the
    // six elect a new one first, which takes a few seconds: until then the
    // API answers "JetStream system temporarily unavailable" (or does not
    // answer), so the client tries again, until a deadline.
    timeout(Duration::from_secs(30), async {
        loop {
            let audit = Config {
                subjects: vec!["audit.>".into()],
                ..placed("AUDIT", "east")
            };
            if js.create_stream(audit).await.is_ok() {
                return;
            }
            sleep(Duration::from_millis(250)).await;
        }
    })
    .await?;
    println!("new stream AUDIT in east: created, the meta group has 6 of 9");

    // With two regions, as on the super-cluster page, the same loss leaves
    // three of six: no majority, and that last step would fail everywhere
    // until the region came back.
    //
    // Clean up: delete the streams. Deleting is a meta group decision too,
    // so even ORDERS, whose servers are down, can be deleted; west's
    // servers learn of it when they return.
    for name in ["AUDIT", "ORDERS_MIRROR", "ORDERS"] {
        js.delete_stream(name).await?;
    }
    Ok(())
}
