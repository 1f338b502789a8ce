// Say in a sentence or two what this program shows and why it matters.
// Every comment block becomes a paragraph of the page, shown beside the
// code that follows it, so write for a reader who is learning NATS with
// async-nats: what each call does, what it returns, how it can fail.

// `main` returns `Result<(), async_nats::Error>`, so every fallible call can
// end in `?`: an error is printed and the program exits non-zero, which
// the recorder reports as a failed run.
#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // Connect to the servers the recorder started (a comma-separated list
    // in `NATS_URL`), or to a local server when it is unset.
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(servers.split(',').collect::<Vec<_>>()).await?;

    // Explain each step before its code. Print labelled, deterministic
    // lines: the output is shown on the page, replayed at half speed, and
    // checked against the `expect` patterns in meta.yaml. Read a
    // subscription with `futures::StreamExt::next` inside
    // `tokio::time::timeout`, so a missing message fails the run instead of
    // hanging it.
    println!("connected");

    // Clean up: remove any stream, consumer, bucket or object you created,
    // so a second run prints exactly what the first did. Then `flush`
    // waits until the server has everything you sent; the connection
    // closes when `main` returns.
    client.flush().await?;
    println!("done");
    Ok(())
}
