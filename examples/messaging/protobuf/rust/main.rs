// Besides async-nats this example uses `prost`, the usual Protocol Buffers
// crate for Rust: its `Message` trait encodes and decodes, and its
// `encoding` module reads the wire format field by field. `serde_json` is
// only here to compare sizes.
use std::time::Duration;

use async_nats::Subscriber;
use futures::StreamExt;
use prost::encoding::{decode_key, skip_field, DecodeContext};
use prost::Message;
use tokio::time::timeout;

// In a real project the schema lives in a `.proto` file:
//
//     syntax = "proto3";
//     package shop;
//     message Order {
//       int64 id = 1;
//       string item = 2;
//       int32 quantity = 3;
//     }
//
// and `prost-build`, run from the crate's `build.rs`, generates a Rust
// struct for each message. What it generates is a plain struct with
// `#[derive(prost::Message)]` and a `#[prost(...)]` attribute per field,
// so we write that struct by hand here and need no `protoc`. Every other
// language generates its classes from the same file, which is what keeps
// services in sync.
//
// The field *numbers* (the tags), not the names, are what goes on the
// wire.
#[derive(Clone, PartialEq, Message)]
struct Order {
    #[prost(int64, tag = "1")]
    id: i64,
    #[prost(string, tag = "2")]
    item: String,
    #[prost(int32, tag = "3")]
    quantity: i32,
}

// A newer version of the schema, which adds `string gift_note = 4`.
#[derive(Clone, PartialEq, Message)]
struct OrderV2 {
    #[prost(int64, tag = "1")]
    id: i64,
    #[prost(string, tag = "2")]
    item: String,
    #[prost(int32, tag = "3")]
    quantity: i32,
    #[prost(string, tag = "4")]
    gift_note: String,
}

// A different message, from another part of the system.
#[derive(Clone, PartialEq, Message)]
struct Payment {
    #[prost(int64, tag = "1")]
    amount_cents: i64,
    #[prost(string, tag = "2")]
    currency: String,
}

// A one-line summary of an order (`{:?}` puts the string in quotes).
fn describe(order: &Order) -> String {
    format!(
        "id={} item={:?} quantity={}",
        order.id, order.item, order.quantity
    )
}

// prost keeps no unknown fields: decoding skips the tags the struct does
// not declare, and encoding the struct again would leave them out. To see
// what a message carried beyond our schema, walk its keys: `decode_key`
// reads a field's tag and wire type, `skip_field` steps over its value.
// Reading from a `&[u8]` advances the slice itself.
fn unknown_tags(mut bytes: &[u8], known: &[u32]) -> Result<Vec<u32>, prost::DecodeError> {
    let mut unknown = Vec::new();
    while !bytes.is_empty() {
        let (tag, wire_type) = decode_key(&mut bytes)?;
        if !known.contains(&tag) {
            unknown.push(tag);
        }
        skip_field(wire_type, tag, &mut bytes, DecodeContext::default())?;
    }
    Ok(unknown)
}

// The subscriber's side: wait at most a second for the next message.
async fn next(sub: &mut Subscriber) -> Result<async_nats::Message, async_nats::Error> {
    Ok(timeout(Duration::from_secs(1), sub.next())
        .await?
        .ok_or("subscription ended")?)
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let mut sub = client.subscribe("orders.new").await?;

    // `encode_to_vec` produces the binary encoding. It is much smaller than
    // JSON because field names are not sent, only field numbers and
    // values. Encoding into a `Vec` cannot fail, so it returns the bytes
    // directly.
    let order = Order {
        id: 1,
        item: "coffee".into(),
        quantity: 2,
    };
    let payload = order.encode_to_vec();
    let as_json =
        serde_json::to_vec(&serde_json::json!({"id": 1, "item": "coffee", "quantity": 2}))?;
    let size = payload.len();
    client.publish("orders.new", payload.into()).await?;
    println!(
        "published Order ({size} bytes; as JSON it would be {} bytes)",
        as_json.len()
    );

    // On the subscriber, `Order::decode` parses the bytes back into an
    // `Order`. It reads from anything that implements `bytes::Buf`; here a
    // slice of the message's payload. The subject does not say which type a
    // payload is: publisher and subscriber agree on it, per subject, as
    // part of their contract.
    let msg = next(&mut sub).await?;
    let received = Order::decode(&msg.payload[..])?;
    println!("received Order: {}", describe(&received));

    // Bytes that are not well-formed protobuf give a `DecodeError`, which a
    // subscriber should match on rather than pass up with `?` and let one
    // bad message stop it. Plain text usually fails this way.
    client
        .publish("orders.new", "two coffees, please".into())
        .await?;
    println!("published two coffees, please");
    let msg = next(&mut sub).await?;
    match Order::decode(&msg.payload[..]) {
        Ok(order) => println!("parsed as Order: {}", describe(&order)),
        Err(err) => println!("rejected: {err}"),
    }

    // But decoding checks only the wire format, never that the bytes were
    // meant as an `Order`. The encoding carries no type name, so another
    // message type with compatible field numbers, such as this `Payment`
    // published on the wrong subject, decodes without any error into a
    // nonsense order (as do about 2 in 100 random 12-byte strings). The
    // subject is the contract; a header naming the type, and checks on the
    // fields you rely on, catch what decoding cannot.
    let payment = Payment {
        amount_cents: 4200,
        currency: "EUR".into(),
    };
    client
        .publish("orders.new", payment.encode_to_vec().into())
        .await?;
    println!("published a Payment on orders.new by mistake");
    let msg = next(&mut sub).await?;
    let nonsense = Order::decode(&msg.payload[..])?;
    println!("parsed without error as Order: {}", describe(&nonsense));

    // Schemas evolve. Say the publisher moves to the newer schema with
    // `gift_note`, while this subscriber still runs the old code. Protobuf
    // is built for this: the old struct decodes the message and fills in
    // the fields it knows. Field 4 is skipped rather than rejected, and,
    // unlike some other languages' runtimes, prost does not keep it, so
    // re-encoding this `Order` would drop it. This is why a field number,
    // once used, must never be given a different meaning.
    let newer = OrderV2 {
        id: 2,
        item: "tea".into(),
        quantity: 1,
        gift_note: "happy birthday".into(),
    };
    client
        .publish("orders.new", newer.encode_to_vec().into())
        .await?;
    println!("published Order from the newer schema, with a gift_note");
    let msg = next(&mut sub).await?;
    let received = Order::decode(&msg.payload[..])?;
    let unknown = unknown_tags(&msg.payload, &[1, 2, 3])?;
    println!(
        "old subscriber received Order: {}, unknown fields: {unknown:?}",
        describe(&received)
    );

    // Drain, and wait for the subscription to end: then everything in
    // flight has been handled and the connection is closed.
    client.drain().await?;
    while sub.next().await.is_some() {}
    Ok(())
}
