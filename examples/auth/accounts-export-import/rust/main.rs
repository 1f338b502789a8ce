// Accounts are NATS's unit of multi-tenancy: each account has its own
// subject namespace, and two accounts share only what one explicitly
// exports and the other explicitly imports. All of that is server
// configuration; the client side is ordinary async-nats code, and which
// account a connection belongs to depends only on the user it logs in as.
use std::time::Duration;

use async_nats::client::RequestErrorKind;
use async_nats::{Client, ConnectOptions};
use futures::StreamExt;
use tokio::time::timeout;

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

    // The user a client logs in as decides its account: `shop` belongs to
    // SHOP and `partner` to PARTNER (see server.conf).
    let shop = ConnectOptions::with_user_and_password("shop".into(), "shop-secret".into())
        .connect(servers.clone())
        .await?;
    let partner = ConnectOptions::with_user_and_password("partner".into(), "partner-secret".into())
        .connect(servers)
        .await?;

    // The shop's inventory service answers on `inventory.check`, in a task
    // of its own. It also shows the reply subject it was given: for a
    // request that crossed accounts the server substitutes a reply subject
    // of its own (starting with `_R_.`), so the requester's inbox never
    // leaks into the shop's account. A round trip makes sure the server
    // has the subscription before the partner sends to it.
    let mut checks = shop.subscribe("inventory.check").await?;
    round_trip(&shop).await?;
    let service = tokio::spawn({
        let shop = shop.clone();
        async move {
            while let Some(request) = checks.next().await {
                let item = String::from_utf8_lossy(&request.payload).into_owned();
                let Some(reply) = request.reply else { continue };
                let start: String = reply.chars().take(4).collect();
                println!("shop: inventory.check '{item}', reply subject starts with '{start}'");
                shop.publish(reply, format!("{item}: 12 in stock").into())
                    .await?;
            }
            Ok::<(), async_nats::Error>(())
        }
    });

    // The partner calls the service under the name it chose when importing
    // it. The server forwards the request into SHOP's account and routes
    // the answer back to the partner's private inbox.
    let reply = partner
        .request("shop.inventory.check", "widget".into())
        .await?;
    println!(
        "partner: request shop.inventory.check -> {}",
        String::from_utf8_lossy(&reply.payload)
    );

    // `inventory.check` in PARTNER's own namespace is a different subject
    // from the shop's, and nobody in PARTNER listens on it: the server says
    // so at once.
    match partner.request("inventory.check", "widget".into()).await {
        Err(err) if err.kind() == RequestErrorKind::NoResponders => {
            println!("partner: request inventory.check -> no responders (not in this account)")
        }
        Err(err) => return Err(err.into()),
        Ok(_) => println!("partner: request inventory.check -> answered?"),
    }

    // Now the stream. The partner listens three ways: on the imported
    // subjects (`shop.orders.>`), on the shop's original subject name
    // (`orders.>`, which in PARTNER's namespace is unrelated), and on
    // `audit.>`, which the shop never exported.
    let mut listening = Vec::new();
    for subject in ["shop.orders.>", "orders.>", "audit.>"] {
        listening.push((subject, partner.subscribe(subject).await?));
    }
    round_trip(&partner).await?;

    shop.publish("orders.created", "order 1: 1 widget".into())
        .await?;
    shop.publish("audit.login", "admin logged in".into())
        .await?;
    round_trip(&shop).await?;
    println!("shop: published orders.created and audit.login");

    // Only the exported stream arrives, renamed with the partner's prefix.
    // The others wait half a second and get nothing.
    for (subject, sub) in &mut listening {
        match timeout(Duration::from_millis(500), sub.next()).await {
            Ok(Some(msg)) => println!(
                "partner: on {subject} received {}: {}",
                msg.subject,
                String::from_utf8_lossy(&msg.payload)
            ),
            Ok(None) => return Err("subscription ended".into()),
            Err(_) => println!("partner: on {subject} nothing"),
        }
    }

    // Drain the shop's connection, which ends its service task.
    shop.drain().await?;
    service.await??;
    Ok(())
}
