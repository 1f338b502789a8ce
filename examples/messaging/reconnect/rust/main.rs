// A NATS connection outlives the TCP connection under it. When its server
// goes away, async-nats reconnects by itself, to another server of the
// cluster or to the same one when it is back, sends its subscriptions
// again and carries on. The program hears of it all through the
// connection's events. This example makes a server leave in each of the
// two ways servers leave: politely, in lame-duck mode, and abruptly.
use std::time::Duration;

use async_nats::{Client, ConnectOptions, Event, Subscriber};
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::time::timeout;

// Commands (publishes, subscribes...) go from the `Client` to the
// connection's task through a channel of this many entries (2048 by
// default). This example makes it small enough to fill.
const QUEUE: usize = 3;

const NODES: [&str; 3] = ["n1", "n2", "n3"];

fn url(node: &str) -> String {
    let var = format!("NATS_URL_{}", node.to_uppercase());
    std::env::var(var).unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
}

// Which of our three servers the client is connected to now. async-nats
// keeps the INFO message of the current server; its port tells them apart.
fn server_name(client: &Client) -> &'static str {
    let port = format!(":{}", client.server_info().port);
    NODES
        .into_iter()
        .find(|node| url(node).ends_with(&port))
        .unwrap_or("?")
}

// Waits, at most 15 seconds, for an event of the given kind and prints it.
// Other events are skipped: how many reconnect attempts fail first depends
// on timing, and a real program would log them.
async fn wait_for(
    events: &mut mpsc::UnboundedReceiver<Event>,
    wanted: fn(&Event) -> bool,
) -> Result<(), async_nats::Error> {
    timeout(Duration::from_secs(15), async {
        loop {
            let event = events.recv().await.ok_or("the connection is gone")?;
            if wanted(&event) {
                println!("  callback: {event}");
                return Ok::<(), async_nats::Error>(());
            }
        }
    })
    .await?
}

async fn send_and_receive(
    client: &Client,
    sub: &mut Subscriber,
    text: &str,
) -> Result<(), async_nats::Error> {
    client.publish("orders", text.to_string().into()).await?;
    let msg = timeout(Duration::from_secs(5), sub.next())
        .await?
        .ok_or("subscription ended")?;
    println!(
        "published and received: {}",
        String::from_utf8_lossy(&msg.payload)
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The recorder runs a cluster of three servers, n1, n2 and n3, and
    // gives each one a URL of its own.
    //
    // The event callback runs in a task of the client's for every change:
    // connected (also after a reconnect), disconnected, lame-duck mode,
    // closed, and errors. It forwards them over a channel, so that the
    // main flow can wait for each one, with a deadline, instead of guessing
    // how long a reconnect takes.
    //
    // async-nats shuffles its list of servers, so that clients spread over
    // the cluster; `retain_servers_order` keeps the order given, and
    // `ignore_discovered_servers` keeps the list to those three (servers
    // otherwise tell clients about the rest of the cluster), so that this
    // example knows where its client lands: n1 first, then n2, then n3.
    // `reconnect_delay_callback` says how long to wait before each attempt
    // (none at first by default, then growing to 4 s); `max_reconnects` how
    // many attempts to make before giving up (`None`, the default, never
    // gives up); `client_capacity` sizes the command channel.
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let client = ConnectOptions::new()
        .event_callback(move |event| {
            let events_tx = events_tx.clone();
            async move {
                let _ = events_tx.send(event);
            }
        })
        .retain_servers_order()
        .ignore_discovered_servers()
        .reconnect_delay_callback(|_attempts| Duration::from_millis(500))
        .max_reconnects(None)
        .client_capacity(QUEUE)
        .connect(NODES.map(url).to_vec())
        .await?;
    println!("connected to {}", server_name(&client));

    // The client subscribes to the subject it publishes on, so it sees its
    // own messages come back (NATS echoes them unless `no_echo`).
    let mut sub = client.subscribe("orders").await?;
    send_and_receive(&client, &mut sub, "order 1").await?;

    // 1. Lame-duck mode. Before a server is taken down, for an upgrade
    // say, it is put into lame-duck mode (`nats-server --signal ldm`): it
    // stops accepting connections and tells its clients, which raise
    // `Event::LameDuckMode`. After a grace period (10 s) it closes the
    // connections left, a few at a time, over `lame_duck_duration` (2
    // minutes), so that thousands of clients do not all reconnect at once.
    //
    // The recorder puts n1 into lame-duck mode when this line is printed.
    println!("asking n1 to enter lame-duck mode");
    wait_for(&mut events, |e| matches!(e, Event::LameDuckMode)).await?;

    // async-nats only reports it. A client that would rather move now than
    // be cut off later calls `force_reconnect()`: it drops the connection
    // and takes the next server of its list, the usual reconnect path,
    // with its events. (n1 refuses new connections anyway.) Its
    // subscription comes along.
    println!("moving on: force_reconnect()");
    client.force_reconnect().await?;
    wait_for(&mut events, |e| matches!(e, Event::Disconnected)).await?;
    wait_for(&mut events, |e| matches!(e, Event::Connected)).await?;
    println!("now connected to {}", server_name(&client));
    send_and_receive(&client, &mut sub, "order 2").await?;

    // 2. A server that simply goes away: a crash, a machine that fails.
    // The recorder stops n2 when this line is printed, and the client
    // finds its connection gone. `connection_state()` says what the
    // connection's task is doing.
    println!("stopping n2");
    wait_for(&mut events, |e| matches!(e, Event::Disconnected)).await?;
    println!("connection state: {}", client.connection_state());

    // Until a server takes the client back, the connection's task is busy
    // reconnecting and reads no commands, so `publish` only queues the
    // message in the command channel and returns. Here another server is
    // up and the wait is short; with every server down it lasts until one
    // is back, or until the client gives up.
    for n in 3..=5 {
        client
            .publish("orders", format!("order {n}").into())
            .await?;
    }
    println!("published order 3, 4 and 5: they wait in the command channel");

    // The channel holds `QUEUE` commands. With it full, `publish` does not
    // fail: it waits for room, which comes only after the reconnect. That
    // back-pressure keeps memory bounded; a program that would rather give
    // up puts a `timeout` on the publish. A publish future dropped before
    // it completes has queued nothing, so that message is simply not sent.
    let big = vec![b'x'; 1000];
    if timeout(
        Duration::from_millis(100),
        client.publish("orders", big.into()),
    )
    .await
    .is_err()
    {
        println!("a 4th publish waits: the {QUEUE}-command channel is full");
    }

    // Once a server takes the client, async-nats sends its subscriptions
    // first and then works through the channel, so the orders published
    // while disconnected arrive, in order.
    wait_for(&mut events, |e| matches!(e, Event::Connected)).await?;
    println!("now connected to {}", server_name(&client));
    let mut received = Vec::new();
    for _ in 0..3 {
        let msg = timeout(Duration::from_secs(5), sub.next())
            .await?
            .ok_or("subscription ended")?;
        received.push(String::from_utf8_lossy(&msg.payload).into_owned());
    }
    println!("received after the reconnect: {}", received.join(", "));

    // The channel lives in this process's memory: what is in it when the
    // process ends is lost. A message that must not be lost goes to a
    // JetStream stream, whose publish waits for the server's
    // acknowledgement.
    //
    // A `Client` has no `close`; `drain` ends the connection for good, and
    // the event callback hears `Closed`, which a program also gets when
    // the client gives up reconnecting.
    println!("closing");
    client.drain().await?;
    wait_for(&mut events, |e| matches!(e, Event::Closed)).await?;
    Ok(())
}
