// Since nats-server 2.11 a message can carry its own time to live, and a
// stream can leave a *delete marker* behind when the last message of a
// subject expires, so consumers hear about it. async-nats has both: the
// stream settings `allow_message_ttl` and `subject_delete_marker_ttl`, and
// `PublishMessage::ttl` for a message.
use std::error::Error as _;
use std::time::Duration;

use async_nats::jetstream::consumer::pull::OrderedConfig;
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::stream::Config;
use async_nats::jetstream::{self, Context, ErrorCode};
use futures::{StreamExt, TryStreamExt};
use tokio::time::{sleep, timeout};

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

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // Connect and get a JetStream context, as every JetStream example does
    // (the JetStream introduction explains the context).
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // Start clean: delete the stream if an interrupted run left it.
    delete_if_present(&js, "PRESENCE").await?;

    // Devices announce that they are online on `presence.<device>`, and
    // the stream keeps the latest announcement of each. Per-message TTL is
    // off by default: a message with a TTL is refused, not stored without
    // one. `PublishMessage::ttl` puts the TTL in the `Nats-TTL` header; the
    // refusal arrives in place of the acknowledgement, with the server's
    // error as its source.
    let stream = js
        .create_stream(Config {
            name: "PRESENCE".into(),
            subjects: vec!["presence.>".into()],
            max_messages_per_subject: 1,
            ..Default::default()
        })
        .await?;
    let with_ttl = PublishMessage::build()
        .payload("online".into())
        .ttl(Duration::from_secs(1));
    match js.send_publish("presence.sensor-1", with_ttl).await?.await {
        Ok(ack) => println!("publish with a TTL -> stored as seq {}", ack.sequence),
        Err(err) => match err
            .source()
            .and_then(|s| s.downcast_ref::<jetstream::Error>())
        {
            Some(reason) => println!("publish with a TTL -> {reason}"),
            None => return Err(err.into()),
        },
    }

    // The stream is updated to allow it (`allow_message_ttl`), with a
    // stream-wide `max_age` of 3 s for messages without a TTL, and
    // `subject_delete_marker_ttl`: when the last message of a subject
    // expires, the server stores a marker in its place, kept for 1 s.
    // (A `max_age` this short needs a duplicate window no longer than it.)
    let config = stream.cached_info().config.clone();
    js.update_stream(Config {
        allow_message_ttl: true,
        subject_delete_marker_ttl: Some(Duration::from_secs(1)),
        max_age: Duration::from_secs(3),
        duplicate_window: Duration::from_secs(1),
        ..config
    })
    .await?;
    println!("PRESENCE: allow_msg_ttl, max_age=3s, subject_delete_marker_ttl=1s");

    // Three announcements. sensor-1 is good for 1 s and must announce
    // again to stay listed. sensor-2 sets no TTL, so the stream's `max_age`
    // applies. The gateway's TTL is `never`: it outlives `max_age`. `ttl`
    // sends whole seconds (the server's minimum is 1 s anyway); `never` is
    // set through the header itself.
    let sensor_1 = PublishMessage::build()
        .payload("online".into())
        .ttl(Duration::from_secs(1));
    js.send_publish("presence.sensor-1", sensor_1)
        .await?
        .await?;
    js.publish("presence.sensor-2", "online".into())
        .await?
        .await?;
    let gateway = PublishMessage::build()
        .payload("online".into())
        .header("Nats-TTL", "never");
    js.send_publish("presence.gateway", gateway).await?.await?;

    // A consumer reading the stream sees the three announcements, then,
    // as the sensors expire, a delete marker for each: a message with no
    // payload on the same subject, whose `Nats-Marker-Reason` header says
    // why (`MaxAge`, for a TTL or the stream's `max_age`) and whose
    // `Nats-TTL` is the marker's own lifetime. An ordered consumer suits a
    // reader like this one, which only follows along.
    let reader = stream.create_consumer(OrderedConfig::default()).await?;
    let mut messages = reader.messages().await?;
    for _ in 0..5 {
        let msg = timeout(Duration::from_secs(5), messages.next())
            .await?
            .ok_or("the reader ended")??;
        let seq = msg.info()?.stream_sequence;
        let header = |name| {
            let value = msg.headers.as_ref()?.get(name)?;
            Some(value.to_string())
        };
        match (header("Nats-Marker-Reason"), header("Nats-TTL")) {
            (Some(reason), Some(ttl)) => println!(
                "  seq {seq} {}: delete marker, reason {reason}, kept {ttl}",
                msg.subject
            ),
            _ => println!(
                "  seq {seq} {}: '{}'",
                msg.subject,
                String::from_utf8_lossy(&msg.payload)
            ),
        }
    }
    drop(messages);

    // The markers expire in turn. We poll the stream's subjects until only
    // one is left, with a deadline: the gateway, which ignores `max_age`.
    let left: Vec<(String, usize)> = timeout(Duration::from_secs(5), async {
        loop {
            let subjects: Vec<(String, usize)> =
                stream.info_with_subjects(">").await?.try_collect().await?;
            if subjects.len() == 1 {
                return Ok::<_, async_nats::Error>(subjects);
            }
            sleep(Duration::from_millis(100)).await;
        }
    })
    .await??;
    let names: Vec<&str> = left.iter().map(|(subject, _)| subject.as_str()).collect();
    println!("PRESENCE holds {}", names.join(", "));

    // Clean up.
    js.delete_stream("PRESENCE").await?;
    Ok(())
}
