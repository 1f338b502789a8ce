// A leaf node is a nats-server that extends another server (the hub)
// through a single outbound connection. Clients of the leaf talk to
// clients of the hub as if they shared one server, while the leaf keeps
// its own local clients, security and JetStream. Typical homes for a leaf:
// a factory, a store, a vehicle, an edge site that must keep working when
// its uplink is down. For a client nothing changes: async-nats connects
// to a leaf like to any server.
use std::time::Duration;

use async_nats::client::RequestErrorKind;
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::Config;
use async_nats::jetstream::{self, Context, ErrorCode};
use async_nats::{Client, Message};
use futures::{StreamExt, TryStreamExt};
use tokio::sync::mpsc;
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

// Each side listens on one subject tree named after itself: `hub.>` on
// the hub, `leaf.>` on the leaf, in a task of its own. Requests (messages
// with a reply subject) get an answer; other messages are passed on over a
// channel for `main` to print.
async fn listen(
    client: &Client,
    name: &'static str,
) -> Result<
    (
        JoinHandle<Result<(), async_nats::Error>>,
        mpsc::Receiver<Message>,
    ),
    async_nats::Error,
> {
    let mut messages = client.subscribe(format!("{name}.>")).await?;
    round_trip(client).await?;
    let (received, receiver) = mpsc::channel(16);
    let client = client.clone();
    let task = tokio::spawn(async move {
        while let Some(msg) = messages.next().await {
            match msg.reply.clone() {
                Some(reply) => {
                    let answer = format!("{name} answered {}", msg.subject);
                    client.publish(reply, answer.into()).await?;
                }
                None => received.send(msg).await?,
            }
        }
        Ok(())
    });
    Ok((task, receiver))
}

// The leaf connection carries subscription interest both ways, so the
// leaf forwards `hub.>` messages to the hub and the hub forwards `leaf.>`
// messages to the leaf. That news crosses the link asynchronously; a
// request sent in the first moments may find "no responders", so the first
// request in each direction tries again, until a deadline.
async fn request(client: &Client, subject: &'static str) -> Result<Message, async_nats::Error> {
    timeout(Duration::from_secs(5), async {
        loop {
            match client.request(subject, "".into()).await {
                Err(err) if err.kind() == RequestErrorKind::NoResponders => {
                    sleep(Duration::from_millis(50)).await
                }
                other => return Ok(other?),
            }
        }
    })
    .await?
}

// Waits at most a second for the next message a listener passed on.
async fn received(receiver: &mut mpsc::Receiver<Message>) -> Result<Message, async_nats::Error> {
    Ok(timeout(Duration::from_secs(1), receiver.recv())
        .await?
        .ok_or("the listener stopped")?)
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The recorder starts a hub and a leaf that dials into it, and gives
    // each its own URL. A client does not need to know which kind of
    // server it is using; it connects as usual.
    let hub_url = std::env::var("NATS_URL_HUB").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let leaf_url =
        std::env::var("NATS_URL_LEAF").unwrap_or_else(|_| "nats://127.0.0.1:4223".into());
    let hub = async_nats::connect(hub_url).await?;
    let leaf = async_nats::connect(leaf_url).await?;

    let (hub_task, mut hub_received) = listen(&hub, "hub").await?;
    let (leaf_task, mut leaf_received) = listen(&leaf, "leaf").await?;

    let reply = request(&leaf, "hub.orders.count").await?;
    println!(
        "leaf client: request hub.orders.count -> {}",
        String::from_utf8_lossy(&reply.payload)
    );
    let reply = request(&hub, "leaf.line1.status").await?;
    println!(
        "hub client: request leaf.line1.status -> {}",
        String::from_utf8_lossy(&reply.payload)
    );

    // Plain publish-subscribe flows both ways as well: an alert from the
    // leaf reaches the hub, a command from the hub reaches the leaf.
    leaf.publish("hub.alerts.temperature", "line 1 at 81C".into())
        .await?;
    let msg = received(&mut hub_received).await?;
    println!(
        "hub client received {}: {}",
        msg.subject,
        String::from_utf8_lossy(&msg.payload)
    );

    hub.publish("leaf.commands.line1", "slow down".into())
        .await?;
    let msg = received(&mut leaf_received).await?;
    println!(
        "leaf client received {}: {}",
        msg.subject,
        String::from_utf8_lossy(&msg.payload)
    );

    // JetStream stays separate: the hub and the leaf each run their own,
    // in the JetStream domains `hub` and `leaf`. `jetstream::new` on the
    // leaf's client uses the leaf's; `jetstream::with_domain` sends the
    // JetStream API requests to the named domain, through the leaf
    // connection. Here the leaf client creates a stream on the hub and
    // stores an event in it. (Start clean: delete the stream first if an
    // interrupted run left it.)
    let js_hub = jetstream::with_domain(leaf.clone(), "hub");
    delete_if_present(&js_hub, "EVENTS").await?;
    js_hub
        .create_stream(Config {
            name: "EVENTS".into(),
            subjects: vec!["events.>".into()],
            ..Default::default()
        })
        .await?;
    let ack = js_hub
        .publish("events.shift", "shift 2 started".into())
        .await?
        .await?;
    println!(
        "leaf client: stored events.shift in domain hub -> stream {}, seq {}",
        ack.stream, ack.sequence
    );

    // Seen from each side: the hub has the stream; the leaf's own
    // JetStream has no streams at all. `stream_names` lists them as a
    // stream of `Result`s.
    let stream = jetstream::new(hub.clone()).get_stream("EVENTS").await?;
    println!(
        "hub client: stream EVENTS has {} message(s)",
        stream.cached_info().state.messages
    );
    let leaf_streams: Vec<String> = jetstream::new(leaf.clone())
        .stream_names()
        .try_collect()
        .await?;
    println!(
        "leaf client: streams in domain leaf: {}",
        leaf_streams.len()
    );

    // Clean up, through the leaf connection again: delete the hub's
    // stream. Then drain both connections, which ends the listeners.
    js_hub.delete_stream("EVENTS").await?;
    leaf.drain().await?;
    hub.drain().await?;
    leaf_task.await??;
    hub_task.await??;
    Ok(())
}
