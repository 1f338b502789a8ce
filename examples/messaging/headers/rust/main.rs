// Headers are part of core NATS (servers 2.2 and later). In async-nats a
// message's headers are a `HeaderMap`: names map to one or more values,
// and `publish_with_headers` / `request_with_headers` send them.
use std::time::Duration;

use async_nats::{Client, ConnectOptions, HeaderMap, Subscriber};
use futures::StreamExt;
use tokio::time::timeout;

// Waits at most a second for the next message of a subscription.
async fn next(sub: &mut Subscriber) -> Result<async_nats::Message, async_nats::Error> {
    Ok(timeout(Duration::from_secs(1), sub.next())
        .await?
        .ok_or("subscription ended")?)
}

// A `HeaderMap` is built on a hash map, so it does not keep the order in
// which headers were added. To print them the same way every time, sort
// the names.
fn sorted(headers: &HeaderMap) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = headers
        .iter()
        .flat_map(|(name, values)| values.iter().map(|v| (name.to_string(), v.to_string())))
        .collect();
    pairs.sort();
    pairs
}

// The pricing service. It reads the request's trace ID and sends it back on
// the reply, with a header of its own. `Message::headers` is an
// `Option<HeaderMap>`, so `and_then` looks inside only when there are
// headers at all; `get` returns the first value of a name. A request
// without a reply subject, or without a trace ID, is skipped.
//
// The task owns its `Subscriber` and ends when the subscription's stream
// does, which happens when `main` drains the connection.
async fn pricing(client: Client, mut requests: Subscriber) -> Result<(), async_nats::Error> {
    while let Some(request) = requests.next().await {
        let trace_id = request.headers.as_ref().and_then(|h| h.get("Trace-Id"));
        let (Some(reply), Some(trace_id)) = (request.reply, trace_id) else {
            continue;
        };
        println!("service saw Trace-Id: {trace_id}");
        let mut headers = HeaderMap::new();
        headers.insert("Trace-Id", trace_id.clone());
        headers.insert("Served-By", "pricing-1");
        client
            .publish_with_headers(reply, headers, "3.50".into())
            .await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = ConnectOptions::new()
        .request_timeout(Some(Duration::from_secs(1)))
        .connect(servers.split(',').collect::<Vec<_>>())
        .await?;

    let mut sub = client.subscribe("orders.new").await?;

    // Build the headers with `insert`, which sets a name to one value.
    // Names are checked: one with a space, a colon or a non-ASCII character
    // makes `insert` panic when given a `&str`, because a literal name is
    // part of the program; parse names that come from input with
    // `"...".parse::<HeaderName>()`, which returns an error instead. Here
    // the headers say how to decode the payload and which order it is
    // about, so a consumer can route or log the message without parsing
    // the body.
    let mut headers = HeaderMap::new();
    headers.insert("Content-Type", "application/json");
    headers.insert("Order-Id", "42");
    let payload = r#"{"item":"coffee","quantity":2}"#;
    client
        .publish_with_headers("orders.new", headers, payload.into())
        .await?;

    // On the receiving side the headers arrive as a `HeaderMap` again.
    // Names are kept exactly as sent and looked up case-sensitively, so
    // agree on one spelling (`Order-Id`, not `order-id`) across your
    // services.
    let msg = next(&mut sub).await?;
    println!("received {} with headers:", msg.subject);
    for (name, value) in sorted(msg.headers.as_ref().ok_or("no headers")?) {
        println!("  {name}: {value}");
    }
    println!("payload: {}", String::from_utf8_lossy(&msg.payload));

    // A message published without headers has `headers` set to `None`, not
    // to an empty map: the type makes you handle that case.
    client.publish("orders.new", "{}".into()).await?;
    let msg = next(&mut sub).await?;
    println!("received without headers: msg.headers is {:?}", msg.headers);

    // Headers work on requests and replies too. A common use is a trace ID
    // that every service copies along, so one request can be followed
    // through the logs of many services. The service runs in its own task,
    // with a clone of the client.
    let service = tokio::spawn(pricing(
        client.clone(),
        client.subscribe("price.coffee").await?,
    ));
    let mut headers = HeaderMap::new();
    headers.insert("Trace-Id", "trace-7f3a");
    let reply = client
        .request_with_headers("price.coffee", headers, "".into())
        .await?;
    println!("reply: {}", String::from_utf8_lossy(&reply.payload));
    let reply_headers = sorted(reply.headers.as_ref().ok_or("no headers")?);
    let shown: Vec<String> = reply_headers
        .iter()
        .map(|(n, v)| format!("{n}: {v}"))
        .collect();
    println!("reply headers: {}", shown.join(", "));

    // The NATS protocol allows a header name to appear more than once, and
    // `HeaderMap` keeps every value: `append` adds one more value to a name
    // (where `insert` would replace them), and `get_all` returns them all,
    // in the order they were sent.
    let mut headers = HeaderMap::new();
    headers.append("Tags", "fragile");
    headers.append("Tags", "gift");
    client
        .publish_with_headers("orders.new", headers, "{}".into())
        .await?;
    let msg = next(&mut sub).await?;
    let tags: Vec<String> = msg
        .headers
        .as_ref()
        .map(|h| h.get_all("Tags").map(|v| v.to_string()).collect())
        .unwrap_or_default();
    println!("Tags has {} values: {}", tags.len(), tags.join(", "));

    // Drain the connection. Both subscriptions' streams end, so the
    // service's loop finishes and its task returns; awaiting the
    // `JoinHandle` waits for that (the first `?` says whether the task ran
    // to its end, the second is its own result).
    client.drain().await?;
    while sub.next().await.is_some() {}
    service.await??;
    Ok(())
}
