// An object store keeps, next to each object's chunks, one small metadata
// message: name, size, digest, description, headers. Watching a bucket
// means following those messages, changing metadata means replacing one,
// and a link is an object that has nothing but metadata. async-nats has a
// call for each: `watch_with_history`, `update_metadata` and `add_link`.
use std::time::Duration;

use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::object_store::{self, GetErrorKind, UpdateMetadata, Watch};
use async_nats::jetstream::{self, Context, ErrorCode};
use futures::StreamExt;
use tokio::io::AsyncReadExt;
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

async fn stored(js: &Context) -> Result<u64, async_nats::Error> {
    Ok(js
        .get_stream("OBJ_assets")
        .await?
        .cached_info()
        .state
        .messages)
}

// Prints the watcher's next update, an `ObjectInfo` read from the
// metadata message. A `HeaderMap` does not keep the order of its headers,
// so they are sorted.
async fn show_update(watcher: &mut Watch) -> Result<(), async_nats::Error> {
    let info = timeout(Duration::from_secs(2), watcher.next())
        .await?
        .ok_or("the watcher ended")??;
    if info.deleted {
        println!("  watch: {} deleted", info.name);
        return Ok(());
    }
    let mut details = vec![format!("{} bytes", info.size)];
    if let Some(description) = info.description.filter(|d| !d.is_empty()) {
        details.push(format!("'{description}'"));
    }
    let mut headers: Vec<String> = info
        .headers
        .iter()
        .flat_map(|headers| headers.iter())
        .map(|(name, values)| {
            let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
            format!("{name}: {}", values.join(", "))
        })
        .collect();
    headers.sort();
    details.extend(headers);
    println!("  watch: {}: {}", info.name, details.join(", "));
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // Start clean: delete the buckets (their streams `OBJ_<bucket>`) if an
    // interrupted run left them.
    for bucket in ["assets", "releases"] {
        delete_if_present(&js, &format!("OBJ_{bucket}")).await?;
    }
    let bucket = |name: &str| object_store::Config {
        bucket: name.into(),
        ..Default::default()
    };
    let assets = js.create_object_store(bucket("assets")).await?;
    let releases = js.create_object_store(bucket("releases")).await?;

    // A 300 KiB logo, the same bytes on every run. async-nats cuts it into
    // 128 KiB chunks: three chunk messages plus one metadata message.
    let logo: Vec<u8> = (0..=255u8).cycle().take(256 * 1200).collect();
    let info = assets.put("logo.png", &mut logo.as_slice()).await?;
    println!(
        "put logo.png: {} bytes in {} chunks",
        info.size, info.chunks
    );
    println!("OBJ_assets holds {} messages", stored(&js).await?);

    // `watch_with_history` first reports the objects already there (the
    // latest metadata of each), then every change as it happens. Unlike
    // some clients, async-nats sends no marker between the two; `watch`
    // would skip the objects already there.
    let mut watcher = assets.watch_with_history().await?;
    show_update(&mut watcher).await?;

    // `update_metadata` publishes a new metadata message for the object
    // and the stream's rollup drops the old one: the chunks are not
    // touched, and the stream holds as many messages as before. A
    // different `name` would rename the object. `UpdateMetadata` also has
    // `headers` and `metadata` fields, but async-nats 0.51.0 writes only
    // the name and the description and leaves the rest as it was; headers
    // can be given when the object is put (`ObjectMetadata::headers`).
    assets
        .update_metadata(
            "logo.png",
            UpdateMetadata {
                name: "logo.png".into(),
                description: Some("company logo".into()),
                ..Default::default()
            },
        )
        .await?;
    println!("update_meta logo.png: a description");
    show_update(&mut watcher).await?;
    println!("OBJ_assets still holds {} messages", stored(&js).await?);

    // A link is an object whose metadata points at another object, here in
    // another bucket; reading the link reads the target. `add_link` takes
    // the target's `ObjectInfo` (from `put` or `info`). The `Object` that
    // `get` returns describes the target, and is read like any
    // `AsyncRead`; `read_to_end` collects it.
    let target = assets.info("logo.png").await?;
    releases.add_link("current-logo", &target).await?;
    let mut object = releases.get("current-logo").await?;
    let (bucket, name) = (object.info().bucket.clone(), object.info().name.clone());
    let mut data = Vec::new();
    object.read_to_end(&mut data).await?;
    println!(
        "get releases/current-logo -> {bucket}/{name}: {} bytes, identical: {}",
        data.len(),
        data == logo
    );

    // Putting `logo.png` again replaces it: new chunks, and new metadata
    // (the description is gone, since this put gave none).
    // The link names an object, not a version, so it now reads the new
    // logo.
    let info = assets.put("logo.png", &mut &logo[..2048]).await?;
    println!("put logo.png again: {} bytes", info.size);
    show_update(&mut watcher).await?;
    let mut data = Vec::new();
    releases
        .get("current-logo")
        .await?
        .read_to_end(&mut data)
        .await?;
    println!("get releases/current-logo: {} bytes", data.len());

    // Deleting the target leaves the link dangling: reading it fails with
    // the kind `NotFound`, as if the object had never been there.
    assets.delete("logo.png").await?;
    println!("delete logo.png");
    show_update(&mut watcher).await?;
    match releases.get("current-logo").await {
        Err(err) if err.kind() == GetErrorKind::NotFound => {
            println!("get releases/current-logo: not found")
        }
        Err(err) => return Err(err.into()),
        Ok(_) => println!("get releases/current-logo: still there?"),
    }

    // Clean up: drop the watcher, then delete both buckets.
    drop(watcher);
    for bucket in ["assets", "releases"] {
        js.delete_object_store(bucket).await?;
    }
    Ok(())
}
