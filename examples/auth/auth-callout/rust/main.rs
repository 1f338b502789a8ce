// Auth callout hands the decision "who may connect, and with what
// permissions" to a service you write. The server still does the
// connection; for every client it sends the service what the client
// presented (user and password, a token, a JWT, its TLS certificate) and
// waits for a signed answer: a user JWT that says which account the client
// goes into and what it may do, or an error. Users can then live in your
// own database, LDAP or identity provider, not in the server's config.
// The service below is ordinary async-nats code; `nkeys` signs, `base64`
// and `serde_json` build and read the JWTs.
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_nats::client::RequestErrorKind;
use async_nats::{Client, ConnectOptions, Event};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use futures::StreamExt;
use nkeys::KeyPair;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio::time::timeout;

// The service's own directory of users: name, password, account, and the
// subjects each may use. A real one would ask a database or an identity
// provider, and store password hashes, never passwords.
const DIRECTORY: [(&str, &str, &str, &str); 2] = [
    ("alice", "alice-secret", "APP", "orders.>"),
    ("bob", "bob-secret", "APP", "orders.>"),
];

// The request and the answer are NATS JWTs: three base64url parts, without
// padding, joined by dots. The header says how the token is signed
// (Ed25519, with nkeys); the claims are JSON; the signature is the
// issuer's nkey signing the first two parts, as text.
fn claims_of(token: &str) -> Result<Value, async_nats::Error> {
    let body = token.split('.').nth(1).ok_or("not a JWT")?;
    Ok(serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body)?)?)
}

fn encode_jwt(mut claims: Value, signer: &KeyPair) -> Result<String, async_nats::Error> {
    let header = URL_SAFE_NO_PAD.encode(json!({"typ": "JWT", "alg": "ed25519-nkey"}).to_string());
    claims["iss"] = Value::from(signer.public_key());
    claims["iat"] = Value::from(SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs());
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signature = signer.sign(format!("{header}.{body}").as_bytes())?;
    Ok(format!(
        "{header}.{body}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

// The decision. The request's claims carry, under `nats`: the
// `connect_opts` the client sent (user, pass, auth_token, jwt, name, lang,
// version), `client_info` (its address, its connection id), the
// `server_id`, and `user_nkey`: a user key the server made for this one
// connection attempt, so that an answer cannot be replayed for another.
fn authorize(request: &Value, issuer: &KeyPair) -> Result<Value, async_nats::Error> {
    let opts = &request["connect_opts"];
    let user = opts["user"].as_str().unwrap_or("");
    let password = opts["pass"].as_str().unwrap_or("");
    let Some(&(name, _, account, allow)) = DIRECTORY
        .iter()
        .find(|(name, secret, _, _)| *name == user && *secret == password)
    else {
        println!("auth service: {user}, wrong password -> refused");
        return Ok(json!({"error": "wrong user or password"}));
    };

    // Let in: a user JWT for the server's key, signed by the issuer.
    // Outside operator mode its audience (`aud`) names the account the
    // client goes into; `name` is the user name the server shows for the
    // connection; `pub` and `sub` are its permissions. An `exp` claim would
    // end the session at that time.
    println!("auth service: {name}, password correct -> account {account}, may use {allow}");
    let allow = json!({"allow": [allow]});
    let user_jwt = encode_jwt(
        json!({
            "sub": request["user_nkey"], "aud": account, "name": name,
            "nats": {"type": "user", "version": 2, "pub": allow, "sub": allow,
                     "subs": -1, "data": -1, "payload": -1},
        }),
        issuer,
    )?;
    Ok(json!({"jwt": user_jwt}))
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

    // The service signs with an account nkey. Its public key is the
    // `issuer` in server.conf; the seed (which starts with SA) is the
    // service's secret, here from the environment.
    let issuer = KeyPair::from_seed(&std::env::var("NATS_SEED_ISSUER")?)?;

    // The service is an ordinary subscriber on `$SYS.REQ.USER.AUTH` in
    // account AUTH, in a task of its own. The request is a JWT signed by
    // the server (its issuer is the server's own key, starting with N); a
    // service that must know which servers it talks to checks that key and
    // the signature. The answer is a JWT of type `authorization_response`,
    // about the request's user key (`sub`) and for that server (`aud`),
    // signed by the issuer, carrying either the user JWT or the error.
    let service = ConnectOptions::with_user_and_password("auth".into(), "auth".into())
        .connect(servers.clone())
        .await?;
    let mut requests = service.subscribe("$SYS.REQ.USER.AUTH").await?;
    round_trip(&service).await?;
    println!("auth service: listening on $SYS.REQ.USER.AUTH");
    let handler = tokio::spawn({
        let service = service.clone();
        async move {
            while let Some(msg) = requests.next().await {
                let request = claims_of(&String::from_utf8_lossy(&msg.payload))?;
                let nats = &request["nats"];
                let mut claims = json!({
                    "sub": nats["user_nkey"], "aud": nats["server_id"]["id"],
                    "nats": {"type": "authorization_response", "version": 2},
                });
                if let (Some(target), Some(decision)) = (
                    claims["nats"].as_object_mut(),
                    authorize(nats, &issuer)?.as_object(),
                ) {
                    target.extend(decision.clone());
                }
                let response = encode_jwt(claims, &issuer)?;
                if let Some(reply) = msg.reply {
                    service.publish(reply, response.into()).await?;
                }
            }
            Ok::<(), async_nats::Error>(())
        }
    });

    // Clients connect as they always do. async-nats knows nothing of the
    // callout: it sends its user and password, and the server holds the
    // connection until the service has answered. The event callback
    // forwards the server's error reports over a channel.
    let (errors_tx, mut errors) = mpsc::unbounded_channel();
    let alice = ConnectOptions::with_user_and_password("alice".into(), "alice-secret".into())
        .event_callback(move |event| {
            let errors_tx = errors_tx.clone();
            async move {
                if let Event::ServerError(err) = event {
                    let _ = errors_tx.send(err.to_string());
                }
            }
        })
        .connect(servers.clone())
        .await?;
    println!("alice: connected");

    // Alice's permissions are those the service granted: she may publish
    // and subscribe on `orders.>`.
    let mut orders = alice.subscribe("orders.>").await?;
    alice.publish("orders.new", "one book".into()).await?;
    let msg = timeout(Duration::from_secs(2), orders.next())
        .await?
        .ok_or("subscription ended")?;
    println!(
        "alice: received on {}: {}",
        msg.subject,
        String::from_utf8_lossy(&msg.payload)
    );

    // Anything else is refused. The publish itself returns; the server
    // answers with a permissions violation, which arrives as an event, and
    // the connection stays open.
    alice.publish("admin.shutdown", "".into()).await?;
    let err = timeout(Duration::from_secs(5), errors.recv())
        .await?
        .ok_or("alice's connection is gone")?;
    println!("alice: error callback: {err}");

    // Bob gives a wrong password. The service says no, and the client is
    // told only "authorization violation": the reason stays in the service
    // (and in the server's log), not with a stranger.
    match ConnectOptions::with_user_and_password("bob".into(), "guess".into())
        .connect(servers)
        .await
    {
        Ok(_) => println!("bob: accepted?"),
        Err(err) => println!("bob: refused, {}", err.kind()),
    }

    // The request carries the client's password in clear, inside account
    // AUTH. With the `xkey` option of `auth_callout`, the server encrypts
    // each request for the service (and the service may encrypt its
    // answer): a production service should use it.
    //
    // Drain the service's connection, which ends its task.
    service.drain().await?;
    handler.await??;
    Ok(())
}
