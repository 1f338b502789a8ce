// A push consumer with a *deliver group* spreads its messages over several
// subscribers, like a core NATS queue group, but with JetStream's storage
// and acknowledgements behind it. Each worker below is a tokio task that
// reads the consumer's `Messages` stream and reports to `main` over an
// `mpsc` channel.
use std::collections::HashMap;
use std::time::Duration;

use async_nats::jetstream::consumer::{push, PushConsumer};
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::Config;
use async_nats::jetstream::{self, Context, ErrorCode};
use futures::StreamExt;
use tokio::sync::{mpsc, oneshot};
use tokio::time::timeout;

// Deletes a stream if it exists: the server's `STREAM_NOT_FOUND` answer is
// expected, any other error is passed up.
async fn delete_if_present(js: &Context, name: &str) -> Result<(), async_nats::Error> {
    match js.delete_stream(name).await {
        Ok(_) => Ok(()),
        Err(err) => match err.kind() {
            DeleteStreamErrorKind::JetStream(api)
                if api.error_code() == ErrorCode::STREAM_NOT_FOUND =>
            {
                Ok(())
            }
            _ => Err(err.into()),
        },
    }
}

// One worker: it acknowledges each order and tells `main` who handled
// which. It stops when told to; dropping its `Messages` stream then leaves
// the group (it unsubscribes). Anything still in its buffer would be
// redelivered to the others after the ack wait, which is why `main` only
// stops a worker once every order so far has been handled.
async fn worker(
    name: &'static str,
    mut messages: push::Messages,
    handled: mpsc::Sender<(&'static str, String)>,
    mut stop: oneshot::Receiver<()>,
) -> Result<(), async_nats::Error> {
    loop {
        tokio::select! {
            _ = &mut stop => return Ok(()),
            msg = messages.next() => {
                let Some(msg) = msg else { return Ok(()) };
                let msg = msg?;
                msg.ack().await?;
                handled.send((name, msg.subject.to_string())).await?;
            }
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // Connect and get a JetStream context, as every JetStream example does
    // (the JetStream introduction explains the context).
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client.clone());

    // Start clean: delete the stream if an interrupted run left it. Then
    // create a stream for orders.
    delete_if_present(&js, "ORDERS").await?;
    let stream = js
        .create_stream(Config {
            name: "ORDERS".into(),
            subjects: vec!["orders.>".into()],
            ..Default::default()
        })
        .await?;

    // One durable push consumer, `processors`, whose `deliver_group` names
    // the queue group that receives its messages on `deliver.processors`.
    let mut consumer: PushConsumer = stream
        .create_consumer(push::Config {
            durable_name: Some("processors".into()),
            deliver_subject: "deliver.processors".into(),
            deliver_group: Some("processors".into()),
            ..Default::default()
        })
        .await?;

    // Each call to `messages()` makes a queue subscription to the deliver
    // subject in the consumer's group (async-nats reads the group from the
    // consumer's config), so three calls make three members. The server
    // hands each message to one of them.
    let (handled_tx, mut handled) = mpsc::channel(64);
    let mut workers = HashMap::new();
    for name in ["worker-1", "worker-2", "worker-3"] {
        let (stop, stopped) = oneshot::channel();
        let messages = consumer.messages().await?;
        let task = tokio::spawn(worker(name, messages, handled_tx.clone(), stopped));
        workers.insert(name, (stop, task));
    }

    // Publish 30 orders and wait, with a deadline, until the group has
    // handled them. Which worker gets which order is up to the server and
    // changes from run to run, so we print totals: every order handled
    // exactly once, and every worker got a share.
    let mut per_worker: HashMap<&str, usize> = HashMap::new();
    let mut per_order: HashMap<String, usize> = HashMap::new();
    for i in 1..=30 {
        js.publish(format!("orders.{i}"), format!("order {i}").into())
            .await?
            .await?;
    }
    timeout(Duration::from_secs(5), async {
        while per_order.values().sum::<usize>() < 30 {
            let (name, subject) = handled.recv().await.ok_or("every worker stopped")?;
            *per_worker.entry(name).or_default() += 1;
            *per_order.entry(subject).or_default() += 1;
        }
        Ok::<(), async_nats::Error>(())
    })
    .await??;
    let total: usize = per_order.values().sum();
    println!("handled {total} orders, {} distinct", per_order.len());
    let twice = per_order.values().filter(|n| **n > 1).count();
    println!("orders handled more than once: {twice}");
    println!("workers that got a share: {} of 3", per_worker.len());

    // Scaling down is just leaving the group. Stop worker-3 and wait for
    // its task to end: then its stream has been dropped and its unsubscribe
    // is queued on the connection ahead of anything we send next. Publish
    // 20 more orders, and the two remaining workers take all of them.
    let (stop, task) = workers.remove("worker-3").ok_or("no worker-3")?;
    let _ = stop.send(());
    task.await??;
    let worker3_before = per_worker["worker-3"];
    for i in 31..=50 {
        js.publish(format!("orders.{i}"), format!("order {i}").into())
            .await?
            .await?;
    }
    timeout(Duration::from_secs(5), async {
        while per_order.values().sum::<usize>() < 50 {
            let (name, subject) = handled.recv().await.ok_or("every worker stopped")?;
            *per_worker.entry(name).or_default() += 1;
            *per_order.entry(subject).or_default() += 1;
        }
        Ok::<(), async_nats::Error>(())
    })
    .await??;
    let total: usize = per_order.values().sum();
    println!(
        "after worker-3 left: handled {total} orders, {} distinct",
        per_order.len()
    );
    println!(
        "new orders taken by worker-3: {}",
        per_worker["worker-3"] - worker3_before
    );

    // The consumer itself is an ordinary durable consumer with a deliver
    // group. Every stored order has been delivered, none is pending.
    let info = consumer.info().await?;
    println!(
        "consumer {}: deliver_group={} delivered={} num_pending={}",
        info.name,
        info.config.deliver_group.as_deref().unwrap_or("-"),
        info.delivered.stream_sequence,
        info.num_pending
    );

    // async-nats has no separate "bind" that a client could refuse: every
    // `messages()` call joins the group. A plain core subscription on the
    // deliver subject is another matter. The server delivers to the group
    // and also to any plain subscriber of that subject, so an outsider
    // gets a copy of each message, while one member still handles it.
    // (The copy keeps the subject it was published on.) Keep deliver
    // subjects private; permissions can enforce it.
    let mut outsider = client.subscribe("deliver.processors").await?;
    js.publish("orders.51", "order 51".into()).await?.await?;
    let copy = timeout(Duration::from_secs(2), outsider.next())
        .await?
        .ok_or("the outsider's subscription ended")?;
    println!(
        "outsider on deliver.processors got a copy of {}",
        copy.subject
    );

    // Clean up: stop the workers and delete the stream, which deletes the
    // consumer too.
    for (stop, task) in workers.into_values() {
        let _ = stop.send(());
        task.await??;
    }
    js.delete_stream("ORDERS").await?;
    Ok(())
}
