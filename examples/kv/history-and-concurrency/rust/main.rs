// A key-value bucket can keep several revisions of each key, and every
// write can be made conditional on the revision the writer last saw. In
// async-nats the conditional writes are `Store::update` and
// `Store::create`; a failed condition is an error whose `kind()` says so.
use std::time::Duration;

use async_nats::jetstream::context::{DeleteStreamErrorKind, KeyValueErrorKind};
use async_nats::jetstream::kv::{self, CreateErrorKind, Entry, UpdateErrorKind};
use async_nats::jetstream::{self, Context, ErrorCode};
use futures::TryStreamExt;
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

// The value of an entry as text.
fn text(entry: &Entry) -> String {
    String::from_utf8_lossy(&entry.value).into_owned()
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // Start clean: delete the bucket if an interrupted run left it.
    delete_bucket_if_present(&js, "inventory").await?;

    // `history: 5` keeps the last five values of every key instead of just
    // the latest one (the maximum is 64). `limit_markers` lets writes give
    // a key a time to live, used for the lock at the end (it needs
    // nats-server 2.11 or later): when a key expires, the server leaves a
    // delete marker behind, kept for the duration given here.
    let kv = js
        .create_key_value(kv::Config {
            bucket: "inventory".into(),
            history: 5,
            limit_markers: Some(Duration::from_secs(1)),
            ..Default::default()
        })
        .await?;

    // Record the stock of widgets as it changes: seven writes to one key.
    for stock in [10, 9, 8, 12, 11, 10, 9] {
        kv.put("widgets", stock.to_string().into()).await?;
    }

    // `history` returns the revisions the bucket still holds, oldest
    // first, as a stream of entries. Only the last five of the seven writes
    // remain; older ones were dropped as new ones came in.
    let entries: Vec<Entry> = kv.history("widgets").await?.try_collect().await?;
    let shown: Vec<String> = entries
        .iter()
        .map(|e| format!("rev {}={}", e.revision, text(e)))
        .collect();
    println!("history of widgets: {}", shown.join(", "));

    // Any revision still held can be read directly.
    let old = kv
        .entry_for_revision("widgets", 4)
        .await?
        .ok_or("revision 4 is gone")?;
    println!("widgets at revision 4: {}", text(&old));

    // Now two clerks sell widgets at the same time. Both read the current
    // entry, and both see revision 7 with a stock of 9.
    let clerk_a = kv.entry("widgets").await?.ok_or("no widgets")?;
    let clerk_b = kv.entry("widgets").await?.ok_or("no widgets")?;
    println!(
        "clerk A and clerk B both read stock {} at rev {}",
        text(&clerk_a),
        clerk_a.revision
    );

    // `update` writes only if the key's latest revision is still the one
    // given. Clerk A is first: the condition holds and the new value gets
    // revision 8.
    let rev = kv.update("widgets", "8".into(), clerk_a.revision).await?;
    println!(
        "clerk A sells 1: update(last={}) -> rev {rev}",
        clerk_a.revision
    );

    // Clerk B's write is based on a value that no longer exists. A plain
    // `put` would silently overwrite A's sale; `update` is rejected with
    // the kind `WrongLastRevision`, so no sale is lost. Other kinds (a
    // timeout, say) are real failures and are passed up.
    match kv.update("widgets", "8".into(), clerk_b.revision).await {
        Ok(rev) => println!("clerk B sells 1: -> rev {rev}"),
        Err(err) if err.kind() == UpdateErrorKind::WrongLastRevision => println!(
            "clerk B sells 1: update(last={}) -> rejected: {}",
            clerk_b.revision,
            err.kind()
        ),
        Err(err) => return Err(err.into()),
    }

    // The fix is the usual optimistic-concurrency loop: read again, redo
    // the change on the fresh value, and try again.
    let fresh = kv.entry("widgets").await?.ok_or("no widgets")?;
    let stock: i64 = text(&fresh).parse::<i64>()? - 1;
    let rev = kv
        .update("widgets", stock.to_string().into(), fresh.revision)
        .await?;
    println!(
        "clerk B retries on rev {}: stock {stock} -> rev {rev}",
        fresh.revision
    );

    // `create` is the same check against "no value yet": it writes only
    // if the key does not exist (or was deleted), which makes it a simple
    // way to claim a name or take a lock. The second attempt fails with the
    // kind `AlreadyExists`.
    let rev = kv.create("gadgets", "100".into()).await?;
    println!("create gadgets -> rev {rev}");
    match kv.create("gadgets", "50".into()).await {
        Ok(rev) => println!("create gadgets again -> rev {rev}"),
        Err(err) if err.kind() == CreateErrorKind::AlreadyExists => {
            println!("create gadgets again -> rejected: key already exists")
        }
        Err(err) => return Err(err.into()),
    }

    // A lock taken with a plain `create` never expires: if its holder
    // crashes, the key stays and nobody can take the lock again. Give it a
    // TTL instead: `create_with_ttl` (whole seconds, at least 1) makes the
    // server remove the key by itself once the time is up, unless the
    // holder releases it first with `delete`. async-nats 0.51.0 has no TTL
    // on `update`, so a holder cannot extend its lock; choose a TTL longer
    // than the work it protects.
    kv.create_with_ttl("lock.report", "worker-1".into(), Duration::from_secs(1))
        .await?;
    println!("worker-1 takes lock.report with create_with_ttl(1 s)");
    match kv.create("lock.report", "worker-2".into()).await {
        Ok(_) => println!("worker-2 create lock.report -> taken?"),
        Err(err) if err.kind() == CreateErrorKind::AlreadyExists => {
            println!("worker-2 create lock.report -> rejected while worker-1 holds it")
        }
        Err(err) => return Err(err.into()),
    }

    // worker-1 then "crashes" and never releases the lock. worker-2 keeps
    // trying, with a deadline, and gets the lock once the TTL has expired.
    timeout(Duration::from_secs(5), async {
        loop {
            match kv.create("lock.report", "worker-2".into()).await {
                Ok(_) => return Ok(()),
                Err(err) if err.kind() == CreateErrorKind::AlreadyExists => {
                    sleep(Duration::from_millis(100)).await
                }
                Err(err) => return Err(err),
            }
        }
    })
    .await??;
    let holder = kv.get("lock.report").await?.ok_or("no lock")?;
    println!(
        "after the TTL: lock.report held by {}",
        String::from_utf8_lossy(&holder)
    );

    // Clean up: deleting the bucket deletes every key and revision.
    js.delete_key_value("inventory").await?;
    Ok(())
}
