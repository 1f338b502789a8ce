// Core NATS does not wait for slow subscribers. When messages arrive faster
// than a handler takes them, the client buffers them up to a limit, and
// past that limit it drops them and reports a *slow consumer*. In
// async-nats every `Subscriber` reads from a bounded tokio channel that the
// connection's task fills; when it is full, the message is dropped and the
// event callback hears `Event::SlowConsumer`.
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use async_nats::client::RequestErrorKind;
use async_nats::{Client, ConnectOptions, Event};
use futures::StreamExt;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::timeout;

// The capacity of every subscription's channel on our connection.
const CAPACITY: usize = 10;

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

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let servers: Vec<&str> = servers.split(',').collect();

    // Dropped messages are not an error of any call: the connection's task
    // reports each one as an event, and the event callback (run by another
    // task) counts them in a `watch` channel, which `main` can wait on. A
    // real callback would log or raise an alarm, and look at the other
    // events too (connected, disconnected, closed...), which this one
    // ignores. The event names the subscription by its internal id, not by
    // its subject.
    //
    // `subscription_capacity` sets the size of each subscription's channel
    // on this connection (64 Ki messages by default). A tiny one of 10
    // makes the effect easy to see.
    let (dropped_tx, mut dropped) = watch::channel(0usize);
    let dropped_tx = Arc::new(dropped_tx);
    let client = ConnectOptions::new()
        .subscription_capacity(CAPACITY)
        .event_callback(move |event| {
            let dropped_tx = dropped_tx.clone();
            async move {
                if let Event::SlowConsumer(_) = event {
                    dropped_tx.send_modify(|n| *n += 1);
                }
            }
        })
        .connect(servers.clone())
        .await?;
    let publisher = async_nats::connect(servers).await?;

    // The handler is a task that is stuck on its first message until we let
    // it go, like a handler waiting on a slow database. It takes messages
    // one at a time, so while it waits, new ones fill the channel. It
    // reports each reading it handles to `main`.
    let mut readings = client.subscribe("sensor.readings").await?;
    round_trip(&client).await?;
    let (busy, is_busy) = oneshot::channel();
    let (go_on, may_go_on) = oneshot::channel::<()>();
    let (handled_tx, mut handled) = mpsc::unbounded_channel();
    let handler = tokio::spawn(async move {
        let mut busy = Some(busy);
        let mut may_go_on = Some(may_go_on);
        while let Some(msg) = readings.next().await {
            let reading = String::from_utf8_lossy(&msg.payload).into_owned();
            if handled_tx.send(reading).is_err() {
                return;
            }
            if let (Some(busy), Some(may_go_on)) = (busy.take(), may_go_on.take()) {
                let _ = busy.send(());
                let _ = may_go_on.await;
            }
        }
    });

    // Reading 1 reaches the handler, which is now busy. Then 100 more
    // readings arrive at once; a round trip on the publisher's connection
    // makes sure the server has sent them all our way. Everything beyond
    // the one in the handler and the ten in the channel must be dropped,
    // so we wait, with a deadline, until the callback has counted that
    // many drops.
    let stats = client.statistics();
    let before = stats.in_messages.load(Ordering::Relaxed);
    publisher.publish("sensor.readings", "1".into()).await?;
    timeout(Duration::from_secs(5), is_busy).await??;
    for i in 2..=101 {
        publisher
            .publish("sensor.readings", i.to_string().into())
            .await?;
    }
    round_trip(&publisher).await?;
    let expected = 101 - 1 - CAPACITY;
    timeout(Duration::from_secs(5), dropped.wait_for(|n| *n >= expected)).await??;

    // Ten readings wait in the channel, the limit. The other ninety were
    // dropped by the client as they arrived. A `Subscriber` does not say
    // how much it holds, so the count comes from the connection's
    // statistics (messages that arrived) minus the one in the handler and
    // the dropped ones.
    let arrived = stats.in_messages.load(Ordering::Relaxed) - before;
    let dropped_now = *dropped.borrow();
    println!("handler busy with reading 1; 100 more published");
    println!(
        "pending: {} messages ({arrived} arrived, 1 in the handler, {dropped_now} dropped)",
        arrived as usize - 1 - dropped_now
    );
    println!("slow consumer events: {dropped_now}");

    // Once the handler is free it works through what was kept: readings 1
    // to 11. The gap after 11 is the data that was lost. We collect what it
    // reports, with a deadline.
    let _ = go_on.send(());
    let mut got = Vec::new();
    while got.len() < 1 + CAPACITY {
        let reading = timeout(Duration::from_secs(5), handled.recv())
            .await?
            .ok_or("the handler stopped")?;
        got.push(reading);
    }
    println!(
        "handled {} of 101: {} to {}",
        got.len(),
        got[0],
        got[got.len() - 1]
    );

    // A slow consumer is not an error of the subscription: it keeps
    // working, and a reading published now arrives as usual.
    publisher.publish("sensor.readings", "102".into()).await?;
    let reading = timeout(Duration::from_secs(5), handled.recv())
        .await?
        .ok_or("the handler stopped")?;
    println!("still subscribed: reading {reading} handled");

    // The cure is a handler that keeps up on average: faster handling,
    // several members of a queue group sharing the load, or a JetStream
    // consumer, which holds messages on the server until they are asked
    // for. A larger capacity only absorbs bursts, and costs memory.
    //
    // The server has a limit of its own, per connection: a client that
    // does not read its socket fast enough, so that more than
    // `max_pending` (64 MiB by default) piles up for it, is disconnected
    // as a slow consumer. In async-nats the connection's own task reads
    // the socket, so a slow handler task does not cause that; a runtime
    // starved by blocking code can.
    //
    // Everything published has arrived, so drain the subscriber's
    // connection, which ends the handler's stream and its task.
    client.drain().await?;
    handler.await?;
    Ok(())
}
