// In operator mode, the server's config names no users at all. It trusts an
// operator key; the operator signs account JWTs, and each account signs
// the JWTs of its own users. A user connects with a creds file holding its
// JWT and its private key, and the server checks the chain of signatures
// back to the operator. Adding a user is signing a JWT: no server is
// touched. async-nats reads creds files itself; `base64`, `serde_json`
// and `nkeys` are only here to take one apart and to forge two.
use async_nats::client::RequestErrorKind;
use async_nats::{Client, ConnectOptions};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use futures::StreamExt;
use nkeys::KeyPair;
use serde_json::Value;

// A JWT is three base64url parts joined by dots: a header, the claims, and
// a signature of the first two. Reading the claims needs no key (they are
// signed, not encrypted); the server checks the signature.
fn decode(part: &str) -> Result<Value, async_nats::Error> {
    Ok(serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part)?)?)
}

// The names of a JSON object's fields with the JSON type of each value.
fn kinds(object: &Value) -> String {
    let Some(map) = object.as_object() else {
        return String::new();
    };
    let mut fields: Vec<String> = map
        .iter()
        .map(|(name, value)| {
            let kind = match value {
                Value::Null => "null",
                Value::Bool(_) => "bool",
                Value::Number(_) => "number",
                Value::String(_) => "string",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
            };
            format!("{name} {kind}")
        })
        .collect();
    fields.sort();
    fields.join(", ")
}

// The line after a marker line of a creds file.
fn after<'a>(lines: &[&'a str], marker: &str) -> Result<&'a str, async_nats::Error> {
    let at = lines
        .iter()
        .position(|line| *line == marker)
        .ok_or("not a creds file")?;
    Ok(lines.get(at + 1).copied().unwrap_or_default())
}

// Tries to connect with the text of a creds file. `with_credentials` parses
// it at once (a malformed file is an `io::Error` right there); the server
// then checks the JWT and the signature when `connect` runs.
async fn try_creds(servers: &[&str], label: &str, creds: &str) -> Result<(), async_nats::Error> {
    match ConnectOptions::with_credentials(creds)?
        .connect(servers.to_vec())
        .await
    {
        Ok(_) => println!("{label}: accepted"),
        Err(err) => println!("{label}: refused, {}", err.kind()),
    }
    Ok(())
}

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

    // The recorder writes a creds file for each user of the run and names
    // it in an environment variable: alice and bob of account APP. With
    // `nsc` you would make them with `nsc add user` and
    // `nsc generate creds`.
    let alice_creds = std::env::var("NATS_CREDS_APP_ALICE")?;
    let bob_creds = std::env::var("NATS_CREDS_APP_BOB")?;

    // A creds file is text: the user's JWT and, below it, the user's seed
    // (its private nkey), each between marker lines. It is a secret, like a
    // password: whoever holds it is this user.
    let text = tokio::fs::read_to_string(&alice_creds).await?;
    let lines: Vec<&str> = text.lines().collect();
    let jwt = after(&lines, "-----BEGIN NATS USER JWT-----")?;
    let seed = after(&lines, "-----BEGIN USER NKEY SEED-----")?;
    let parts: Vec<&str> = jwt.split('.').collect();
    let [head, body, signature] = parts[..] else {
        return Err("a JWT has three parts".into());
    };
    println!(
        "creds file: a JWT of {} parts and a seed of kind {}",
        parts.len(),
        &seed[..2]
    );

    // What alice's JWT carries. The header names the signature's
    // algorithm: Ed25519, with nkeys. In the claims, the subject (`sub`)
    // is alice's public nkey (it starts with U, for user) and the issuer
    // (`iss`) the public key of the account that signed the JWT (A, for
    // account); `iat` is when it was issued and `jti` its unique id. Under
    // `nats` are the claims NATS adds: the kind of JWT, and the user's
    // permissions and limits (empty, and -1 for no limit). A JWT may also
    // carry an expiry (`exp`); this one does not. The keys are made afresh
    // for each run, so only their first letters are printed.
    let header = decode(head)?;
    let claims = decode(body)?;
    let first = |key: &str| {
        claims[key]
            .as_str()
            .unwrap_or("?")
            .chars()
            .next()
            .unwrap_or('?')
    };
    println!(
        "header: typ {}, alg {}",
        header["typ"].as_str().unwrap_or("?"),
        header["alg"].as_str().unwrap_or("?")
    );
    println!("claims: {}", kinds(&claims));
    println!("  nats: {}", kinds(&claims["nats"]));
    println!(
        "  type {}, name {}, sub {}..., iss {}...",
        claims["nats"]["type"].as_str().unwrap_or("?"),
        claims["name"].as_str().unwrap_or("?"),
        first("sub"),
        first("iss")
    );

    // `with_credentials_file` takes the path of a creds file. async-nats
    // reads and parses it once, when the options are built (a missing or
    // malformed file fails right there, with an `io::Error`); then, on
    // every connect and reconnect, it sends the JWT and signs the server's
    // nonce with the seed, proving it holds the key the JWT was issued to.
    // The seed never leaves the client.
    let alice = ConnectOptions::with_credentials_file(&alice_creds)
        .await?
        .connect(servers.clone())
        .await?;
    let bob = ConnectOptions::with_credentials_file(&bob_creds)
        .await?
        .connect(servers.clone())
        .await?;

    // Every user may ask the server who it is, on `$SYS.REQ.USER.INFO`.
    // The account is the JWT's issuer; the server knows its name from the
    // account's own JWT.
    let reply = alice.request("$SYS.REQ.USER.INFO", "".into()).await?;
    let info: Value = serde_json::from_slice(&reply.payload)?;
    println!(
        "alice connected: user {} of account {}",
        info["data"]["user_name"].as_str().unwrap_or("?"),
        info["data"]["account_name"].as_str().unwrap_or("?")
    );

    // Alice and bob share the account APP, so they share its subjects. Bob
    // answers greetings in a task of his own.
    let mut greetings = bob.subscribe("greet").await?;
    round_trip(&bob).await?;
    let greeter = tokio::spawn({
        let bob = bob.clone();
        async move {
            while let Some(request) = greetings.next().await {
                if let Some(reply) = request.reply {
                    let name = String::from_utf8_lossy(&request.payload);
                    bob.publish(reply, format!("hello {name}, from bob").into())
                        .await?;
                }
            }
            Ok::<(), async_nats::Error>(())
        }
    });
    let reply = alice.request("greet", "alice".into()).await?;
    println!(
        "alice asked bob: {}",
        String::from_utf8_lossy(&reply.payload)
    );

    // Two forged creds, kept in memory. Both are refused: `connect` fails
    // with the kind `AuthorizationViolation`.
    //
    // 1. Alice's JWT with a seed of someone else's: the signature of the
    // nonce does not match the JWT's subject. A stolen JWT alone is
    // useless.
    let stranger = KeyPair::new_user().seed()?;
    try_creds(
        &servers,
        "alice's JWT, another seed",
        &text.replace(seed, &stranger),
    )
    .await?;

    // 2. Alice's JWT with its claims edited (her name made "mallory") and
    // alice's real seed: the account's signature no longer matches the
    // claims. Nobody can change what a JWT grants without the account's
    // key.
    let mut edited = claims.clone();
    edited["name"] = Value::from("mallory");
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&edited)?);
    let forged = format!("{head}.{body}.{signature}");
    try_creds(&servers, "alice's JWT edited", &text.replace(jwt, &forged)).await?;

    // Drain bob's connection, which ends his task.
    bob.drain().await?;
    greeter.await??;
    Ok(())
}
