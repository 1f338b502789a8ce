// async-nats runs on tokio: server calls are `async fn`s, a subscription is
// a `Stream` of messages (read with `StreamExt::next` from `futures`), and a
// service can run in its own tokio task next to the code that calls it.
// `RequestErrorKind` names the ways a request can fail.
use std::time::Duration;

use async_nats::client::RequestErrorKind;
use async_nats::{Client, ConnectOptions, Subscriber};
use futures::StreamExt;
use tokio::sync::oneshot;

// The greeting service. A service is nothing more than a subscription whose
// handler answers: each request carries a reply subject (the message's
// `reply` field), an inbox only the requester listens on, and the answer is
// an ordinary publish to it. A message without one was published, not
// requested, and gets no answer. The service subscribes to `greet.*`, so one
// handler serves `greet.joe`, `greet.sue` and any other single-token name;
// the last token of the subject is the name to greet.
//
// The task owns its `Subscriber` and runs until it is told to stop. Then it
// drains the subscription: the server forgets our interest in `greet.*`
// at once, requests already on their way are still answered, and the
// stream ends (`next` returns `None`) when there are none left.
// `tokio::select!` waits for whichever comes first, a request or the stop
// signal. A oneshot receiver completes only once, so the `if !draining`
// guard stops `select!` from polling it again after the signal came.
async fn greeter(
    client: Client,
    mut requests: Subscriber,
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
                let name = request.subject.rsplit('.').next().unwrap_or_default();
                if let Some(reply) = request.reply {
                    client.publish(reply, format!("hello, {name}").into()).await?;
                }
            }
        }
    }
}

// `main` returns `Result<(), async_nats::Error>`, a boxed error that the
// client's error types convert into, so each call can use `?`.
#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // Every example reads the server list from `NATS_URL` (comma-separated
    // when there are several), so the same program runs against the
    // recorder's servers, one on your laptop or a cluster. When it is unset
    // we fall back to the default local port.
    //
    // `ConnectOptions` is the builder for everything `connect` does not ask
    // for. Here it shortens the time a request waits for its answer from
    // the default 10 seconds to one: our service answers in well under a
    // millisecond, so a request that waits longer has gone wrong.
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = ConnectOptions::new()
        .request_timeout(Some(Duration::from_secs(1)))
        .connect(servers.split(',').collect::<Vec<_>>())
        .await?;

    // Subscribe first, then hand the subscription to the service's task.
    // `Client` is a cheap handle that can be cloned into other tasks; all
    // clones share the one connection. The `oneshot` channel is how `main`
    // will tell the service to stop.
    let requests = client.subscribe("greet.*").await?;
    let (stop, stopped) = oneshot::channel();
    let service = tokio::spawn(greeter(client.clone(), requests, stopped));

    // `request` publishes the payload with a fresh reply subject and waits
    // for the first answer, which it returns as a `Message`. If none comes
    // within the request timeout set above, it fails with a `TimedOut`
    // error, which `?` passes up.
    for name in ["joe", "sue", "bob"] {
        let reply = client.request(format!("greet.{name}"), "".into()).await?;
        println!(
            "request greet.{name} -> reply: {}",
            String::from_utf8_lossy(&reply.payload)
        );
    }

    // Stop the service and wait for its task to finish. Awaiting the
    // `JoinHandle` gives two results: one says whether the task ran to its
    // end, the other is what `greeter` returned, hence the two `?`. (`send`
    // fails only if the task has already ended, and then `service.await`
    // tells us why.) The drain's unsubscribe went out on our connection
    // before anything we send next, so from here on the server knows nobody
    // listens on `greet.*`.
    let _ = stop.send(());
    service.await??;

    // With no subscriber, the server does not let a request wait for its
    // timeout: it answers at once with a "no responders" status. async-nats
    // reports it as a `RequestError` whose `kind()` is `NoResponders`, so a
    // caller can tell "nobody is there" from "somebody is there but slow"
    // (`TimedOut`). We print the kind, whose text is "no responders"; the
    // whole error would say it twice, once for the kind and once for its
    // source. Any other error is passed up with `?`.
    match client.request("greet.joe", "".into()).await {
        Ok(reply) => println!(
            "request greet.joe -> reply: {}",
            String::from_utf8_lossy(&reply.payload)
        ),
        Err(err) if err.kind() == RequestErrorKind::NoResponders => {
            println!("request greet.joe -> error: {}", err.kind())
        }
        Err(err) => return Err(err.into()),
    }

    // Every request has had its answer and the service has stopped, so
    // nothing is in flight. When `main` returns, tokio shuts its runtime
    // down, which ends the connection's background task and closes the
    // connection.
    Ok(())
}
