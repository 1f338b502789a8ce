// Users and passwords: the server knows each user by name, checks the
// password when the client connects, then applies that user's permissions
// to every publish and subscribe. In async-nats the credentials are a
// `ConnectOptions` setting, and what the server reports later arrives as
// an `Event` on the connection's event callback.
use std::time::Duration;

use async_nats::{Client, ConnectOptions, Event};
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::time::timeout;

// A report the server sent one of our connections: the user, and the error.
type Report = (&'static str, String);

// Connects as `user`. The event callback is an async closure that the
// connection's background task calls for every event: connected,
// disconnected, and errors the server reports with an `-ERR` line. It
// forwards the server's errors, tagged with the user's name, over a
// channel, so `main` can wait for each one at the point where it expects
// it. The closure is called once per event, so it clones the sender into
// each call.
async fn connect(
    servers: &[&str],
    user: &'static str,
    password: &str,
    reports: mpsc::UnboundedSender<Report>,
) -> Result<Client, async_nats::ConnectError> {
    ConnectOptions::with_user_and_password(user.into(), password.into())
        .event_callback(move |event| {
            let reports = reports.clone();
            async move {
                if let Event::ServerError(err) = event {
                    let _ = reports.send((user, err.to_string()));
                }
            }
        })
        .connect(servers.to_vec())
        .await
}

// Waits, at most two seconds, for the next report and prints it.
async fn next_report(
    reports: &mut mpsc::UnboundedReceiver<Report>,
) -> Result<(), async_nats::Error> {
    let (user, err) = timeout(Duration::from_secs(2), reports.recv())
        .await?
        .ok_or("no connection is left to report")?;
    println!("{user}: error: {err}");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let servers: Vec<&str> = servers.split(',').collect();
    let (reports_tx, mut reports) = mpsc::unbounded_channel();

    // First, a wrong password. The server answers the CONNECT with
    // "Authorization Violation" and closes the connection; `connect` fails
    // with a `ConnectError` of kind `AuthorizationViolation`. (By default
    // async-nats does not retry a first connection that fails.)
    match connect(&servers, "web", "not-the-password", reports_tx.clone()).await {
        Ok(_) => println!("connect as web with a wrong password -> connected?"),
        Err(err) => println!("connect as web with a wrong password -> {}", err.kind()),
    }

    // Now connect both users with their real passwords. They go into the
    // CONNECT message (so use TLS when the network is not trusted); they
    // can also be written in the URL as `nats://web:web-secret@host:4222`.
    let web = connect(&servers, "web", "web-secret", reports_tx.clone()).await?;
    let orders = connect(&servers, "orders", "orders-secret", reports_tx).await?;
    println!("connected as web and as orders");

    // The order service subscribes to `orders.>`, which its permissions
    // allow, and answers each order in a task of its own. It may publish
    // nothing at all, except that `allow_responses` lets it answer each
    // request it receives, once, on that request's reply subject.
    let mut requests = orders.subscribe("orders.>").await?;
    let service = tokio::spawn({
        let orders = orders.clone();
        async move {
            while let Some(request) = requests.next().await {
                if let Some(reply) = request.reply {
                    let answer = format!(
                        "order accepted: {}",
                        String::from_utf8_lossy(&request.payload)
                    );
                    orders.publish(reply, answer.into()).await?;
                }
            }
            Ok::<(), async_nats::Error>(())
        }
    });

    // Subscribing outside its permissions does not fail the call either:
    // `subscribe` returns a `Subscriber` as usual (one that will never
    // receive anything), and the server reports a permissions violation.
    // The server handles a connection's commands in order, so once this
    // report is in, the allowed subscription before it is in place too.
    // (async-nats has no flush that waits for the server, and this user
    // may not publish the request that would make a round trip.)
    let _refused = orders.subscribe("payments.>").await?;
    next_report(&mut reports).await?;

    // The web user may publish to `orders.>` and subscribe to `_INBOX.>`,
    // which is exactly what a request needs: publish the question, receive
    // the answer on a private inbox.
    let reply = web.request("orders.new", "2 coffees".into()).await?;
    println!(
        "web: request orders.new -> {}",
        String::from_utf8_lossy(&reply.payload)
    );

    // Publishing outside its permissions does not fail the call. The server
    // drops the message and reports a permissions violation, which we wait
    // for; the connection stays open.
    web.publish("admin.shutdown", "now".into()).await?;
    next_report(&mut reports).await?;

    // Even with `allow_responses`, the service cannot publish on its own.
    orders.publish("orders.shipped", "order 1".into()).await?;
    next_report(&mut reports).await?;

    // Drain the service's connection: its subscriptions end, and with them
    // the service's task, which we wait for.
    orders.drain().await?;
    service.await??;
    Ok(())
}
