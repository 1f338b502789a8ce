// A request's reply travels on an ordinary subject, the requester's
// *inbox*, and anyone allowed to subscribe to it can read the reply. This
// program shows the leak and the fix: a private inbox prefix per user,
// enforced by permissions. In async-nats the prefix is the connection
// option `custom_inbox_prefix`.
use std::time::Duration;

use async_nats::client::RequestErrorKind;
use async_nats::{Client, ConnectOptions, Event, Message};
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::time::{sleep, timeout};

type Report = (&'static str, String);

// Inbox names carry a random token of 22 characters; this hides it, so
// that the output is the same on every run.
fn hide_random(text: &str) -> String {
    text.split('.')
        .map(|token| {
            let random = token.len() == 22 && token.chars().all(|c| c.is_ascii_alphanumeric());
            if random {
                "<random>"
            } else {
                token
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

// Connects as `user`, with its inbox prefix if it has one. Permission
// violations come back asynchronously, as `Event::ServerError`s; the
// event callback forwards them, tagged with the user, over a channel, so
// that `main` can wait for each where it expects it. Requests give up
// after one second.
async fn connect(
    servers: &[&str],
    user: &'static str,
    inbox_prefix: Option<&str>,
    reports: &mpsc::UnboundedSender<Report>,
) -> Result<Client, async_nats::ConnectError> {
    let reports = reports.clone();
    let mut options = ConnectOptions::with_user_and_password(user.into(), format!("{user}-secret"))
        .request_timeout(Some(Duration::from_secs(1)))
        .event_callback(move |event| {
            let reports = reports.clone();
            async move {
                if let Event::ServerError(err) = event {
                    let _ = reports.send((user, err.to_string()));
                }
            }
        });
    if let Some(prefix) = inbox_prefix {
        options = options.custom_inbox_prefix(prefix);
    }
    options.connect(servers.to_vec()).await
}

// Waits, at most two seconds, for the next report and prints it.
async fn next_report(
    reports: &mut mpsc::UnboundedReceiver<Report>,
) -> Result<(), async_nats::Error> {
    let (user, err) = timeout(Duration::from_secs(2), reports.recv())
        .await?
        .ok_or("no connection is left to report")?;
    println!("  {user}: error: {}", hide_random(&err));
    Ok(())
}

// The bank's subscription is on another connection, and the bank may not
// publish the request that would confirm it, so the first request may
// find "no responders" for a moment; it tries again, until a deadline.
async fn request(client: &Client, payload: &'static str) -> Result<Message, async_nats::Error> {
    timeout(Duration::from_secs(5), async {
        loop {
            match client.request("bank.balance", payload.into()).await {
                Err(err) if err.kind() == RequestErrorKind::NoResponders => {
                    sleep(Duration::from_millis(50)).await
                }
                other => return Ok(other?),
            }
        }
    })
    .await?
}

fn text(msg: &Message) -> String {
    String::from_utf8_lossy(&msg.payload).into_owned()
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let servers: Vec<&str> = servers.split(',').collect();
    let (reports_tx, mut reports) = mpsc::unbounded_channel();

    // The bank answers balance requests on `bank.balance`, in a task of its
    // own.
    let bank = connect(&servers, "bank", None, &reports_tx).await?;
    let mut requests = bank.subscribe("bank.balance").await?;
    let service = tokio::spawn({
        let bank = bank.clone();
        async move {
            while let Some(request) = requests.next().await {
                let who = text(&request);
                let balance = if who == "alice" { "120 EUR" } else { "75 EUR" };
                if let Some(reply) = request.reply {
                    bank.publish(reply, format!("{who}: {balance}").into())
                        .await?;
                }
            }
            Ok::<(), async_nats::Error>(())
        }
    });

    // By default async-nats receives replies on `_INBOX.<random>.*`, and
    // the usual permission for that is `_INBOX.>`: every inbox. eve has
    // it, and subscribes to all of it. The random part hides nothing from
    // a wildcard.
    //
    // Before alice asks, eve's subscription must be in place. eve may not
    // subscribe to the bank's subjects, and the server's report of that
    // refusal also tells us it has handled the subscription before it. (A
    // request would not do as a round trip here: with `_INBOX.>` covering
    // her own reply inbox, the server's "no responders" status went to
    // that subscription instead of the request, which then timed out.)
    let eve = connect(&servers, "eve", None, &reports_tx).await?;
    let mut overheard = eve.subscribe("_INBOX.>").await?;
    let _bank_requests = eve.subscribe("bank.>").await?;
    next_report(&mut reports).await?;

    // alice connects with `custom_inbox_prefix("_INBOX.alice")`: her
    // replies come to `_INBOX.alice.<random>.<token>`, the only inboxes her
    // permissions let her subscribe to. Her request works, and eve reads
    // the answer too.
    let alice = connect(&servers, "alice", Some("_INBOX.alice"), &reports_tx).await?;
    let reply = request(&alice, "alice").await?;
    println!("alice: request bank.balance -> '{}'", text(&reply));
    let leaked = timeout(Duration::from_secs(1), overheard.next())
        .await?
        .ok_or("eve's subscription ended")?;
    let prefix: Vec<&str> = leaked.subject.split('.').take(2).collect();
    println!(
        "eve, allowed _INBOX.>, overheard on {}.*.*: '{}'",
        prefix.join("."),
        text(&leaked)
    );

    // The fix is in the permissions: each user may subscribe to its own
    // prefix only, as bob may to `_INBOX.bob.>`. His attempts to listen to
    // every inbox, or to alice's, are refused by the server; `subscribe`
    // itself succeeds, and the report follows.
    println!("bob tries to listen to other inboxes:");
    let bob = connect(&servers, "bob", None, &reports_tx).await?;
    let _everything = bob.subscribe("_INBOX.>").await?;
    next_report(&mut reports).await?;
    let _alices = bob.subscribe("_INBOX.alice.>").await?;
    next_report(&mut reports).await?;

    // The client has to play along. Without a prefix, bob's first request
    // subscribes to a default inbox his permissions forbid: the server
    // refuses the subscription, the bank's answer has nowhere to go, and
    // the request times out.
    println!("bob requests without inbox_prefix:");
    let outcome = bob.request("bank.balance", "bob".into()).await;
    next_report(&mut reports).await?;
    match outcome {
        Err(err) if err.kind() == RequestErrorKind::TimedOut => {
            println!("  bob: request bank.balance -> timed out")
        }
        Err(err) => return Err(err.into()),
        Ok(reply) => println!("  bob: request bank.balance -> '{}'", text(&reply)),
    }

    // With his prefix, it works, and no other customer can read it.
    let bob_private = connect(&servers, "bob", Some("_INBOX.bob"), &reports_tx).await?;
    let reply = request(&bob_private, "bob").await?;
    println!(
        "bob with inbox_prefix _INBOX.bob: request bank.balance -> '{}'",
        text(&reply)
    );

    // Drain the bank's connection, which ends its task.
    bank.drain().await?;
    service.await??;
    Ok(())
}
