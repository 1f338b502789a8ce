// Scatter-gather is built from core NATS pieces: a subscription on a fresh
// inbox, a publish that names it as the reply subject, and tokio's timers
// to put a deadline on the gathering.
use std::time::Duration;

use async_nats::client::RequestErrorKind;
use async_nats::{Client, StatusCode, Subscriber};
use futures::StreamExt;
use tokio::sync::oneshot;
use tokio::time::{sleep, timeout_at, Instant};

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

// One shop: a task with its own subscription to `quote.coffee`. The shops
// use plain subscriptions, not a queue group, so every one of them
// receives each request. For each request it takes its time (`sleep`
// stands in for looking up the price), then publishes the answer to the
// request's reply subject.
//
// A shop handles one request at a time: while it sleeps, the stop signal
// is not looked at, so a stop lets the answer in progress go out first.
// Then the shop drains its subscription and answers what is still
// buffered; its stream ends (`next` returns `None`) when nothing is left.
async fn shop(
    client: Client,
    mut requests: Subscriber,
    name: &'static str,
    delay: Duration,
    price: &'static str,
    mut stop: oneshot::Receiver<()>,
) -> Result<(), async_nats::Error> {
    let mut draining = false;
    loop {
        tokio::select! {
            _ = &mut stop, if !draining => {
                requests.drain().await?;
                draining = true;
            }
            request = requests.next() => {
                let Some(request) = request else { return Ok(()) };
                sleep(delay).await;
                if let Some(reply) = request.reply {
                    client.publish(reply, format!("{name} {price}").into()).await?;
                }
            }
        }
    }
}

// The gather side. `new_inbox` returns a unique subject (`_INBOX.` plus a
// random ID) that only this requester listens on. Subscribing to it
// *before* publishing ensures no early reply is missed; both go out on one
// connection, in order. `publish_with_reply` sends the request with the
// inbox as its reply subject, which is what `request.reply` is on the
// shops' side.
//
// `timeout_at` bounds each wait by the one deadline for the whole round,
// and the loop also stops once `max_replies` have arrived.
//
// If nobody at all is subscribed to the subject, the server says so at
// once: it sends the inbox a message with no payload and the status 503.
// `Client::request` turns that into a `NoResponders` error; here we read
// the inbox ourselves, so we check `msg.status`, or the status would be
// taken for an (empty) reply.
async fn scatter_gather(
    client: &Client,
    subject: &str,
    deadline: Duration,
    max_replies: Option<usize>,
) -> Result<Vec<(String, f64)>, async_nats::Error> {
    let inbox = client.new_inbox();
    let mut replies = client.subscribe(inbox.clone()).await?;
    client
        .publish_with_reply(subject.to_string(), inbox, "".into())
        .await?;

    let end = Instant::now() + deadline;
    let mut quotes = Vec::new();
    while max_replies.map_or(true, |max| quotes.len() < max) {
        let msg = match timeout_at(end, replies.next()).await {
            Err(_) => break, // the deadline passed
            Ok(None) => return Err("the inbox subscription ended".into()),
            Ok(Some(msg)) => msg,
        };
        if msg.status == Some(StatusCode::NO_RESPONDERS) {
            println!("nobody answers {subject}: no responders");
            break;
        }
        // A reply is `<shop> <price>`; a malformed one ends the round with
        // an error.
        let text = String::from_utf8_lossy(&msg.payload);
        let (name, price) = text.split_once(' ').ok_or("a reply without a price")?;
        quotes.push((name.to_string(), price.parse()?));
    }

    // Stop listening. Any reply that arrives later finds no interest on the
    // inbox and is dropped by the server. (Dropping the `Subscriber` would
    // unsubscribe too, but without telling us if it failed.)
    replies.unsubscribe().await?;
    Ok(quotes)
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let servers: Vec<&str> = servers.split(',').collect();

    // Four shops answer price requests. They share one connection here
    // (each task gets a clone of the `Client`); they could just as well be
    // four separate programs. Each takes a different time to answer;
    // `slow-brew` is so slow that it will miss the requester's deadline.
    let shops = async_nats::connect(servers.clone()).await?;
    let prices = [
        ("cafe-corner", 50, "3.40"),
        ("daily-grind", 100, "2.90"),
        ("bean-barn", 200, "3.10"),
        ("slow-brew", 1000, "2.50"),
    ];
    let mut running = Vec::new();
    for (name, millis, price) in prices {
        let requests = shops.subscribe("quote.coffee").await?;
        let (stop, stopped) = oneshot::channel();
        let delay = Duration::from_millis(millis);
        let task = tokio::spawn(shop(shops.clone(), requests, name, delay, price, stopped));
        running.push((stop, task));
    }
    round_trip(&shops).await?;

    // The requester is a separate client with its own connection.
    let client = async_nats::connect(servers).await?;

    // First round: wait 0.5 s and take whatever has arrived. Three shops
    // make it; `slow-brew` does not, and the requester does not wait for
    // it. Replies arrive in whatever order the shops finish, so sort them
    // before printing.
    let mut quotes =
        scatter_gather(&client, "quote.coffee", Duration::from_millis(500), None).await?;
    quotes.sort_by(|a, b| a.0.cmp(&b.0));
    println!("gathered {} quotes before the deadline:", quotes.len());
    for (name, price) in &quotes {
        println!("  {name}: {price:.2}");
    }
    let (name, price) = quotes
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .ok_or("no quotes")?;
    println!("cheapest: {name} at {price:.2}");

    // Second round: stop as soon as two replies are in. This trades
    // completeness for latency, for example when any two answers are
    // enough to go on. The two fastest shops answer first.
    let quotes =
        scatter_gather(&client, "quote.coffee", Duration::from_millis(500), Some(2)).await?;
    let mut names: Vec<&str> = quotes.iter().map(|(name, _)| name.as_str()).collect();
    names.sort();
    println!(
        "gathered the first {} quotes: {}",
        quotes.len(),
        names.join(", ")
    );

    // Third round: no shop sells tea. Instead of waiting out the deadline,
    // the gatherer learns at once that nobody is listening.
    let quotes = scatter_gather(&client, "quote.tea", Duration::from_millis(500), None).await?;
    println!("gathered {} tea quotes", quotes.len());

    // Stop the shops and wait for their tasks: `slow-brew` still answers
    // the requests it is working on, late answers that nobody receives
    // anymore. After that nothing is in flight, and the connections close
    // when `main` returns and tokio shuts down.
    for (stop, task) in running {
        let _ = stop.send(());
        task.await??;
    }
    Ok(())
}
