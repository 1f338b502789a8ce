// async-nats is built on tokio: every call that talks to the server is an
// `async fn` you `.await`, and a subscription is a `Stream` of messages, read
// with `StreamExt::next` from the `futures` crate. `tokio::time::timeout`
// puts a limit on how long we wait for the next one.
use std::time::Duration;

use futures::StreamExt;
use tokio::time::timeout;

// Returning `Result<(), async_nats::Error>` from `main` lets every fallible
// call use `?`. `async_nats::Error` is a boxed error, so the client's own
// error types (connect, publish, subscribe) and a timeout all convert into
// it; if one of them happens, the program prints it and exits non-zero.
#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // Read the server list from `NATS_URL` (a comma-separated list is
    // allowed) and fall back to a local server on the default port.
    // `connect` accepts a `Vec` of addresses and tries them until one
    // accepts the connection.
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;

    // A `Client` is a cheap handle to one connection, which a background
    // tokio task owns. In real systems publishers and subscribers are
    // separate programs, but a single connection makes the order below
    // exact: every publish and subscribe goes through that task's queue and
    // reaches the server in the order we made the calls.
    //
    // Publish while nobody is subscribed. The payload is `Bytes`; `.into()`
    // turns a string literal into it. The server finds no interest in
    // `weather.oslo` and drops the message, and we are not told: a core NATS
    // publisher never learns who, if anyone, received what it sent.
    client.publish("weather.oslo", "12°C fog".into()).await?;
    println!("published weather.oslo: 12°C fog (nobody subscribed yet)");

    // Subscriber A subscribes. `subscribe` returns a `Subscriber`, which
    // buffers the messages the server sends for it until we take them.
    let mut sub_a = client.subscribe("weather.oslo").await?;

    // The message published a moment ago is not waiting for A, so waiting
    // for it runs into the timeout: `timeout` returns `Err(Elapsed)` when
    // the time is up. A subscriber only sees what is published after it
    // subscribed; a JetStream stream is what keeps messages for later.
    match timeout(Duration::from_millis(500), sub_a.next()).await {
        Ok(Some(msg)) => println!(
            "subscriber A received {}: {}",
            msg.subject,
            String::from_utf8_lossy(&msg.payload)
        ),
        Ok(None) => return Err("subscription A ended".into()),
        Err(_) => println!("subscriber A: nothing received"),
    }

    // A message published now reaches A. Here a timeout would be a failure,
    // so `?` passes it up; `next` returns `None` only once a subscription
    // is over, which `ok_or` turns into an error as well.
    client.publish("weather.oslo", "14°C rain".into()).await?;
    println!("published weather.oslo: 14°C rain");
    let msg = timeout(Duration::from_secs(1), sub_a.next())
        .await?
        .ok_or("subscription A ended")?;
    println!(
        "subscriber A received {}: {}",
        msg.subject,
        String::from_utf8_lossy(&msg.payload)
    );

    // Subscriber B subscribes to the same subject. Now one publish is
    // delivered twice, a copy to each subscriber. That fan-out lets a
    // single event feed a dashboard, an alerting service and an archive at
    // once, while the publisher knows none of them.
    let mut sub_b = client.subscribe("weather.oslo").await?;

    client.publish("weather.oslo", "16°C sun".into()).await?;
    println!("published weather.oslo: 16°C sun");
    for (name, sub) in [("A", &mut sub_a), ("B", &mut sub_b)] {
        let msg = timeout(Duration::from_secs(1), sub.next())
            .await?
            .ok_or("subscription ended")?;
        println!(
            "subscriber {name} received {}: {}",
            msg.subject,
            String::from_utf8_lossy(&msg.payload)
        );
    }

    // Drain the connection: the client unsubscribes everything, delivers
    // what is still buffered, flushes what we sent, and closes. `drain`
    // only hands that job to the background task and returns. A drained
    // subscription's stream ends (`next` returns `None`) when the drain is
    // complete, so waiting for that keeps `main` from returning, and tokio
    // from stopping the connection's task, before the work is done.
    client.drain().await?;
    while sub_a.next().await.is_some() {}
    Ok(())
}
