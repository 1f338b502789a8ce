// TLS encrypts the connection and lets each side check who is on the other
// end. In mutual TLS the client checks the server's certificate, and the
// server checks the client's: a client without a certificate from the
// right authority cannot even start talking NATS. jnats takes a standard
// `javax.net.ssl.SSLContext`; building one from PEM files takes a few
// lines of the JDK's own security classes.
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

public class Main {
    public static void main(String[] args) throws Exception {
        String[] servers = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222").split(",");

        // An `SSLContext` holds both halves of the trust. Its trust
        // managers hold the authority whose signature we accept on the
        // server's certificate (a private CA here, so the JDK's trust store
        // would not do); its key managers hold our own certificate and key
        // for the server to check. The recorder passes the three PEM files
        // as `NATS_CA`, `NATS_CERT` and `NATS_KEY`.
        Certificate ca = certificate(System.getenv("NATS_CA"));
        SSLContext mutual = sslContext(ca, certificate(System.getenv("NATS_CERT")), privateKey(System.getenv("NATS_KEY")));

        // The URL can stay `nats://`: the server's first message says TLS
        // is required, and jnats upgrades the socket with our context
        // before it sends anything else. (`tls://` URLs work the same
        // way.) One thing jnats does not do is check that the certificate
        // names the host it dialled: it verifies the chain of signatures,
        // but Java's TLS sockets leave the host-name check off unless asked
        // for it, and jnats 2.26 does not ask. Trust only an authority that
        // signs nothing but your NATS servers.
        //
        // That first message, the server's INFO, travels in plain text. A
        // server whose `tls` block sets `handshake_first: true`
        // (nats-server 2.10.4 or later) skips it and expects the TLS
        // handshake on the first byte, as an HTTPS server does, which
        // suits load balancers and security scanners that insist on TLS
        // from the start. Clients must then ask for it too: `tlsFirst()` on
        // the options builder in jnats.
        Options options = Options.builder().servers(servers).sslContext(mutual).build();
        try (Connection nc = Nats.connect(options)) {
            System.out.println("connected with a client certificate");
            nc.createDispatcher().subscribe("echo", msg ->
                    nc.publish(msg.getReplyTo(), ("echo: " + text(msg)).getBytes(StandardCharsets.UTF_8)));
            Message reply = nc.request("echo", "over TLS".getBytes(StandardCharsets.UTF_8)).get(1, TimeUnit.SECONDS);
            System.out.println("request echo -> " + text(reply));

            // A context that trusts the CA but carries no client
            // certificate. The server answers with a "certificate required"
            // alert and hangs up. `Nats.connect` then throws an
            // `IOException` that only says it could not connect; the
            // reason (here it varies: under TLS 1.3 the alert races with
            // the end of the handshake) goes to the connection's
            // `ErrorListener`. The failed attempts below get a listener that
            // keeps what it is told instead of logging it.
            List<Exception> reasons = new CopyOnWriteArrayList<>();
            try (Connection refused = Nats.connect(attempt(servers, sslContext(ca, null, null), reasons))) {
                System.out.println("connected without a client certificate?");
            } catch (IOException e) {
                System.out.println("connect without a client certificate -> refused by the server");
            }

            // The JDK's default context trusts only the authorities in its
            // own trust store, so now the *client* refuses: nothing it
            // trusts signed the server's certificate. The listener was
            // given an `SSLHandshakeException` from the JDK's certificate
            // path checks.
            reasons.clear();
            try (Connection refused = Nats.connect(attempt(servers, SSLContext.getDefault(), reasons))) {
                System.out.println("connected with the default context?");
            } catch (IOException e) {
                System.out.println("connect with default TLS settings -> " + handshakeFailure(reasons));
            }

            nc.drain(Duration.ofSeconds(5)).get();
        }
    }

    // Options for a connection attempt that is expected to fail: no
    // reconnecting, and a listener that collects the exceptions it is
    // told about.
    static Options attempt(String[] servers, SSLContext context, List<Exception> reasons) {
        return Options.builder().servers(servers).sslContext(context).noReconnect()
                .errorListener(new ErrorListener() {
                    @Override
                    public void exceptionOccurred(Connection conn, Exception exp) {
                        reasons.add(exp);
                    }
                }).build();
    }

    // Find the handshake failure among the reported exceptions, and name
    // it with the innermost reason the JDK gives.
    static String handshakeFailure(List<Exception> reasons) {
        for (Exception reason : reasons) {
            for (Throwable t = reason; t != null; t = t.getCause()) {
                if (t instanceof SSLHandshakeException) {
                    Throwable root = t;
                    while (root.getCause() != null) {
                        root = root.getCause();
                    }
                    return "SSLHandshakeException: " + root.getMessage();
                }
            }
        }
        return "no handshake failure reported: " + reasons;
    }

    // A TLS context that trusts `ca` and, when given a certificate and a
    // key, presents them as this client's identity. Key stores are the
    // JDK's containers for both; these live in memory only, so their
    // password is a formality.
    static SSLContext sslContext(Certificate ca, Certificate cert, PrivateKey key) throws Exception {
        char[] password = "in-memory".toCharArray();
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);

        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore own = KeyStore.getInstance(KeyStore.getDefaultType());
        own.load(null, null);
        if (cert != null) {
            own.setKeyEntry("client", key, password, new Certificate[] {cert});
        }
        kmf.init(own, password);

        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    // `CertificateFactory` reads a PEM certificate as it is.
    static Certificate certificate(String path) throws Exception {
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    // A PEM private key in PKCS#8 form is base64 between two marker lines;
    // decoded, `KeyFactory` turns it into a key. (The recorder's keys are
    // elliptic-curve keys, hence "EC".)
    static PrivateKey privateKey(String path) throws Exception {
        String pem = Files.readString(Path.of(path))
                .replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    static String text(Message msg) {
        return new String(msg.getData(), StandardCharsets.UTF_8);
    }
}
