// The system account is where nats-servers talk about themselves. Every
// server answers monitoring requests on `$SYS.REQ.>` subjects and publishes
// events (connects, disconnects, stats) on `$SYS.>`, all over plain NATS.
// A client in the system account can watch a whole deployment, every
// server of every cluster, through a single connection. The answers are
// JSON, read here into `serde_json::Value`s.
use std::time::Duration;

use async_nats::client::RequestErrorKind;
use async_nats::{Client, ConnectOptions, Subscriber};
use futures::stream::{select_all, SelectAll};
use futures::StreamExt;
use serde_json::Value;
use tokio::time::{timeout, timeout_at, Instant};

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

// Connects as a user of one account, under a connection name that the
// server's events and lists show.
async fn connect(
    servers: &[&str],
    user: &str,
    password: &str,
    name: &str,
) -> Result<Client, async_nats::ConnectError> {
    ConnectOptions::with_user_and_password(user.into(), password.into())
        .name(name)
        .connect(servers.to_vec())
        .await
}

// Waits, at most five seconds, for the next connect or disconnect event,
// and prints it. The event is JSON describing the client: its account,
// user, name, address and more. Indexing a `Value` with a missing key gives
// `Null` rather than panicking.
async fn next_event(events: &mut SelectAll<Subscriber>) -> Result<(), async_nats::Error> {
    let msg = timeout(Duration::from_secs(5), events.next())
        .await?
        .ok_or("the event subscriptions ended")?;
    let event: Value = serde_json::from_slice(&msg.payload)?;
    let kind = event["type"]
        .as_str()
        .unwrap_or("")
        .rsplit('.')
        .next()
        .unwrap_or("");
    let client = &event["client"];
    println!(
        "event {kind}: account {}, user {}, {}",
        client["acc"].as_str().unwrap_or("?"),
        client["user"].as_str().unwrap_or("?"),
        client["name"].as_str().unwrap_or("?")
    );
    Ok(())
}

