// TLS encrypts the connection and lets each side check who is on the other
// end. In mutual TLS the client checks the server's certificate, and the
// server checks the client's: a client without a certificate from the
// right authority cannot even start talking NATS. async-nats does TLS with
// rustls; `ConnectOptions` takes the files it needs.
use std::path::PathBuf;

use async_nats::{ConnectErrorKind, ConnectOptions};
use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let servers = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let servers: Vec<&str> = servers.split(',').collect();
    let ca = PathBuf::from(std::env::var("NATS_CA")?);
    let cert = PathBuf::from(std::env::var("NATS_CERT")?);
    let key = PathBuf::from(std::env::var("NATS_KEY")?);

    // Both halves of the trust. `add_root_certificates` names the authority
    // whose signature we accept on the server's certificate (a private CA
    // here, so the system's trust store would not do), and
    // `add_client_certificate` adds our own certificate and key for the
    // server to check. rustls also verifies that the server's certificate
    // is valid for the host we dial (127.0.0.1). The files are read when
    // `connect` runs; a missing one fails it with the kind `Tls`.
    //
    // The URL can stay `nats://`: the server's first message says TLS is
    // required, and async-nats upgrades the connection before it sends
    // anything else (`tls://` URLs, or `require_tls(true)`, insist on it
    // even if the server does not ask). That first message, the server's
    // INFO, travels in plain text. A server whose `tls` block sets
    // `handshake_first: true` (nats-server 2.10.4 or later) skips it and
    // expects the TLS handshake on the first byte, as an HTTPS server
    // does, which suits load balancers and security scanners that insist
    // on TLS from the start. Clients must then ask for it too, with
    // `ConnectOptions::tls_first()`.
    let client = ConnectOptions::new()
        .add_root_certificates(ca.clone())
        .add_client_certificate(cert, key)
        .connect(servers.clone())
        .await?;
    println!("connected with a client certificate");

    let mut requests = client.subscribe("echo").await?;
    let echo = tokio::spawn({
        let client = client.clone();
        async move {
            while let Some(request) = requests.next().await {
                if let Some(reply) = request.reply {
                    let text = String::from_utf8_lossy(&request.payload);
                    client
                        .publish(reply, format!("echo: {text}").into())
                        .await?;
                }
            }
            Ok::<(), async_nats::Error>(())
        }
    });
    let reply = client.request("echo", "over TLS".into()).await?;
    println!(
        "request echo -> {}",
        String::from_utf8_lossy(&reply.payload)
    );

    // Trust the CA but bring no client certificate. The server answers
    // with a "certificate required" alert and hangs up. Under TLS 1.3 that
    // alert comes just after the handshake, racing with the client's first
    // messages, so the error's kind is `Tls` (the alert) or `Io` (a reset
    // connection). Both mean "refused".
    let no_cert = ConnectOptions::new()
        .add_root_certificates(ca)
        .connect(servers.clone())
        .await;
    match no_cert {
        Err(err) if matches!(err.kind(), ConnectErrorKind::Tls | ConnectErrorKind::Io) => {
            println!("connect without a client certificate -> refused by the server")
        }
        Err(err) => return Err(err.into()),
        Ok(_) => println!("connect without a client certificate -> connected?"),
    }

    // No TLS settings at all. async-nats still upgrades to TLS, trusting
    // only the system's authorities, so now the *client* refuses: nothing
    // it trusts signed the server's certificate. async-nats reports the
    // failed handshake with the kind `Io`; the error's source is rustls's
    // own reason.
    match async_nats::connect(servers).await {
        Err(err) if matches!(err.kind(), ConnectErrorKind::Tls | ConnectErrorKind::Io) => {
            let reason = std::error::Error::source(&err)
                .map(|source| source.to_string())
                .unwrap_or_default();
            println!("connect with default TLS settings -> {reason}");
        }
        Err(err) => return Err(err.into()),
        Ok(_) => println!("connect with default TLS settings -> connected?"),
    }

    // Drain the working connection, which ends the echo task.
    client.drain().await?;
    echo.await??;
    Ok(())
}
