// A bucket can forget its values after a while: a TTL for the whole
// bucket, or for one key. What a watcher hears when a value expires
// depends on one more setting, the limit markers of nats-server 2.11 and
// later. In async-nats both are fields of `kv::Config` (`max_age` and
// `limit_markers`), and a key's own TTL is `Store::create_with_ttl`.
use std::time::Duration;

use async_nats::jetstream::context::{DeleteStreamErrorKind, KeyValueErrorKind};
use async_nats::jetstream::kv::{self, Operation, Watch};
use async_nats::jetstream::{self, Context, ErrorCode};
use futures::StreamExt;
use tokio::time::{sleep, timeout};

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

// Prints a watcher's next update, waiting at most four seconds.
async fn show(name: &str, watcher: &mut Watch) -> Result<(), async_nats::Error> {
    let entry = timeout(Duration::from_secs(4), watcher.next())
        .await?
        .ok_or("the watcher ended")??;
    if entry.operation == Operation::Purge {
        println!(
            "  [{name}] {} expired: the server purged it (rev {})",
            entry.key, entry.revision
        );
    } else {
        println!(
            "  [{name}] {} = '{}' (rev {})",
            entry.key,
            String::from_utf8_lossy(&entry.value),
            entry.revision
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // Start clean: delete the buckets if an interrupted run left them.
    for bucket in ["quiet", "marked"] {
        delete_bucket_if_present(&js, bucket).await?;
    }

    // Two buckets of sessions, both with `max_age` 2 s: every value is
    // removed 2 s after it was written (the bucket's stream gets the same
    // `max_age`). Each write starts its own clock, so a key that is
    // written again lives on. Only `marked` has `limit_markers` 1 s: when
    // the server removes a key's last value, it writes a marker in its
    // place, kept for 1 s. It also lets keys have TTLs of their own.
    let config = |bucket: &str, markers| kv::Config {
        bucket: bucket.into(),
        max_age: Duration::from_secs(2),
        limit_markers: markers,
        ..Default::default()
    };
    let quiet = js.create_key_value(config("quiet", None)).await?;
    let marked = js
        .create_key_value(config("marked", Some(Duration::from_secs(1))))
        .await?;
    println!("buckets quiet and marked: ttl=2s; marked also has limit_marker_ttl=1s");

    // A watcher on each bucket. `watch_all` reports the changes made from
    // now on; both buckets are empty anyway.
    let mut quiet_watch = quiet.watch_all().await?;
    let mut marked_watch = marked.watch_all().await?;

    // alice's session goes into both buckets. bob's goes into `marked`
    // only, created with its own TTL of 1 s: `create_with_ttl` sets the
    // key's `Nats-TTL`, shorter here than the bucket's.
    quiet.put("session.alice", "token-a".into()).await?;
    marked.put("session.alice", "token-a".into()).await?;
    marked
        .create_with_ttl("session.bob", "token-b".into(), Duration::from_secs(1))
        .await?;
    show("quiet", &mut quiet_watch).await?;
    show("marked", &mut marked_watch).await?;
    show("marked", &mut marked_watch).await?;

    // When bob's TTL and then alice's bucket TTL run out, the `marked`
    // watcher hears about each: async-nats reports the server's marker
    // (its `Nats-Marker-Reason` header says `MaxAge`) as an entry with the
    // operation `Purge`, like a purge by a client.
    show("marked", &mut marked_watch).await?;
    show("marked", &mut marked_watch).await?;

    // The `quiet` bucket removed alice's value just the same, and its
    // watcher heard nothing: without markers an expired value simply
    // disappears. A cache kept in sync by that watcher would keep serving
    // the stale session.
    if timeout(Duration::from_millis(500), quiet_watch.next())
        .await
        .is_err()
    {
        println!("  [quiet] nothing, though session.alice is gone");
    }

    // `get` finds neither: async-nats reads a marker as "no value", as it
    // does a deleted key.
    let lookup = |value: Option<bytes::Bytes>| match value {
        Some(value) => format!("'{}'", String::from_utf8_lossy(&value)),
        None => "not found".to_string(),
    };
    let alice_quiet = lookup(quiet.get("session.alice").await?);
    let alice_marked = lookup(marked.get("session.alice").await?);
    println!("get session.alice: quiet -> {alice_quiet}, marked -> {alice_marked}");

    // The markers have a TTL of their own, so they do not pile up like the
    // tombstones of deleted keys: a second later the bucket is empty. We
    // poll its status with a deadline, opening the bucket each time
    // because a `Store`'s `status()` reports what the handle saw when it
    // was opened (async-nats 0.51.0).
    timeout(Duration::from_secs(5), async {
        loop {
            let status = js.get_key_value("marked").await?.status().await?;
            if status.values() == 0 {
                return Ok::<(), async_nats::Error>(());
            }
            sleep(Duration::from_millis(100)).await;
        }
    })
    .await??;
    println!("a second later the markers are gone too: marked holds 0 values");

    // Clean up: drop the watchers, then delete the buckets.
    drop(quiet_watch);
    drop(marked_watch);
    for bucket in ["quiet", "marked"] {
        js.delete_key_value(bucket).await?;
    }
    Ok(())
}