// Requests on `$SYS.REQ.SERVER.PING...` go to every server, and each one
// answers, so this is scatter-gather rather than a plain request: publish
// with a reply inbox, then collect answers until half a second has passed
// (`expected` ends the wait early once we know how many servers exist).
async fn ping(
    client: &Client,
    subject: &str,
    payload: &'static str,
    expected: Option<usize>,
) -> Result<Vec<Value>, async_nats::Error> {
    let inbox = client.new_inbox();
    let mut replies = client.subscribe(inbox.clone()).await?;
    client
        .publish_with_reply(subject.to_string(), inbox, payload.into())
        .await?;
    let end = Instant::now() + Duration::from_millis(500);
    let mut answers = Vec::new();
    while expected.map_or(true, |n| answers.len() < n) {
        match timeout_at(end, replies.next()).await {
            Ok(Some(msg)) => answers.push(serde_json::from_slice(&msg.payload)?),
            Ok(None) => return Err("the inbox subscription ended".into()),
            Err(_) => break,
        }
    }
    Ok(answers)
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("?")
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let servers: Vec<&str> = servers.split(',').collect();

    // Log in as `admin`, a user of the SYS account (server.conf names SYS
    // as `system_account`).
    let monitor = connect(&servers, "admin", "admin-secret", "monitor").await?;

    // Servers announce every client that connects or disconnects, on
    // `$SYS.ACCOUNT.<account>.CONNECT` and `.DISCONNECT`. We watch the APP
    // account. (A `*` for the account would watch all of them, and could
    // even catch the announcement of this monitor's own connection, which
    // the server sends a moment after it connected.) The two subscriptions
    // are merged into one stream, which `main` reads whenever it expects
    // an event.
    let mut events = select_all([
        monitor.subscribe("$SYS.ACCOUNT.APP.CONNECT").await?,
        monitor.subscribe("$SYS.ACCOUNT.APP.DISCONNECT").await?,
    ]);
    round_trip(&monitor).await?;

    // Two application clients connect; the events above report them.
    let orders = connect(&servers, "app", "app-secret", "orders").await?;
    next_event(&mut events).await?;
    let billing = connect(&servers, "app", "app-secret", "billing").await?;
    next_event(&mut events).await?;

    // The bare PING returns each server's identity and current statistics
    // (`statsz`). Server IDs and timestamps change on every run, so we
    // print the stable fields: name, version, connection counts.
    let mut answers = ping(&monitor, "$SYS.REQ.SERVER.PING", "", None).await?;
    println!("PING: {} server(s) answered", answers.len());
    answers.sort_by(|a, b| text(&a["server"]["name"]).cmp(text(&b["server"]["name"])));
    for answer in &answers {
        let (server, stats) = (&answer["server"], &answer["statsz"]);
        println!(
            "  {}: version {}, {} connections, {} active accounts",
            text(&server["name"]),
            text(&server["ver"]),
            stats["connections"],
            stats["active_accounts"]
        );
    }
    let count = Some(answers.len());

    // `PING.<ENDPOINT>` asks every server for one of its monitoring
    // endpoints, the same data the HTTP monitoring port serves (VARZ,
    // CONNZ, ACCOUNTZ, JSZ, HEALTHZ...). The payload carries the
    // endpoint's options: for CONNZ, `auth` adds each connection's account
    // and user.
    let connz = ping(
        &monitor,
        "$SYS.REQ.SERVER.PING.CONNZ",
        r#"{"auth": true}"#,
        count,
    )
    .await?;
    for answer in &connz {
        println!("CONNZ from {}:", text(&answer["server"]["name"]));
        let connections = answer["data"]["connections"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for conn in &connections {
            println!(
                "  {}: account {}, user {}",
                text(&conn["name"]),
                text(&conn["account"]),
                text(&conn["authorized_user"])
            );
        }
    }

    for answer in ping(&monitor, "$SYS.REQ.SERVER.PING.HEALTHZ", "", count).await? {
        println!(
            "HEALTHZ from {}: {}",
            text(&answer["server"]["name"]),
            text(&answer["data"]["status"])
        );
    }

    // What can an application account ask? Every account gets three
    // system requests imported by the server, each answered about that
    // account only: `$SYS.REQ.SERVER.PING.CONNZ` and
    // `$SYS.REQ.ACCOUNT.PING.CONNZ` list its own connections, and
    // `$SYS.REQ.ACCOUNT.PING.STATZ` gives its own message and connection
    // counts. (`$SYS.REQ.USER.INFO`, who am I and with what permissions,
    // is there too.) Asking about another account, or with `auth`, still
    // only shows the caller's account: here the monitor's connection in
    // SYS does not appear.
    let reply = orders
        .request("$SYS.REQ.ACCOUNT.PING.CONNZ", r#"{"auth": true}"#.into())
        .await?;
    let answer: Value = serde_json::from_slice(&reply.payload)?;
    let mut names: Vec<&str> = answer["data"]["connections"]
        .as_array()
        .map(|conns| conns.iter().map(|c| text(&c["name"])).collect())
        .unwrap_or_default();
    names.sort();
    println!(
        "orders (account APP): $SYS.REQ.ACCOUNT.PING.CONNZ -> {}",
        names.join(", ")
    );

    // Everything else under `$SYS` is out of reach. The server-wide PING,
    // VARZ, HEALTHZ, JSZ, the events: in APP those are ordinary subjects
    // that nobody serves, so a request finds no responders.
    match orders.request("$SYS.REQ.SERVER.PING", "".into()).await {
        Err(err) if err.kind() == RequestErrorKind::NoResponders => {
            println!("orders (account APP): $SYS.REQ.SERVER.PING -> no responders")
        }
        Err(err) => return Err(err.into()),
        Ok(_) => println!("orders (account APP): $SYS.REQ.SERVER.PING -> answered?"),
    }

    // Closing a client produces a DISCONNECT event. `drain` closes the
    // billing connection (it has nothing in flight), and dropping the
    // handle lets it go.
    billing.drain().await?;
    drop(billing);
    next_event(&mut events).await?;

    // The monitor stops listening before the last client leaves, so its
    // disconnect is not part of the output: dropping the merged stream
    // unsubscribes both event subscriptions.
    drop(events);
    Ok(())
}
