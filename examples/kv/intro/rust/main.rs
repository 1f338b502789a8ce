// A key-value bucket gives JetStream the interface of a map: put, get and
// delete values by key. In async-nats a bucket is a `kv::Store`, opened or
// created through the JetStream `Context`. Values are `Bytes`; a key that
// has no value reads as `None`.
use async_nats::jetstream::context::{DeleteStreamErrorKind, KeyValueErrorKind};
use async_nats::jetstream::{self, kv, Context, ErrorCode};
use futures::TryStreamExt;

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

// All the keys that currently have a value. `keys()` returns them as a
// stream, in the order they were last written; we collect and sort them
// for display.
async fn keys(kv: &kv::Store) -> Result<Vec<String>, async_nats::Error> {
    let mut keys: Vec<String> = kv.keys().await?.try_collect().await?;
    keys.sort();
    Ok(keys)
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // Create a bucket for an application's settings. Behind the scenes
    // this is a stream named `KV_settings`, keeping the latest value of
    // every key. Other programs open the same bucket with
    // `js.get_key_value("settings")`. (Start clean: delete the bucket first
    // if an interrupted run left it.)
    delete_bucket_if_present(&js, "settings").await?;
    let kv = js
        .create_key_value(kv::Config {
            bucket: "settings".into(),
            ..Default::default()
        })
        .await?;
    println!("created bucket 'settings'");

    // `put` stores a value and returns the key's new revision, a number
    // that grows with every change in the bucket. Keys may contain dots,
    // which makes them hierarchical like subjects.
    for (key, value) in [
        ("theme", "dark"),
        ("language", "en"),
        ("ui.font.size", "14"),
    ] {
        let revision = kv.put(key, value.into()).await?;
        println!("put {key} = {value:?} -> revision {revision}");
    }

    // `entry` returns the key's latest `Entry`, with the value and the
    // revision that wrote it, or `None` when the key has no value.
    let entry = kv.entry("theme").await?.ok_or("theme has no value")?;
    println!(
        "get {} -> {:?} (revision {})",
        entry.key,
        String::from_utf8_lossy(&entry.value),
        entry.revision
    );

    // Putting a key again replaces its value; the revision moves on. `get`
    // returns just the value.
    let revision = kv.put("theme", "light".into()).await?;
    let value = kv.get("theme").await?.ok_or("theme has no value")?;
    println!(
        "put theme = \"light\" -> revision {revision}; get theme -> {:?}",
        String::from_utf8_lossy(&value)
    );

    println!("keys: {:?}", keys(&kv).await?);

    // `delete` removes a key. It writes a small delete marker rather than
    // erasing the past, so watchers learn about the deletion. Reading the
    // key now gives `None`, and it is gone from the key list.
    kv.delete("language").await?;
    if kv.get("language").await?.is_none() {
        println!("get language -> not found (deleted)");
    }
    println!("keys: {:?}", keys(&kv).await?);

    // The bucket's status: `values` counts the stored entries, delete
    // markers included, and `history` is how many values each key keeps
    // (one by default; see the history example). In async-nats 0.51.0 a
    // `Store`'s `status()` reports the stream info the handle fetched when
    // it was opened, so we open the bucket again for numbers that are up to
    // date.
    let status = js.get_key_value("settings").await?.status().await?;
    println!(
        "status: bucket={} values={} history={}",
        status.bucket(),
        status.values(),
        status.history()
    );

    // Clean up: deleting the bucket deletes its stream and every key.
    js.delete_key_value("settings").await?;
    Ok(())
}
