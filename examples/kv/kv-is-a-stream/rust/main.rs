// A key-value bucket is not a separate storage engine: it is a stream with
// a naming convention, a few settings, and a header that marks deletes.
// This program looks underneath a bucket with async-nats's ordinary stream
// API (`Stream::get_raw_message` and the stream's `Config`) next to its
// key-value API.
use async_nats::jetstream::context::{DeleteStreamErrorKind, KeyValueErrorKind};
use async_nats::jetstream::kv::{self, Entry, Operation};
use async_nats::jetstream::stream::LastRawMessageErrorKind;
use async_nats::jetstream::{self, Context, ErrorCode};
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

// An entry as the history shows it: the value of a put, or the operation.
fn describe(entry: &Entry) -> String {
    match entry.operation {
        Operation::Put => String::from_utf8_lossy(&entry.value).into_owned(),
        Operation::Delete => "DEL".into(),
        Operation::Purge => "PURGE".into(),
    }
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // Start clean: delete the bucket if an interrupted run left it.
    delete_bucket_if_present(&js, "profiles").await?;

    // Creating bucket `profiles` creates stream `KV_profiles`, listening on
    // `$KV.profiles.>`: key `alice` is subject `$KV.profiles.alice`.
    // `history` becomes the stream's limit of messages per subject, so a
    // key's oldest revisions make way for new ones. `DiscardPolicy::New`
    // makes a full bucket (one that reached its `max_bytes`) refuse writes
    // rather than drop the oldest messages, which could be other keys'
    // current values. `deny_delete` forbids removing single messages
    // through the stream API, and `allow_rollup` lets a purge replace a
    // key's whole history (see below). async-nats also turns on
    // `allow_direct`, so that reads use direct get. The `Store` keeps its
    // `Stream` handle in the public field `stream`.
    let kv = js
        .create_key_value(kv::Config {
            bucket: "profiles".into(),
            history: 5,
            ..Default::default()
        })
        .await?;
    let config = &kv.stream.cached_info().config;
    println!(
        "bucket profiles is stream {}, subjects {}",
        config.name,
        config.subjects.join(", ")
    );
    println!(
        "  max_msgs_per_subject={} discard={:?} deny_delete={} allow_rollup_hdrs={}",
        config.max_messages_per_subject, config.discard, config.deny_delete, config.allow_rollup
    );

    // A put is a JetStream publish, and the revision is the stream
    // sequence. So a plain publish on the key's subject is a put too, and
    // the bucket API reads it back like any other value.
    kv.put("alice", "v1".into()).await?;
    kv.put("alice", "v2".into()).await?;
    js.publish("$KV.profiles.bob", "published".into())
        .await?
        .await?;
    let bob = kv.entry("bob").await?.ok_or("no bob")?;
    println!(
        "publish $KV.profiles.bob -> get bob = '{}' (rev {})",
        String::from_utf8_lossy(&bob.value),
        bob.revision
    );
    kv.put("carol", "c1".into()).await?;
    kv.put("carol", "c2".into()).await?;

    // Deleting a key cannot remove its messages (`deny_delete`), so the
    // client writes a new message on the key's subject: empty, with the
    // header `KV-Operation: DEL`. Readers treat it as "no value", and the
    // earlier revisions stay in the history. Purging writes
    // `KV-Operation: PURGE` together with `Nats-Rollup: sub`, which makes
    // the server drop every earlier message of that subject. The markers
    // themselves stay, as tombstones, until a stream purge clears out the
    // old ones.
    kv.delete("alice").await?;
    kv.purge("carol").await?;

    // Read the stream itself, message by message. Sequences 4 and 5, the
    // two values of carol, are gone: the purge rolled them up. A missing
    // sequence is the error kind `NoMessageFound`. A `HeaderMap` does not
    // keep the order of its headers, so we sort them.
    let stream = js.get_stream("KV_profiles").await?;
    let state = &stream.cached_info().state;
    println!("stream KV_profiles: {} messages", state.messages);
    for seq in state.first_sequence..=state.last_sequence {
        let msg = match stream.get_raw_message(seq).await {
            Ok(msg) => msg,
            Err(err) if err.kind() == LastRawMessageErrorKind::NoMessageFound => {
                println!("  seq {seq}: removed");
                continue;
            }
            Err(err) => return Err(err.into()),
        };
        let mut headers: Vec<String> = msg
            .headers
            .iter()
            .flat_map(|(name, values)| values.iter().map(move |v| format!("{name}: {v}")))
            .collect();
        headers.sort();
        let data = if msg.payload.is_empty() {
            "(no data)".to_string()
        } else {
            format!("'{}'", String::from_utf8_lossy(&msg.payload))
        };
        let line = format!("  seq {seq}: {} {data} {}", msg.subject, headers.join(", "));
        println!("{}", line.trim_end());
    }

    // Through the bucket API: a deleted key is not found, but its history
    // is still there, ending with the delete; a purged key keeps only the
    // purge marker; and the key listing skips both.
    if kv.get("alice").await?.is_none() {
        println!("get alice -> not found");
    }
    for key in ["alice", "carol"] {
        let history: Vec<Entry> = kv.history(key).await?.try_collect().await?;
        let shown: Vec<String> = history.iter().map(describe).collect();
        println!("history of {key}: {}", shown.join(", "));
    }
    let keys: Vec<String> = kv.keys().await?.try_collect().await?;
    println!("keys: {}", keys.join(", "));

    // Clean up: deleting the bucket deletes its stream.
    js.delete_key_value("profiles").await?;
    Ok(())
}
