// NKeys are Ed25519 key pairs. The server's config holds only the public
// key of each user; the client proves it owns the matching private key by
// signing a random challenge, so no secret crosses the network and none is
// stored on the server. jnats has the key type itself, `NKey`, and takes
// the credentials as an `AuthHandler`, made by the `Nats` helpers.
import io.nats.client.AuthHandler;
import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

public class Main {
    public static void main(String[] args) throws Exception {
        String[] servers = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222").split(",");

        // `user.nk` holds the user's *seed*: the private key, encoded so
        // it starts with `SU` (seed, user). It sits next to this program
        // only so the example runs as is. A real seed is a secret, like a
        // password: never commit it; give it to the program through a
        // secret store, a mounted file or an environment variable.
        //
        // The public key is derived from the seed. It starts with `U` and
        // is exactly what server.conf lists under `nkey`. `NKey` works
        // with `char[]` rather than `String`, so a secret can be wiped from
        // memory once used.
        char[] seed = Files.readString(Path.of("user.nk")).strip().toCharArray();
        System.out.println("public key from user.nk: " + new String(NKey.fromSeed(seed).getPublicKey()));

        // `Nats.credentials(null, "user.nk")` is an `AuthHandler` that
        // reads the seed file whenever it needs it (the first argument
        // would be a JWT file, which plain nkey authentication does not
        // use). On connect, the server sends a random nonce in its INFO
        // message; the handler signs it, and jnats sends the public key
        // and the signature in CONNECT. The server checks the signature
        // against the public key in its config.
        try (Connection service = Nats.connect(options(servers, Nats.credentials(null, "user.nk")))) {
            System.out.println("service: connected with Nats.credentials (a seed file)");
            service.createDispatcher().subscribe("greet", msg ->
                    service.publish(msg.getReplyTo(), ("hello, " + text(msg)).getBytes(StandardCharsets.UTF_8)));
            service.flush(Duration.ofSeconds(1));

            // `Nats.staticCredentials` takes the seed itself, for when it
            // comes from somewhere other than a file, such as an
            // environment variable. Both connections authenticate as the
            // same user.
            try (Connection client = Nats.connect(options(servers, Nats.staticCredentials(null, seed)))) {
                System.out.println("client: connected with Nats.staticCredentials (the seed itself)");
                Message reply = client.request("greet", "nkeys".getBytes(StandardCharsets.UTF_8)).get(1, TimeUnit.SECONDS);
                System.out.println("client: request greet -> " + text(reply));

                // A key pair the server has never heard of is refused,
                // however valid its signature. `NKey.createUser` makes a new
                // user key pair from random bytes (the `nsc` and `nk` tools
                // do the same from the command line). The connect fails
                // with an `AuthenticationException`; jnats also tells the
                // connection's `ErrorListener`, and the one given here
                // ignores it.
                char[] stranger = NKey.createUser(new SecureRandom()).getSeed();
                Options strangerOptions = Options.builder().servers(servers)
                        .authHandler(Nats.staticCredentials(null, stranger))
                        .errorListener(new ErrorListener() {})
                        .build();
                try (Connection nc = Nats.connect(strangerOptions)) {
                    System.out.println("connected with an unknown nkey?");
                } catch (AuthenticationException e) {
                    System.out.println("connect with an unknown nkey -> " + e.getMessage());
                }

                client.drain(Duration.ofSeconds(5)).get();
            }
            service.drain(Duration.ofSeconds(5)).get();
        }
    }

    static Options options(String[] servers, AuthHandler auth) {
        return Options.builder().servers(servers).authHandler(auth).build();
    }

    static String text(Message msg) {
        return new String(msg.getData(), StandardCharsets.UTF_8);
    }
}
