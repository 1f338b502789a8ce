// In Rust, JSON is `serde`'s job: deriving `Serialize` and `Deserialize` on
// a struct gives it an encoder and a decoder, and `serde_json` turns it into
// bytes and back. async-nats carries the bytes as `bytes::Bytes`; it never
// looks inside a payload.
use std::time::Duration;

use async_nats::Subscriber;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::error::Category;
use tokio::time::timeout;

// The message schema. Publisher and subscriber share this definition; in a
// larger system it would live in a crate both depend on. Deserialising
// fails when a field is missing or has the wrong type, so the struct is
// also the check that a payload has the expected shape.
#[derive(Debug, Serialize, Deserialize)]
struct Order {
    id: u64,
    item: String,
    quantity: u32,
}

// Decoding is where things go wrong, so keep it in one place. It turns the
// raw bytes into an `Order`, or returns a readable reason. `serde_json`
// reports every failure as one `Error` type, and `classify()` tells them
// apart: `Syntax` (and `Eof`) means the bytes are not JSON at all, `Data`
// means they are JSON of the wrong shape.
fn decode_order(payload: &[u8]) -> Result<Order, String> {
    serde_json::from_slice(payload).map_err(|err| match err.classify() {
        Category::Data => format!("JSON without the expected fields ({err})"),
        _ => format!("not valid JSON ({err})"),
    })
}

// The subscriber reads one message at a time, so the output stays in step
// with what is published. A decoding error is an ordinary value here, not a
// panic: the subscriber reports it and carries on with the next message.
async fn receive(sub: &mut Subscriber) -> Result<(), async_nats::Error> {
    let msg = timeout(Duration::from_secs(1), sub.next())
        .await?
        .ok_or("subscription ended")?;
    match decode_order(&msg.payload) {
        Ok(order) => println!("received {order:?}"),
        Err(reason) => println!("rejected: {reason}"),
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;

    // Subscribe before publishing: core NATS keeps nothing for a subscriber
    // that is not there yet.
    let mut sub = client.subscribe("orders.new").await?;

    // Encoding: `serde_json::to_vec` writes the struct as compact JSON into
    // a `Vec<u8>`, and `.into()` moves that buffer into the `Bytes` that
    // `publish` takes, without copying it. Encoding a plain struct like this
    // one cannot fail, but `to_vec` still returns a `Result`, which `?`
    // passes up.
    let order = Order {
        id: 1,
        item: "coffee".into(),
        quantity: 2,
    };
    let payload = serde_json::to_vec(&order)?;
    println!("published {}", String::from_utf8_lossy(&payload));
    client.publish("orders.new", payload.into()).await?;
    receive(&mut sub).await?;

    // NATS delivers whatever bytes it is given. A producer with a bug (or a
    // person testing with the `nats` CLI) can send text that is not JSON.
    // `serde_json` returns a syntax error, and the subscriber reports it
    // instead of crashing.
    let payload = "two coffees, please";
    println!("published {payload}");
    client.publish("orders.new", payload.into()).await?;
    receive(&mut sub).await?;

    // Valid JSON is not enough either: this one parses, but it has no
    // `item` or `quantity`. Deserialising into `Order` catches that and says
    // which field is missing. (Unknown fields such as `product` are ignored
    // unless the struct is marked `#[serde(deny_unknown_fields)]`.)
    let payload = serde_json::json!({"id": 2, "product": "tea"}).to_string();
    println!("published {payload}");
    client.publish("orders.new", payload.into()).await?;
    receive(&mut sub).await?;

    // Drain so everything in flight is handled before the program exits:
    // `drain` asks the connection's task to unsubscribe, flush and close,
    // and the subscription's stream ends (`next` returns `None`) once it
    // has. Returning from `main` earlier would stop tokio, and that task
    // with it.
    client.drain().await?;
    while sub.next().await.is_some() {}
    Ok(())
}
