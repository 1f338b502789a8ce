// Queue groups are part of core NATS: `Client::queue_subscribe` is all it
// takes. Each member below runs in its own tokio task and reports what it
// receives to `main` over a tokio `mpsc` channel, so `main` can wait for
// exactly the messages it expects, with a deadline, instead of sleeping.
use std::collections::{HashMap, HashSet};
use std::time::Duration;

use async_nats::client::RequestErrorKind;
use async_nats::{Client, Subscriber};
use futures::StreamExt;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::timeout;

// What a member tells `main`: who it is and which job it got.
type Event = (&'static str, String);

// async-nats 0.51.0 sends a subscribe without waiting for the server to
// confirm it, and its `flush` only empties the socket buffer. A request is
// a real round trip, though: one to a subject nobody serves is answered by
// the server itself with "no responders", and the server handles a
// connection's commands in order. So when that answer is back, the server
// has handled everything this connection sent before it.
async fn round_trip(client: &Client) -> Result<(), async_nats::Error> {
    match client.request(client.new_inbox(), "".into()).await {
        Err(err) if err.kind() == RequestErrorKind::NoResponders => Ok(()),
        Err(err) => Err(err.into()),
        Ok(_) => Err("an inbox nobody serves got an answer".into()),
    }
}

// One member: a task that owns its connection and its subscription, and
// forwards every job to `main` until it is told to stop. Stopping drains
// the subscription: the client unsubscribes and the stream ends (`next`
// returns `None`) once the messages already delivered are handed out. The
// round trip after that makes sure the server has handled the unsubscribe
// before the task reports that it has stopped. When the task returns, it
// drops its `Client` and `Subscriber`, the last handles to that
// connection, and the connection closes.
async fn member(
    name: &'static str,
    client: Client,
    mut jobs: Subscriber,
    events: mpsc::Sender<Event>,
    mut stop: oneshot::Receiver<()>,
) -> Result<(), async_nats::Error> {
    let mut draining = false;
    loop {
        tokio::select! {
            _ = &mut stop, if !draining => {
                jobs.drain().await?;
                draining = true;
            }
            job = jobs.next() => {
                let Some(job) = job else { break };
                let job = String::from_utf8_lossy(&job.payload).into_owned();
                events.send((name, job)).await?;
            }
        }
    }
    round_trip(&client).await
}

// A running member: the sender that stops it and the handle of its task.
struct Running {
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), async_nats::Error>>,
}

impl Running {
    // Awaiting a `JoinHandle` gives two results: whether the task ran to
    // its end, and what the task itself returned; `??` checks both.
    async fn stop(self) -> Result<(), async_nats::Error> {
        let _ = self.stop.send(());
        self.task.await??;
        Ok(())
    }
}

// Receives events until `done` says enough have arrived, or fails after
// five seconds. `recv` returns `None` only if every sender is gone.
async fn collect(
    events: &mut mpsc::Receiver<Event>,
    got: &mut Vec<Event>,
    done: impl Fn(&[Event]) -> bool,
) -> Result<(), async_nats::Error> {
    timeout(Duration::from_secs(5), async {
        while !done(got) {
            got.push(events.recv().await.ok_or("every member has stopped")?);
        }
        Ok::<_, async_nats::Error>(())
    })
    .await?
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let servers: Vec<&str> = servers.split(',').collect();
    let (events_tx, mut events) = mpsc::channel(64);

    // Each worker would normally be its own process, so each gets its own
    // connection here. `queue_subscribe` with the group name `workers`
    // makes the subscription a member of that queue group: all three use
    // the same subject and group name, and that is all it takes to share
    // the work. A round trip on each connection makes sure the server knows
    // every member before the first job is published.
    let mut workers = HashMap::new();
    for name in ["worker-1", "worker-2", "worker-3"] {
        let client = async_nats::connect(servers.clone()).await?;
        let jobs = client.queue_subscribe("jobs", "workers".into()).await?;
        round_trip(&client).await?;
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(member(name, client, jobs, events_tx.clone(), stopped));
        workers.insert(name, Running { stop, task });
    }

    // An ordinary subscription on the same subject is not affected by the
    // group: it still receives every message. Typical uses are auditing or
    // metrics next to the workers.
    let client = async_nats::connect(servers.clone()).await?;
    let jobs = client.subscribe("jobs").await?;
    round_trip(&client).await?;
    let (stop, stopped) = oneshot::channel();
    let task = tokio::spawn(member("monitor", client, jobs, events_tx, stopped));
    let monitor = Running { stop, task };

    // The publisher connects once everyone is listening. It publishes 30
    // jobs, then we wait until the group and the monitor have each
    // received 30 messages.
    let publisher = async_nats::connect(servers.clone()).await?;
    for i in 1..=30 {
        publisher.publish("jobs", format!("job-{i}").into()).await?;
    }
    println!("published 30 jobs");
    let mut got = Vec::new();
    collect(&mut events, &mut got, |got| {
        got.iter().filter(|(who, _)| *who != "monitor").count() == 30
            && got.iter().filter(|(who, _)| *who == "monitor").count() == 30
    })
    .await?;
    let (seen, handled): (Vec<Event>, Vec<Event>) =
        got.into_iter().partition(|(who, _)| *who == "monitor");

    // Each job reached exactly one member: none is missing and none was
    // handled twice. How many each worker got varies from run to run (the
    // server picks a member at random), but every worker got a share and
    // the shares add up. (With 30 jobs, the chance that one of three
    // members gets none is about 1 in 60,000.)
    let distinct: HashSet<&String> = handled.iter().map(|(_, job)| job).collect();
    println!(
        "queue group handled {} jobs, {} of them twice",
        handled.len(),
        handled.len() - distinct.len()
    );
    let mut per_worker: HashMap<&str, usize> = HashMap::new();
    for (who, _) in &handled {
        *per_worker.entry(who).or_default() += 1;
    }
    println!(
        "workers that got a share: {} of {}",
        per_worker.len(),
        workers.len()
    );
    println!(
        "jobs per worker vary from run to run, but add up to {}",
        per_worker.values().sum::<usize>()
    );

    // The monitor, outside the group, got its own copy of every job. The
    // server delivers each message once to every queue group and once to
    // every plain subscription.
    let seen: HashSet<&String> = seen.iter().map(|(_, job)| job).collect();
    println!("monitor (no queue group) saw {} jobs", seen.len());

    // Now two workers shut down. Draining lets each finish what it already
    // received and removes its membership from the server.
    for name in ["worker-2", "worker-3"] {
        workers.remove(name).ok_or("no such worker")?.stop().await?;
        println!("{name} stopped");
    }

    // With one member left, the group keeps working: worker-1 gets every
    // new job. Nothing had to be reconfigured; the server just has fewer
    // members to choose from. (The monitor's copies arrive on the same
    // channel; we count the group's.)
    for i in 31..=40 {
        publisher.publish("jobs", format!("job-{i}").into()).await?;
    }
    println!("published 10 more jobs");
    let mut got = Vec::new();
    collect(&mut events, &mut got, |got| {
        got.iter().filter(|(who, _)| *who != "monitor").count() == 10
    })
    .await?;
    let by_worker_1 = got.iter().filter(|(who, _)| *who == "worker-1").count();
    println!("worker-1 handled {by_worker_1} of them");

    // Stop the last worker and the monitor. The publisher has nothing in
    // flight (every job it sent has arrived), so dropping it when `main`
    // returns is enough.
    workers
        .remove("worker-1")
        .ok_or("no such worker")?
        .stop()
        .await?;
    monitor.stop().await?;
    Ok(())
}
