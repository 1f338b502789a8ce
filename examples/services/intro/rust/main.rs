// async-nats's `service` module (a default feature of the crate) turns
// request handlers into a proper service: named, versioned, discoverable
// and with built-in statistics. Each endpoint is a stream of requests that
// our own tasks answer. Callers need nothing but core NATS requests; the
// discovery replies are JSON, which `serde_json` reads into the very types
// the `service` module defines.
use async_nats::service::{self, error, PingResponse, ServiceExt};
use async_nats::Client;
use futures::StreamExt;

// An endpoint's handler: a task that answers each request with
// `respond`, until the endpoint's stream ends when the service stops.
// `respond(Err(...))` sends an error reply, with the code and description
// in the `Nats-Service-Error-Code` and `Nats-Service-Error` headers, and
// counts the error in the endpoint's stats.
async fn serve(
    mut endpoint: service::endpoint::Endpoint,
    handle: fn(&str) -> Result<String, error::Error>,
) -> Result<(), async_nats::Error> {
    while let Some(request) = endpoint.next().await {
        let text = String::from_utf8_lossy(&request.message.payload).into_owned();
        request.respond(handle(&text).map(Into::into)).await?;
    }
    Ok(())
}

fn upper(text: &str) -> Result<String, error::Error> {
    Ok(text.to_uppercase())
}

fn words(text: &str) -> Result<String, error::Error> {
    if text.trim().is_empty() {
        return Err(error::Error {
            code: 400,
            status: "empty input".into(),
        });
    }
    Ok(text.split_whitespace().count().to_string())
}

// Calling an endpoint is a plain NATS request. An error reply is an
// ordinary reply whose headers carry the error.
async fn call(client: &Client, subject: &str, text: &str) -> Result<(), async_nats::Error> {
    let reply = client
        .request(subject.to_string(), text.to_string().into())
        .await?;
    let header = |name| {
        let value = reply.headers.as_ref()?.get(name)?;
        Some(value.to_string())
    };
    let result = match (
        header("Nats-Service-Error-Code"),
        header("Nats-Service-Error"),
    ) {
        (Some(code), Some(description)) => format!("error {code}: {description}"),
        _ => format!("{:?}", String::from_utf8_lossy(&reply.payload)),
    };
    println!("{subject} {text:?} -> {result}");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;

    // A service has a name (shared by all its running instances), a
    // semantic version and an optional description. `service_builder`
    // comes from the `ServiceExt` trait on `Client`; `start` checks the
    // name and version and subscribes to the discovery subjects, so the
    // service answers them right away.
    let service = client
        .service_builder()
        .description("Small text utilities")
        .start("text", "1.0.0")
        .await?;

    // A group puts its endpoints under a common subject prefix, so these
    // two listen on `text.upper` and `text.words`. Every endpoint joins a
    // queue group (`q` unless told otherwise), so starting more instances
    // of the service spreads the requests over them. `endpoint_builder`
    // lets us name each endpoint (left unnamed, async-nats would call it
    // after its subject, `text-upper`). Each endpoint goes to a task of its
    // own.
    let group = service.group("text");
    let upper_endpoint = group.endpoint_builder().name("upper").add("upper").await?;
    let words_endpoint = group.endpoint_builder().name("words").add("words").await?;
    let handlers = [
        tokio::spawn(serve(upper_endpoint, upper)),
        tokio::spawn(serve(words_endpoint, words)),
    ];
    println!("service text 1.0.0 started");

    call(&client, "text.upper", "hello nats").await?;
    call(&client, "text.words", "the quick brown fox").await?;
    call(&client, "text.words", "   ").await?;

    // Every service answers three discovery requests on `$SRV.<verb>`,
    // optionally narrowed by service name and instance ID: `$SRV.PING`
    // finds running instances, `$SRV.INFO` describes their endpoints and
    // `$SRV.STATS` reports request counts and errors. Any client, in any
    // language, can ask; the answers are JSON. (With many instances you
    // would gather all replies rather than take the first.)
    let id = service.info().await.id;
    let reply = client.request("$SRV.PING", "".into()).await?;
    let ping: PingResponse = serde_json::from_slice(&reply.payload)?;
    println!(
        "PING: {} {} (instance id is this service's: {})",
        ping.name,
        ping.version,
        ping.id == id
    );

    let reply = client.request("$SRV.INFO.text", "".into()).await?;
    let mut info: service::Info = serde_json::from_slice(&reply.payload)?;
    println!("INFO: {} - {}", info.name, info.description);
    // async-nats keeps a service's endpoints in a map, so INFO and STATS
    // list them in a different order from run to run; sorting them by name
    // prints them the same way every time.
    info.endpoints.sort_by(|a, b| a.name.cmp(&b.name));
    for ep in &info.endpoints {
        println!(
            "  endpoint {} on {} (queue group {})",
            ep.name, ep.subject, ep.queue_group
        );
    }

    let reply = client
        .request(format!("$SRV.STATS.text.{id}"), "".into())
        .await?;
    let stats: service::Stats = serde_json::from_slice(&reply.payload)?;
    println!("STATS:");
    let mut endpoints = stats.endpoints;
    endpoints.sort_by(|a, b| a.name.cmp(&b.name));
    for ep in endpoints {
        let mut line = format!(
            "  {}: {} request(s), {} error(s)",
            ep.name, ep.requests, ep.errors
        );
        if let Some(err) = ep.last_error {
            line += &format!(", last error {}:{}", err.code, err.status);
        }
        println!("{line}");
    }

    // Stopping the service removes its discovery subscriptions and tells
    // the endpoints to unsubscribe; their streams then end, and so do the
    // handler tasks, which we wait for.
    service.stop().await?;
    for handler in handlers {
        handler.await??;
    }
    Ok(())
}
