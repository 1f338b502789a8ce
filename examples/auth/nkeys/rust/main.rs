// NKeys are Ed25519 key pairs. The server's config holds only the public
// key of each user; the client proves it owns the matching private key by
// signing a random challenge, so no secret crosses the network and none is
// stored on the server. async-nats signs with the seed it is given; the
// `nkeys` crate (the one async-nats itself uses) derives public keys and
// makes new key pairs.
use async_nats::client::RequestErrorKind;
use async_nats::{Client, ConnectOptions};
use futures::StreamExt;
use nkeys::KeyPair;

// async-nats 0.51.0 sends a subscribe without waiting for the server to
// confirm it, and its `flush` only empties the socket buffer. A request to
// a subject nobody serves is a real round trip: the server answers it
// itself with "no responders", after handling everything this connection
// sent before.
async fn round_trip(client: &Client) -> Result<(), async_nats::Error> {
    match client.request(client.new_inbox(), "".into()).await {
        Err(err) if err.kind() == RequestErrorKind::NoResponders => Ok(()),
        Err(err) => Err(err.into()),
        Ok(_) => Err("an inbox nobody serves got an answer".into()),
    }
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let servers: Vec<&str> = servers.split(',').collect();

    // `user.nk` holds the user's *seed*: the private key, encoded so it
    // starts with `SU` (seed, user). It sits next to this program only so
    // the example runs as is. A real seed is a secret, like a password:
    // never commit it; give it to the program through a secret store, a
    // mounted file or an environment variable.
    //
    // The public key is derived from the seed. It starts with `U` and is
    // exactly what server.conf lists under `nkey`. `from_seed` fails on a
    // malformed seed, and `?` passes that up.
    let seed = tokio::fs::read_to_string("user.nk")
        .await?
        .trim()
        .to_string();
    let public_key = KeyPair::from_seed(&seed)?.public_key();
    println!("public key from user.nk: {public_key}");

    // `with_nkey` takes the seed as a string, wherever it came from. On
    // connect, the server sends a random nonce in its INFO message;
    // async-nats signs it with the seed and returns the public key and the
    // signature in CONNECT. The server checks the signature against the
    // public key in its config. The seed moves into the options, so each
    // connection gets its own copy.
    let service = ConnectOptions::with_nkey(seed.clone())
        .connect(servers.clone())
        .await?;
    println!("service: connected with the seed from user.nk");

    let mut requests = service.subscribe("greet").await?;
    round_trip(&service).await?;
    let greeter = tokio::spawn({
        let service = service.clone();
        async move {
            while let Some(request) = requests.next().await {
                if let Some(reply) = request.reply {
                    let name = String::from_utf8_lossy(&request.payload);
                    service
                        .publish(reply, format!("hello, {name}").into())
                        .await?;
                }
            }
            Ok::<(), async_nats::Error>(())
        }
    });

    // A second connection as the same user, this time with the seed taken
    // from an environment variable when one is set, as a deployment would.
    let seed = std::env::var("NKEY_SEED").unwrap_or(seed);
    let client = ConnectOptions::with_nkey(seed)
        .connect(servers.clone())
        .await?;
    println!("client: connected with the same user's seed");

    let reply = client.request("greet", "nkeys".into()).await?;
    println!(
        "client: request greet -> {}",
        String::from_utf8_lossy(&reply.payload)
    );

    // A key pair the server has never heard of is refused, however valid
    // its signature. `KeyPair::new_user` makes a fresh random user key
    // pair (the `nsc` and `nk` tools do the same from the command line),
    // and `seed()` encodes its private key. The server answers the CONNECT
    // with "Authorization Violation", and `connect` fails with that kind.
    let stranger = KeyPair::new_user().seed()?;
    match ConnectOptions::with_nkey(stranger).connect(servers).await {
        Ok(_) => println!("connect with an unknown nkey -> connected?"),
        Err(err) => println!("connect with an unknown nkey -> {}", err.kind()),
    }

    // Draining the service's connection ends its subscription, and so the
    // greeter's task, which we wait for.
    service.drain().await?;
    greeter.await??;
    Ok(())
}
