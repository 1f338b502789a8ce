// A subscription in async-nats is a `Stream`, so merging several of them
// needs no NATS feature at all: `futures::stream::select_all` turns any
// number of streams into one, and a single loop reads it.
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use async_nats::client::RequestErrorKind;
use async_nats::Client;
use futures::stream::select_all;
use futures::StreamExt;
use tokio::time::timeout;

// The steps an order passes, in order, and the subject that reports each.
const STEPS: [(&str, &str); 3] = [
    ("orders.created", "created"),
    ("payments.received", "paid"),
    ("shipments.sent", "shipped"),
];

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
    let client = async_nats::connect(servers.clone()).await?;

    // One subscription per subject, then a round trip so the server knows
    // all three before anyone publishes.
    let mut subs = Vec::new();
    for (subject, _) in STEPS {
        subs.push(client.subscribe(subject).await?);
    }
    round_trip(&client).await?;

    // Merge them. `select_all` takes ownership of the three `Subscriber`s
    // and yields a message whenever any of them has one. It needs no tasks
    // of its own: it polls the three streams, taking turns, from whichever
    // task reads it (here, `main`).
    let mut merged = select_all(subs);

    // Meanwhile another service (here, one more connection) publishes the
    // events of two orders, all at once.
    //
    // What NATS guarantees: the messages of one publisher reach each
    // subscription in the order they were published. Nothing more: there
    // is no order between different publishers, and none between
    // subscriptions. Each `Subscriber` has its own buffer and `select_all`
    // takes turns between them, so the merged stream mixes the three
    // subjects in an order nobody chose: a payment can come out ahead of
    // the creation of its order, although it was published later.
    let events = [
        ("orders.created", "order-1"),
        ("orders.created", "order-2"),
        ("payments.received", "order-2"),
        ("payments.received", "order-1"),
        ("shipments.sent", "order-2"),
        ("shipments.sent", "order-1"),
    ];
    let publisher = async_nats::connect(servers).await?;
    for (subject, order) in events {
        publisher.publish(subject, order.into()).await?;
    }
    println!(
        "published {} events on {} subjects at once",
        events.len(),
        STEPS.len()
    );

    // The single place where every message is handled. Because the merged
    // order is not the publishing order, the state records which steps
    // each order has passed, not just the last message seen, and the
    // status is the furthest step. State from all three subjects lives in
    // one map, with no locking needed since only this loop touches it.
    // The loop keeps, per subject, the orders in the sequence they came,
    // which is the order NATS does guarantee. `timeout` gives the whole
    // loop a deadline, so a lost message fails the program instead of
    // hanging it.
    let mut passed: BTreeMap<String, HashSet<usize>> = BTreeMap::new();
    let mut per_subject: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut handled = 0;
    timeout(Duration::from_secs(5), async {
        while let Some(msg) = merged.next().await {
            handled += 1;
            let order = String::from_utf8_lossy(&msg.payload).into_owned();
            let step = STEPS
                .iter()
                .position(|(subject, _)| *subject == msg.subject.as_str())
                .ok_or("a message on a subject we did not ask for")?;
            passed.entry(order.clone()).or_default().insert(step);
            per_subject.entry(step).or_default().push(order);

            // A condition that depends on several subjects at once is easy
            // here: stop once every order heard of has passed all three
            // steps.
            if passed.values().all(|done| done.len() == STEPS.len()) {
                println!(
                    "every order created, paid and shipped after {handled} messages, stopping"
                );
                return Ok(());
            }
        }
        Err::<(), async_nats::Error>("the subscriptions ended".into())
    })
    .await??;

    for (step, orders) in &per_subject {
        let subject = STEPS[*step].0;
        println!("{subject:<18} in publishing order: {}", orders.join(", "));
    }
    let status: Vec<String> = passed
        .iter()
        .map(|(order, done)| {
            let furthest = done.iter().max().copied().unwrap_or(0);
            format!("{order}={}", STEPS[furthest].1)
        })
        .collect();
    println!("final status: {}", status.join(", "));

    // Dropping the merged stream drops the three `Subscriber`s inside it,
    // and each unsubscribes as it goes. Every event has arrived, so the
    // publisher has nothing in flight either: both connections can simply
    // end with `main`.
    drop(merged);
    Ok(())
}
