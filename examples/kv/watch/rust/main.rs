// Watching a key-value bucket turns it from a place you poll into a feed
// of changes. In async-nats a watcher is a `kv::Watch`, a stream of
// `Entry` values; tokio's `timeout` tells us when one has nothing new.
use std::time::Duration;

use async_nats::jetstream::context::{DeleteStreamErrorKind, KeyValueErrorKind};
use async_nats::jetstream::kv::{self, Operation, Watch};
use async_nats::jetstream::{self, Context, ErrorCode};
use futures::StreamExt;
use tokio::time::timeout;

// Deletes a bucket if it exists. A bucket is the stream `KV_<bucket>`, and
// the error of `delete_key_value` carries the stream error as its source:
// `STREAM_NOT_FOUND` there is expected, any other error is passed up.
async fn delete_bucket_if_present(js: &Context, bucket: &str) -> Result<(), async_nats::Error> {
    let Err(err) = js.delete_key_value(bucket).await else {
        return Ok(());
    };
    let missing = err.kind() == KeyValueErrorKind::JetStream
        && std::error::Error::source(&err)
            .and_then(|source| source.downcast_ref::<jetstream::context::DeleteStreamError>())
            .is_some_and(|source| {
                matches!(source.kind(), DeleteStreamErrorKind::JetStream(api)
                    if api.error_code() == ErrorCode::STREAM_NOT_FOUND)
            });
    if missing {
        Ok(())
    } else {
        Err(err.into())
    }
}

// One watcher and whether it has told us it caught up.
struct Watcher {
    name: &'static str,
    updates: Watch,
    live: bool,
}

// Prints the watcher's next update. Each update is an `Entry` with the
// key, value and revision; a delete arrives as an entry whose `operation`
// is `Operation::Delete`, with no value. While a new watcher replays the
// bucket, each entry's `delta` says how many more are to come; the entry
// with nothing after it has `seen_current` set, and from then on the
// watcher is live.
async fn show(watcher: &mut Watcher) -> Result<(), async_nats::Error> {
    let entry = timeout(Duration::from_secs(2), watcher.updates.next())
        .await?
        .ok_or("the watcher ended")??;
    let name = watcher.name;
    if entry.operation == Operation::Delete {
        println!("  [{name}] {} deleted (rev {})", entry.key, entry.revision);
    } else {
        let value = String::from_utf8_lossy(&entry.value);
        println!(
            "  [{name}] {} = {value:?} (rev {})",
            entry.key, entry.revision
        );
    }
    if entry.seen_current && !watcher.live {
        watcher.live = true;
        println!("  [{name}] caught up, now live");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // A bucket holding the state of a smart home, with some values
    // already in it before anybody watches. (Start clean: delete the bucket
    // first if an interrupted run left it.)
    delete_bucket_if_present(&js, "home").await?;
    let kv = js
        .create_key_value(kv::Config {
            bucket: "home".into(),
            ..Default::default()
        })
        .await?;
    kv.put("lights.kitchen", "off".into()).await?;
    kv.put("lights.hall", "on".into()).await?;
    kv.put("thermostat", "20".into()).await?;

    // Two watchers: one on every key (`>`), one on the pattern `lights.*`.
    // Key patterns use subject wildcards, since every key is a subject in
    // the bucket's stream. Under the hood each watcher is an ordered
    // consumer on that stream.
    //
    // Mind the names in async-nats: `watch` and `watch_all` report only
    // changes made after they start. `watch_with_history` starts with the
    // current value of every matching key and then follows the changes;
    // despite its name it replays only the latest value of each key, not
    // every value the bucket keeps.
    let mut all = Watcher {
        name: "all",
        updates: kv.watch_with_history(">").await?,
        live: false,
    };
    let mut lights = Watcher {
        name: "lights",
        updates: kv.watch_with_history("lights.*").await?,
        live: false,
    };

    // A new watcher starts with the current value of every matching key,
    // then goes live. The lights watcher never hears about the thermostat.
    println!("initial values:");
    for _ in 0..3 {
        show(&mut all).await?;
    }
    for _ in 0..2 {
        show(&mut lights).await?;
    }

    // From now on, every change is pushed to the watchers whose pattern
    // matches it, as soon as it is stored.
    println!("put lights.kitchen = \"on\"");
    kv.put("lights.kitchen", "on".into()).await?;
    show(&mut all).await?;
    show(&mut lights).await?;

    println!("put thermostat = \"21\"");
    kv.put("thermostat", "21".into()).await?;
    show(&mut all).await?;

    println!("delete lights.hall");
    kv.delete("lights.hall").await?;
    show(&mut all).await?;
    show(&mut lights).await?;

    // The thermostat change never reached the lights watcher: after the
    // delete it has nothing left to report, and waiting for more runs into
    // the timeout.
    if timeout(Duration::from_millis(500), lights.updates.next())
        .await
        .is_err()
    {
        println!("  [lights] no further updates");
    }

    // Dropping the watchers unsubscribes them; the server then removes
    // their ephemeral consumers. Then clean up: deleting the bucket deletes
    // every key.
    drop(all);
    drop(lights);
    js.delete_key_value("home").await?;
    Ok(())
}
