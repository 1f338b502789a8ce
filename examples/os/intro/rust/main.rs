// The object store keeps files and blobs of any size in JetStream, cut
// into chunks. In async-nats a bucket is an `object_store::ObjectStore`:
// `put` reads an object from anything that implements tokio's `AsyncRead`
// (a file, a byte slice), and `get` returns an `Object` that is itself an
// `AsyncRead`, so neither side needs the whole object in memory.
use std::time::Duration;

use async_nats::client::PublishErrorKind;
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::object_store::{
    self, GetErrorKind, ObjectMetadata, UpdateMetadata, Watch,
};
use async_nats::jetstream::{self, Context, ErrorCode};
use futures::{StreamExt, TryStreamExt};
use tokio::io::AsyncWriteExt;
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

// Prints the watcher's next update: the object's info as it now stands,
// with `deleted` set for a deletion.
async fn show_update(watcher: &mut Watch) -> Result<(), async_nats::Error> {
    let info = timeout(Duration::from_secs(2), watcher.next())
        .await?
        .ok_or("the watcher ended")??;
    if info.deleted {
        println!("  watch: {}: deleted", info.name);
    } else {
        println!(
            "  watch: {}: {} bytes, {:?}",
            info.name, info.size, info.description
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client.clone());

    // A bucket is backed by a stream called `OBJ_assets`. Other programs
    // open it with `js.get_object_store("assets")`. (Start clean: delete
    // that stream first if an interrupted run left it.)
    delete_if_present(&js, "OBJ_assets").await?;
    let store = js
        .create_object_store(object_store::Config {
            bucket: "assets".into(),
            ..Default::default()
        })
        .await?;

    // A watcher is a stream of every change to the bucket's objects: each
    // put, metadata update and delete, as it happens. `watch` starts with
    // the changes made from now on (`watch_with_history` would first list
    // the objects already there). We read one update after each step.
    let mut watcher = store.watch().await?;

    // `put` takes the object's metadata (a name converts into it) and a
    // reader; a byte slice is one. The info it returns describes what was
    // stored: the size, the number of chunks and a SHA-256 digest of the
    // content.
    let info = store
        .put("motd.txt", &mut &b"Welcome to NATS!\n"[..])
        .await?;
    println!(
        "put {}: {} bytes in {} chunk",
        info.name, info.size, info.chunks
    );
    show_update(&mut watcher).await?;

    // Why chunks: a NATS message may not exceed the server's
    // `max_payload`, 1 MiB by default, which the client learns when it
    // connects. Our report is 2.5 MiB, generated so its content (and
    // digest) is the same on every run; as one message it is refused
    // before it leaves the client, with the kind `MaxPayloadExceeded`.
    let dir = std::env::temp_dir().join(format!("os-intro-{}", std::process::id()));
    tokio::fs::create_dir_all(&dir).await?;
    let source = dir.join("report.csv");
    let report: String = (0..100_000u64)
        .map(|i| format!("{i:08},{:016}\n", i * i))
        .collect();
    tokio::fs::write(&source, &report).await?;
    println!(
        "server max_payload: {} bytes",
        client.server_info().max_payload
    );
    match client.publish("reports.raw", report.clone().into()).await {
        Err(err) if err.kind() == PublishErrorKind::MaxPayloadExceeded => println!(
            "publish {} bytes as one message -> {:?}",
            report.len(),
            err.kind()
        ),
        other => println!("publish {} bytes as one message -> {other:?}", report.len()),
    }

    // The object store cuts it up. Given an open file, `put` reads it in
    // 128 KiB chunks and publishes each as a message, so even very large
    // files never have to fit in memory. `ObjectMetadata` carries the name
    // and an optional description (and the chunk size, if you want
    // another).
    let meta = ObjectMetadata {
        name: "reports/2024-05.csv".into(),
        description: Some("monthly report".into()),
        ..Default::default()
    };
    let mut file = tokio::fs::File::open(&source).await?;
    let info = store.put(meta, &mut file).await?;
    println!(
        "put {}: {} bytes in {} chunks",
        info.name, info.size, info.chunks
    );
    println!("  digest {}", info.digest.as_deref().unwrap_or("-"));
    show_update(&mut watcher).await?;

    // `get` returns an `Object` that reassembles the chunks as it is read
    // and checks the digest at the end (a mismatch is a read error). Here
    // `tokio::io::copy` streams it into a file.
    let target = dir.join("downloaded.csv");
    let mut object = store.get("reports/2024-05.csv").await?;
    let mut out = tokio::fs::File::create(&target).await?;
    tokio::io::copy(&mut object, &mut out).await?;
    out.flush().await?;
    let same = tokio::fs::read(&target).await? == report.as_bytes();
    println!("get reports/2024-05.csv into a file: identical to the original: {same}");
    tokio::fs::remove_dir_all(&dir).await?;

    // `update_metadata` rewrites the metadata message only (here the
    // description), leaving the chunks alone, and watchers see it. The
    // `name` field can rename the object too.
    store
        .update_metadata(
            "reports/2024-05.csv",
            UpdateMetadata {
                name: "reports/2024-05.csv".into(),
                description: Some("final report".into()),
                ..Default::default()
            },
        )
        .await?;
    let info = store.info("reports/2024-05.csv").await?;
    println!(
        "update_meta: description={:?}, still {} chunks",
        info.description, info.chunks
    );
    show_update(&mut watcher).await?;

    // `delete` purges the object's chunks and leaves a marker saying it is
    // gone, so a later `get` fails with the kind `NotFound`, and watchers
    // see the deletion. `list` skips deleted objects.
    store.delete("motd.txt").await?;
    show_update(&mut watcher).await?;
    match store.get("motd.txt").await {
        Err(err) if err.kind() == GetErrorKind::NotFound => {
            println!("get motd.txt after delete: not found")
        }
        Err(err) => return Err(err.into()),
        Ok(_) => println!("get motd.txt after delete: still there"),
    }
    let names: Vec<String> = store
        .list()
        .await?
        .map_ok(|info| info.name)
        .try_collect()
        .await?;
    println!("list after delete: {names:?}");

    // Clean up: drop the watcher (it unsubscribes), and delete the bucket
    // with its stream.
    drop(watcher);
    js.delete_object_store("assets").await?;
    Ok(())
}
