// A service that takes orders in several regions wants two things that
// pull against each other: every write fast and local, even when the other
// regions are unreachable, and every region able to read every order. With
// JetStream in a super-cluster, each region writes only to a stream of its
// own, in its own cluster, and each region also keeps a global stream that
// sources all the regional ones. No stream is written from two regions, so
// nothing conflicts; the copying happens in the background, across the
// gateways, and catches up by itself after an interruption.
use std::collections::HashMap;
use std::time::Duration;

use async_nats::jetstream::context::{DeleteStreamErrorKind, PublishErrorKind};
use async_nats::jetstream::stream::{Config, Placement, Source};
use async_nats::jetstream::{self, Context, ErrorCode};
use async_nats::{ConnectOptions, Event};
use tokio::sync::mpsc;
use tokio::time::{sleep, timeout};

const REGIONS: [&str; 3] = ["east", "west", "central"];

fn url(region: &str) -> String {
    let var = format!("NATS_URL_{}_1", region.to_uppercase());
    std::env::var(var).unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
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

// A stream of three replicas placed in one region's cluster.
fn placed(name: String, region: &str) -> Config {
    Config {
        name,
        num_replicas: 3,
        placement: Some(Placement {
            cluster: Some(region.into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

// Each region takes an order, on its own subjects. The publish is
// answered by the regional stream, in the client's own cluster: the write
// never waits on another region. A new stream's interest takes a moment to
// reach every server; until then a publish finds no responders (the kind
// `StreamNotFound`, and nothing is stored), so it is tried again until a
// deadline.
async fn take_order(js: &Context, region: &str, n: u32) -> Result<(), async_nats::Error> {
    let ack = timeout(Duration::from_secs(10), async {
        loop {
            let subject = format!("orders.{region}.{n}");
            match js.publish(subject, "an order".into()).await?.await {
                Ok(ack) => return Ok::<_, async_nats::Error>(ack),
                Err(err) if err.kind() == PublishErrorKind::StreamNotFound => {
                    sleep(Duration::from_millis(50)).await
                }
                Err(err) => return Err(err.into()),
            }
        }
    })
    .await??;
    println!(
        "{region} client: orders.{region}.{n} -> stored in {}",
        ack.stream
    );
    Ok(())
}

// The global streams fill in the background. Each region waits, with a
// deadline, until its own global stream holds what it expects, and then
// counts its orders by region of origin, from the subjects.
async fn global_view(js: &Context, region: &str, expected: u64) -> Result<(), async_nats::Error> {
    let name = format!("GLOBAL_{}", region.to_uppercase());
    let stream = timeout(Duration::from_secs(15), async {
        loop {
            let stream = js.get_stream(&name).await?;
            if stream.cached_info().state.messages >= expected {
                return Ok::<_, async_nats::Error>(stream);
            }
            sleep(Duration::from_millis(100)).await;
        }
    })
    .await??;
    let mut origins: HashMap<String, usize> = HashMap::new();
    for seq in 1..=expected {
        let msg = stream.get_raw_message(seq).await?;
        let origin = msg.subject.split('.').nth(1).unwrap_or("?").to_string();
        *origins.entry(origin).or_default() += 1;
    }
    let counts: Vec<String> = REGIONS
        .iter()
        .map(|r| format!("{r} {}", origins.get(*r).copied().unwrap_or(0)))
        .collect();
    println!("{name}: {expected} orders ({})", counts.join(", "));
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The recorder runs three clusters of three servers, one per region,
    // joined by gateways, and gives each server a URL. One client per
    // region connects to a server of its own region, as an application
    // running there would. The west client's event callback tells `main`
    // when it loses its server.
    let (west_events_tx, mut west_events) = mpsc::unbounded_channel();
    let mut js = HashMap::new();
    for region in REGIONS {
        let mut options = ConnectOptions::new();
        if region == "west" {
            let events = west_events_tx.clone();
            options = options.event_callback(move |event| {
                let events = events.clone();
                async move {
                    let _ = events.send(event);
                }
            });
        }
        let client = options.connect(url(region)).await?;
        js.insert(region, jetstream::new(client));
    }
    let east = js["east"].clone();

    // Start clean: delete the streams if an interrupted run left them.
    for region in REGIONS {
        let upper = region.to_uppercase();
        for name in [format!("GLOBAL_{upper}"), format!("ORDERS_{upper}")] {
            delete_if_present(&east, &name).await?;
        }
    }

    // A regional stream per region: ORDERS_EAST takes `orders.east.>` and
    // lives in cluster east (`placement`), three replicas, and so on. Any
    // client may create any of them; placement decides where they live.
    for region in REGIONS {
        east.create_stream(Config {
            subjects: vec![format!("orders.{region}.>")],
            ..placed(format!("ORDERS_{}", region.to_uppercase()), region)
        })
        .await?;
    }

    // And a global stream per region: GLOBAL_EAST, in east, sources the
    // three regional streams, and so do GLOBAL_WEST and GLOBAL_CENTRAL in
    // their regions. A source copies each message with its subject, so a
    // global stream knows where every order came from.
    for region in REGIONS {
        let sources = REGIONS
            .iter()
            .map(|r| Source {
                name: format!("ORDERS_{}", r.to_uppercase()),
                ..Default::default()
            })
            .collect();
        east.create_stream(Config {
            sources: Some(sources),
            ..placed(format!("GLOBAL_{}", region.to_uppercase()), region)
        })
        .await?;
    }

    for region in REGIONS {
        take_order(&js[region], region, 1).await?;
    }
    for region in REGIONS {
        global_view(&js[region], region, 3).await?;
    }

    // Now the west region is lost: the recorder stops its three servers
    // when this line is printed. The program waits, with a deadline, until
    // the west client reports `Disconnected`. async-nats then keeps trying
    // to reconnect in the background (forever, unless `max_reconnects`
    // says otherwise); a `Client` has no `close`, so we drop the west
    // handles, and the attempts end with the program.
    println!("stopping region west");
    timeout(Duration::from_secs(15), async {
        while let Some(event) = west_events.recv().await {
            if matches!(event, Event::Disconnected) {
                return;
            }
        }
    })
    .await?;
    js.remove("west");
    println!("west client: disconnected, its region is gone");

    // East and central go on taking orders: their regional streams and
    // their global streams live in their own regions, and copying between
    // them goes on. West's order, copied before the loss, is still in
    // every global stream that is left. When west comes back, its global
    // stream picks up where it stopped: a source remembers the last
    // message it copied.
    for region in ["east", "central"] {
        take_order(&js[region], region, 2).await?;
    }
    for region in ["east", "central"] {
        global_view(&js[region], region, 5).await?;
    }

    // Losing a region also loses its servers' votes in JetStream's meta
    // group: creating, changing or deleting streams needs a majority of all
    // JetStream servers, which three regions keep. See [Super-Cluster
    // JetStream Quorum](../../topologies/supercluster-jetstream-arbiter/index.md).
    //
    // Clean up: delete the streams, the lost region's included (a deletion
    // is the meta group's decision; west's servers learn of it when they
    // return). If the meta group's leader was in west, the six servers left
    // elect a new one first, which takes a few seconds: until then the API
    // does not answer (the kind `Request`), or answers "JetStream system
    // temporarily unavailable" (`CLUSTER_NOT_AVAILABLE`), so each deletion
    // is tried again until a deadline. A stream that is already gone counts
    // as deleted: a try that timed out may still have gone through.
    for region in REGIONS {
        let upper = region.to_uppercase();
        for name in [format!("GLOBAL_{upper}"), format!("ORDERS_{upper}")] {
            timeout(Duration::from_secs(30), async {
                loop {
                    let err = match east.delete_stream(&name).await {
                        Ok(_) => return Ok(()),
                        Err(err) => err,
                    };
                    match err.kind() {
                        DeleteStreamErrorKind::JetStream(api)
                            if api.error_code() == ErrorCode::STREAM_NOT_FOUND =>
                        {
                            return Ok(())
                        }
                        DeleteStreamErrorKind::Request => {}
                        DeleteStreamErrorKind::JetStream(api)
                            if api.error_code() == ErrorCode::CLUSTER_NOT_AVAILABLE => {}
                        _ => return Err(err),
                    }
                    sleep(Duration::from_millis(250)).await;
                }
            })
            .await??;
        }
    }
    Ok(())
}
