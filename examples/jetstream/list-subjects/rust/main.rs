// A stream knows every subject it holds messages for and how many
// messages each one has. async-nats asks for that list with
// `Stream::info_with_subjects`, which returns it as a stream of
// `(subject, count)` pairs.
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::{Config, Stream};
use async_nats::jetstream::{self, Context, ErrorCode};
use futures::TryStreamExt;

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

// Asks for the subjects matching a filter, each with its number of
// messages. A server answer holds at most 100,000 subjects and pages a
// longer list; the stream async-nats returns asks for the next page by
// itself as it is read. `try_collect` reads it to the end, and sorting
// makes the output stable.
async fn list_subjects(stream: &Stream, filter: &str) -> Result<(), async_nats::Error> {
    let mut subjects: Vec<(String, usize)> = stream
        .info_with_subjects(filter)
        .await?
        .try_collect()
        .await?;
    subjects.sort();
    println!("filter '{filter}': {} subject(s)", subjects.len());
    for (subject, count) in subjects {
        println!("  {subject}: {count}");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client);

    // Start clean: delete the stream if an interrupted run left it.
    delete_if_present(&js, "SENSORS").await?;

    // A stream of sensor readings, one subject per region and metric. The
    // stream captures `sensors.>`, so the subjects are created simply by
    // publishing to them; nothing declares them ahead of time.
    let stream = js
        .create_stream(Config {
            name: "SENSORS".into(),
            subjects: vec!["sensors.>".into()],
            ..Default::default()
        })
        .await?;
    let readings = [
        ("sensors.eu.temp", 3),
        ("sensors.eu.humidity", 2),
        ("sensors.us.temp", 4),
        ("sensors.us.pressure", 1),
    ];
    for (subject, count) in readings {
        for i in 1..=count {
            js.publish(subject, format!("reading {i}").into())
                .await?
                .await?;
        }
    }
    let total: i32 = readings.iter().map(|(_, count)| count).sum();
    println!("published {total} readings on {} subjects", readings.len());

    // Plain stream info reports totals only, the number of distinct
    // subjects among them. Listing subjects can be expensive on a stream
    // with millions of them, so the server leaves the list out unless the
    // request asks for it (and async-nats keeps the field private).
    let info = stream.get_info().await?;
    println!(
        "stream info: {} messages in {} subjects, no subject list",
        info.state.messages, info.state.subjects_count
    );

    // The filter `>` matches every subject.
    list_subjects(&stream, ">").await?;

    // Filters use the usual NATS wildcards: `*` matches one token, `>`
    // the rest of the subject. So we can ask for one region, or for one
    // metric across all regions, or check a single subject.
    list_subjects(&stream, "sensors.eu.*").await?;
    list_subjects(&stream, "sensors.*.temp").await?;
    list_subjects(&stream, "sensors.us.pressure").await?;

    // The list always reflects what the stream holds right now. Purge the
    // pressure readings (`purge()` is a builder; `filter` limits it to one
    // subject, and awaiting it sends the request) and that subject is
    // gone; a filter that matches nothing returns no subjects at all.
    stream.purge().filter("sensors.us.pressure").await?;
    println!("purged sensors.us.pressure");
    list_subjects(&stream, "sensors.us.*").await?;
    list_subjects(&stream, "sensors.asia.>").await?;

    // Clean up: deleting the stream deletes its messages too.
    js.delete_stream("SENSORS").await?;
    Ok(())
}
