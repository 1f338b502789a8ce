// A super-cluster joins whole clusters with gateways, typically one
// cluster per region or cloud. Clients connect to their local cluster, and
// gateways carry messages to other clusters only when someone there is
// interested. Queue groups prefer members in the local cluster and fall
// back to other clusters, which gives services geo-affinity and failover
// for free.
use std::time::Duration;

use async_nats::client::RequestErrorKind;
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::{Config, Placement};
use async_nats::jetstream::{self, Context, ErrorCode};
use async_nats::{Client, Message};
use futures::StreamExt;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
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

fn url(node: &str) -> String {
    std::env::var(format!("NATS_URL_{node}")).unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
}

// A running responder: its connection, the sender that stops it, and its
// task.
struct Responder {
    client: Client,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), async_nats::Error>>,
}

// A responder is an ordinary queue subscriber, with a connection of its
// own to one node. The server's INFO message, which async-nats keeps and
// `server_info()` returns, names the cluster the node belongs to; the
// responder puts it in its answers, to make the routing visible. When told
// to stop, it unsubscribes and its task ends.
async fn start_responder(node: &str) -> Result<Responder, async_nats::Error> {
    let client = async_nats::connect(url(node)).await?;
    let cluster = client.server_info().cluster.unwrap_or_default();
    let mut requests = client
        .queue_subscribe("weather", "weather-service".into())
        .await?;
    round_trip(&client).await?;
    let (stop, mut stopped) = oneshot::channel();
    let task = tokio::spawn({
        let client = client.clone();
        async move {
            loop {
                tokio::select! {
                    _ = &mut stopped => {
                        requests.unsubscribe().await?;
                        return Ok(());
                    }
                    request = requests.next() => {
                        let Some(request) = request else { return Ok(()) };
                        if let Some(reply) = request.reply {
                            let answer = format!("answered by a responder in {cluster}");
                            client.publish(reply, answer.into()).await?;
                        }
                    }
                }
            }
        }
    });
    Ok(Responder { client, stop, task })
}

// A round trip only tells a responder that its own server has the
// subscription. News of it takes a moment more to travel through routes
// and gateways; until it reaches the east client's server, a request there
// finds "no responders", so `ask` tries again after a short pause, until a
// deadline.
async fn ask(client: &Client) -> Result<Message, async_nats::Error> {
    timeout(Duration::from_secs(5), async {
        loop {
            match client.request("weather", "".into()).await {
                Err(err) if err.kind() == RequestErrorKind::NoResponders => {
                    sleep(Duration::from_millis(50)).await
                }
                other => return Ok(other?),
            }
        }
    })
    .await?
}

fn text(msg: &Message) -> String {
    String::from_utf8_lossy(&msg.payload).into_owned()
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The recorder runs the clusters `east` and `west`, three nodes each,
    // and gives every node a URL of its own. `NATS_URL` lists the east
    // nodes; our requesting client lives there.
    let client = async_nats::connect(url("EAST_1")).await?;

    // 1. The only responder is in the west. The east client's request
    // crosses the gateway, and the answer comes back the same way.
    let west = start_responder("WEST_2").await?;
    let reply = ask(&client).await?;
    println!(
        "only a west responder: east client's request -> {}",
        text(&reply)
    );

    // 2. A responder joins the same queue group in the east. The east
    // servers now have a member nearby, so the requests stay in the east
    // cluster, with no gateway hop.
    let east = start_responder("EAST_1").await?;
    for i in 1..=3 {
        let reply = ask(&client).await?;
        println!(
            "responders in both: east client's request {i} -> {}",
            text(&reply)
        );
    }

    // 3. The east responder leaves the group: its task unsubscribes, and a
    // round trip on its connection confirms the server has handled that.
    // The queue group still has a member in the west, so requests fail
    // over across the gateway.
    let _ = east.stop.send(());
    east.task.await??;
    round_trip(&east.client).await?;
    let reply = ask(&client).await?;
    println!(
        "east responder gone: east client's request -> {}",
        text(&reply)
    );

    // JetStream spans the super-cluster too. A stream can be placed in a
    // chosen cluster with `Placement`; here the east client creates one in
    // the west, and the stream's info names the cluster that holds it.
    // (Start clean: delete it first if an interrupted run left it.)
    let js = jetstream::new(client.clone());
    delete_if_present(&js, "WEST_EVENTS").await?;
    let stream = js
        .create_stream(Config {
            name: "WEST_EVENTS".into(),
            subjects: vec!["west.events.>".into()],
            placement: Some(Placement {
                cluster: Some("west".into()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await?;
    let cluster = stream
        .cached_info()
        .cluster
        .as_ref()
        .and_then(|c| c.name.clone())
        .unwrap_or_default();
    println!("stream WEST_EVENTS created from the east, placed in cluster {cluster}");

    // A warning about this layout. Every stream and consumer is created,
    // changed and deleted through JetStream's meta group: one Raft group
    // of all six servers, in both clusters, which acts only with a
    // majority, four of six. If one region goes down, the other has three:
    // no majority. Streams that live in the surviving region keep storing
    // and delivering messages, but creating or deleting any stream or
    // consumer (ephemeral consumers and KV watchers included) fails
    // everywhere until the lost region returns. Two regions cannot outvote
    // each other; with JetStream, run three, or two and a small third
    // cluster whose only job is to vote.
    //
    // Clean up: delete the stream, and stop the west responder.
    js.delete_stream("WEST_EVENTS").await?;
    let _ = west.stop.send(());
    west.task.await??;
    Ok(())
}
