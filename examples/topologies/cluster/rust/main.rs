// A NATS cluster is a set of nats-servers joined by routes. Clients can
// connect to any node and still reach every subscriber on every other
// node, and JetStream can keep each stream on several nodes at once, so
// losing a server loses neither connectivity nor data. Nothing in the
// client is cluster-specific: the same async-nats calls work against one
// server or many.
use std::time::Duration;

use async_nats::client::RequestErrorKind;
use async_nats::jetstream::consumer::{pull, PullConsumer};
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::{ClusterInfo, Config};
use async_nats::jetstream::{self, Context, ErrorCode, Message};
use async_nats::Client;
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;
use tokio::time::{sleep, timeout};

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

// The stream's placement as the server reports it: its leader and the
// replicas that follow it. While an election runs, the stream briefly has
// no leader and the request may fail; that counts as "not yet".
async fn placement(js: &Context) -> Option<ClusterInfo> {
    let stream = js.get_stream("ORDERS").await.ok()?;
    stream.cached_info().cluster.clone()
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // Each node has its own client URL. Connecting to one explicitly shows
    // that it does not matter which node a client uses. (`NATS_URL` lists
    // all three; a real application passes that whole list, so it can fail
    // over to another node.)
    let mut conns = Vec::new();
    for node in ["N1", "N2", "N3"] {
        let url = std::env::var(format!("NATS_URL_{node}"))
            .unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
        conns.push(async_nats::connect(url).await?);
    }
    let [n1, n2, n3] = &conns[..] else {
        return Err("three connections expected".into());
    };

    // Core NATS across the cluster: a responder on n3, a requester on n1.
    // The routes tell every node about each subscription, so n1 knows to
    // forward the request to n3, and n3 sends the reply back to n1. That
    // news travels asynchronously, though: the round trip only tells us
    // that n3 has the subscription, and for a moment n1 may not have heard
    // yet and answers "no responders". A client that starts at the same
    // time as its peers simply tries again, until a deadline.
    let mut requests = n3.subscribe("greet").await?;
    round_trip(n3).await?;
    let responder = tokio::spawn({
        let n3 = n3.clone();
        async move {
            while let Some(request) = requests.next().await {
                if let Some(reply) = request.reply {
                    let from = String::from_utf8_lossy(&request.payload);
                    let answer = format!("hello from a client on n3, to {from}");
                    n3.publish(reply, answer.into()).await?;
                }
            }
            Ok::<(), async_nats::Error>(())
        }
    });
    let reply = timeout(Duration::from_secs(5), async {
        loop {
            match n1.request("greet", "a client on n1".into()).await {
                Err(err) if err.kind() == RequestErrorKind::NoResponders => {
                    sleep(Duration::from_millis(50)).await
                }
                other => return other,
            }
        }
    })
    .await??;
    println!(
        "client on n1 sent a request, reply: {}",
        String::from_utf8_lossy(&reply.payload)
    );

    // JetStream: `num_replicas: 3` keeps a copy of the stream on three
    // nodes. One of them is the stream's leader, elected with Raft; the
    // other two are replicas that follow it. (Start clean: delete the
    // stream if an interrupted run left it.)
    let js = jetstream::new(n1.clone());
    delete_if_present(&js, "ORDERS").await?;
    js.create_stream(Config {
        name: "ORDERS".into(),
        subjects: vec!["orders.>".into()],
        num_replicas: 3,
        ..Default::default()
    })
    .await?;

    // Stream info shows the placement. The leader is whichever node won
    // the election, so it changes from run to run; we print the facts that
    // do not: there is one leader, two replicas, and together they are all
    // three nodes. The replicas may need a moment to catch up, so we ask
    // until all of them report `current`, for at most ten seconds.
    let cluster = timeout(Duration::from_secs(10), async {
        loop {
            if let Some(cluster) = placement(&js).await {
                let current =
                    cluster.replicas.len() == 2 && cluster.replicas.iter().all(|r| r.current);
                if cluster.leader.is_some() && current {
                    return cluster;
                }
            }
            sleep(Duration::from_millis(100)).await;
        }
    })
    .await?;
    let old_leader = cluster.leader.clone().unwrap_or_default();
    let mut peers: Vec<String> = cluster.replicas.iter().map(|r| r.name.clone()).collect();
    peers.push(old_leader.clone());
    peers.sort();
    println!("stream ORDERS: stored on {}", peers.join(","));
    println!(
        "stream ORDERS: 1 leader (one of those), {} replicas, all current",
        cluster.replicas.len()
    );

    // Publish through n1. The acknowledgement comes only after a majority
    // of the three copies has stored the message.
    for i in 1..=3 {
        let ack = js
            .publish(format!("orders.{i}"), format!("order {i}").into())
            .await?
            .await?;
        println!(
            "published orders.{i} via n1 -> stream {}, seq {}",
            ack.stream, ack.sequence
        );
    }

    // Ask the leader to step down. The stream elects a new leader among the
    // replicas, as it would if the leader's server went away. async-nats
    // has no method for this, but `Context::request` sends any JetStream
    // API request (it adds the `$JS.API.` prefix) and decodes the JSON
    // answer into the type we ask for, here a plain `Value`.
    let js2 = jetstream::new(n2.clone());
    let answer: Value = js2
        .request("STREAM.LEADER.STEPDOWN.ORDERS", &serde_json::json!({}))
        .await?;
    println!(
        "leader step-down requested: success={}",
        answer["success"].as_bool().unwrap_or(false)
    );

    // While the election runs, the stream briefly has no leader and API
    // calls may fail or time out; we ask again, for at most ten seconds.
    let js3 = jetstream::new(n3.clone());
    timeout(Duration::from_secs(10), async {
        loop {
            if let Some(cluster) = placement(&js3).await {
                if cluster.leader.is_some_and(|leader| leader != old_leader) {
                    return;
                }
            }
            sleep(Duration::from_millis(100)).await;
        }
    })
    .await?;
    println!("stream ORDERS: a new leader was elected on another node");

    // The data is all still there, on the new leader too, and a client on
    // n3 reads it. Wherever a client is connected, the routes carry its
    // JetStream requests to the nodes that lead the stream and consumer.
    let reader: PullConsumer = js3
        .get_stream("ORDERS")
        .await?
        .create_consumer(pull::Config {
            durable_name: Some("reader".into()),
            ..Default::default()
        })
        .await?;
    let msgs: Vec<Message> = reader
        .batch()
        .max_messages(3)
        .expires(Duration::from_secs(2))
        .messages()
        .await?
        .try_collect()
        .await?;
    for msg in &msgs {
        println!(
            "client on n3 fetched {}: {}",
            msg.subject,
            String::from_utf8_lossy(&msg.payload)
        );
        msg.ack().await?;
    }

    // Clean up: deleting the stream removes all three copies and the
    // consumer. Draining n3 ends the responder's task.
    js3.delete_stream("ORDERS").await?;
    n3.drain().await?;
    responder.await??;
    Ok(())
}
