// Acknowledging a JetStream message is itself a message, sent to the
// server on the message's reply subject. This example compares
// async-nats's fire-and-forget `ack()` with `double_ack()`, which waits for
// the server's answer, and shows where `double_ack` in async-nats 0.51.0
// falls short and how to send a confirmed ack yourself.
use async_nats::client::RequestErrorKind;
use async_nats::jetstream::consumer::{pull, PullConsumer};
use async_nats::jetstream::context::DeleteStreamErrorKind;
use async_nats::jetstream::stream::Config;
use async_nats::jetstream::{self, Context, ErrorCode, Message};
use async_nats::{Client, RequestError};
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

// The consumer's bookkeeping: how many messages it has delivered, how many
// of those still await an ack, the stream sequence below which everything
// is acked (the ack floor), and how many messages are still waiting to be
// delivered.
async fn show(label: &str, consumer: &mut PullConsumer) -> Result<(), async_nats::Error> {
    let info = consumer.info().await?;
    println!(
        "{label}: delivered={} ack_pending={} ack_floor={} pending={}",
        info.delivered.stream_sequence,
        info.num_ack_pending,
        info.ack_floor.stream_sequence,
        info.num_pending
    );
    Ok(())
}

// Fetches two messages that are waiting (`fetch` does not wait for more).
async fn fetch_two(consumer: &PullConsumer) -> Result<Vec<Message>, async_nats::Error> {
    let messages = consumer.fetch().max_messages(2).messages().await?;
    Ok(messages.try_collect().await?)
}

// A confirmed ack sent by hand: `+ACK` is the ack's payload, and
// `Client::request` publishes it with an inbox to answer to and waits.
// Unlike `double_ack`, it tells the server's "no responders" status apart
// from a real answer, and fails with `RequestErrorKind::NoResponders`.
async fn ack_confirmed(client: &Client, msg: &Message) -> Result<(), RequestError> {
    let Some(reply) = msg.reply.clone() else {
        // Only a message delivered by a consumer has a subject to ack to.
        return Err(RequestError::new(RequestErrorKind::InvalidSubject));
    };
    client.request(reply, "+ACK".into()).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;
    let js = jetstream::new(client.clone());

    // Start clean: delete the stream if an interrupted run left it.
    delete_if_present(&js, "TASKS").await?;

    // Four tasks in a stream and a durable pull consumer that requires an
    // explicit ack for each message it delivers.
    let stream = js
        .create_stream(Config {
            name: "TASKS".into(),
            subjects: vec!["tasks.>".into()],
            ..Default::default()
        })
        .await?;
    for n in 1..=4 {
        js.publish(format!("tasks.{n}"), format!("task {n}").into())
            .await?
            .await?;
    }
    let mut consumer: PullConsumer = stream
        .create_consumer(pull::Config {
            durable_name: Some("worker".into()),
            ..Default::default()
        })
        .await?;

    // Fetch two messages. Both now count as delivered and unacknowledged.
    let msgs = fetch_two(&consumer).await?;
    let [first, second] = &msgs[..] else {
        return Err("expected two messages".into());
    };
    show("after fetching 2", &mut consumer).await?;

    // `ack()` publishes the ack and returns once it is handed to the
    // connection, before the server has seen it. That is fast and usually
    // fine, but if the ack is lost (a network blip, a server restart) the
    // program never knows, and the message is delivered again after the
    // ack wait.
    first.ack().await?;
    println!("ack()        {}: sent, no reply expected", first.subject);

    // `double_ack()` sends the same ack with a reply subject and waits for
    // the server's answer, which comes once the ack is recorded. Use a
    // confirmed ack when processing a message twice would be costly, for
    // example before telling a user their payment went through.
    second.double_ack().await?;
    println!("double_ack() {}: confirmed by the server", second.subject);
    show("after both acks", &mut consumer).await?;

    // The difference should show when the ack cannot land. Fetch the last
    // two messages, then delete the consumer, as if it had been removed or
    // its server lost while we were working.
    let msgs = fetch_two(&consumer).await?;
    let [third, fourth] = &msgs[..] else {
        return Err("expected two messages".into());
    };
    stream.delete_consumer("worker").await?;
    println!("consumer deleted");

    // The plain ack "succeeds": it was published, and nobody tells the
    // program it went nowhere.
    third.ack().await?;
    println!("ack()        {}: sent, no error returned", third.subject);

    // `double_ack` should fail here, but in async-nats 0.51.0 it takes
    // whatever comes back on its inbox as the confirmation, and what comes
    // back is the server's "no responders" status: it returns `Ok(())`.
    // The confirmed ack sent by hand fails at once, as it should, because
    // no consumer is there to answer; the program knows to retry the work
    // or raise an alarm.
    let result = fourth.double_ack().await;
    println!(
        "double_ack() {}: returned {result:?} although no consumer answered",
        fourth.subject
    );
    match ack_confirmed(&client, fourth).await {
        Ok(()) => println!("request +ACK {}: confirmed", fourth.subject),
        Err(err) if err.kind() == RequestErrorKind::NoResponders => println!(
            "request +ACK {}: failed, no consumer answered the ack",
            fourth.subject
        ),
        Err(err) => return Err(err.into()),
    }

    // Clean up: deleting the stream deletes its messages too.
    js.delete_stream("TASKS").await?;
    Ok(())
}
