// In operator mode, the server's config names no users at all. It trusts an
// operator key; the operator signs account JWTs, and each account signs
// the JWTs of its own users. A user connects with a creds file holding its
// JWT and its private key, and the server checks the chain of signatures
// back to the operator. Adding a user is signing a JWT: no server is
// touched. jnats reads creds files through the `AuthHandler`s that the
// `Nats` helpers make; Jackson reads the JWT's JSON here.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

public class Main {
    static final ObjectMapper JSON = new ObjectMapper();

    // A JWT is three base64url parts joined by dots: a header, the claims,
    // and a signature of the first two. Reading the claims needs no key
    // (they are signed, not encrypted); the server checks the signature.
    static JsonNode decode(String part) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(part));
    }

    // The names of an object's fields with the JSON type of each, sorted.
    static String kinds(JsonNode object) {
        TreeMap<String, String> kinds = new TreeMap<>();
        object.properties().forEach(f -> kinds.put(f.getKey(), f.getValue().getNodeType().toString().toLowerCase()));
        List<String> parts = new ArrayList<>();
        kinds.forEach((k, v) -> parts.add(k + " " + v));
        return String.join(", ", parts);
    }

    public static void main(String[] args) throws Exception {
        String[] servers = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222").split(",");

        // The recorder writes a creds file for each user of the run and
        // names it in an environment variable: alice and bob of account
        // APP. With `nsc` you would make them with `nsc add user` and
        // `nsc generate creds`.
        String aliceCreds = System.getenv("NATS_CREDS_APP_ALICE");
        String bobCreds = System.getenv("NATS_CREDS_APP_BOB");

        // A creds file is text: the user's JWT and, below it, the user's
        // seed (its private nkey), each between marker lines. It is a
        // secret, like a password: whoever holds it is this user.
        String text = Files.readString(Path.of(aliceCreds));
        List<String> lines = text.lines().toList();
        String jwt = lines.get(lines.indexOf("-----BEGIN NATS USER JWT-----") + 1);
        String seed = lines.get(lines.indexOf("-----BEGIN USER NKEY SEED-----") + 1);
        String[] parts = jwt.split("\\.");
        System.out.println("creds file: a JWT of " + parts.length + " parts and a seed of kind " + seed.substring(0, 2));

        // What alice's JWT carries. The header names the signature's
        // algorithm: Ed25519, with nkeys. In the claims, the subject
        // (`sub`) is alice's public nkey (it starts with U, for user) and
        // the issuer (`iss`) the public key of the account that signed the
        // JWT (A, for account); `iat` is when it was issued and `jti` its
        // unique id. Under `nats` are the claims NATS adds: the kind of
        // JWT, and the user's permissions and limits (empty, and -1 for no
        // limit). A JWT may also carry an expiry (`exp`); this one does not.
        // The keys are made afresh for each run, so only their first
        // letters are printed.
        JsonNode header = decode(parts[0]);
        JsonNode claims = decode(parts[1]);
        System.out.println("header: typ " + header.path("typ").asText() + ", alg " + header.path("alg").asText());
        System.out.println("claims: " + kinds(claims));
        System.out.println("  nats: " + kinds(claims.path("nats")));
        System.out.println("  type " + claims.path("nats").path("type").asText() + ", name " + claims.path("name").asText()
                + ", sub " + claims.path("sub").asText().charAt(0) + "..., iss " + claims.path("iss").asText().charAt(0) + "...");

        // `Nats.credentials` takes the path of a creds file and returns an
        // `AuthHandler` that reads it each time jnats connects
        // (reconnects included) and clears it from memory after: it sends
        // the JWT, and signs the server's nonce with the seed, proving it
        // holds the key the JWT was issued to. The seed never leaves the
        // client.
        try (Connection alice = Nats.connect(options(servers, Nats.credentials(aliceCreds)));
             Connection bob = Nats.connect(options(servers, Nats.credentials(bobCreds)))) {
            // Every user may ask the server who it is, on
            // `$SYS.REQ.USER.INFO`. The account is the JWT's issuer; the
            // server knows its name from the account's own JWT.
            Message reply = alice.request("$SYS.REQ.USER.INFO", new byte[0]).get(2, TimeUnit.SECONDS);
            JsonNode info = JSON.readTree(reply.getData()).path("data");
            System.out.println("alice connected: user " + info.path("user_name").asText() + " of account "
                    + info.path("account_name").asText());

            // Alice and bob share the account APP, so they share its
            // subjects.
            bob.createDispatcher().subscribe("greet", msg -> bob.publish(msg.getReplyTo(),
                    ("hello " + new String(msg.getData(), StandardCharsets.UTF_8) + ", from bob").getBytes(StandardCharsets.UTF_8)));
            bob.flush(Duration.ofSeconds(1));
            reply = alice.request("greet", "alice".getBytes(StandardCharsets.UTF_8)).get(2, TimeUnit.SECONDS);
            System.out.println("alice asked bob: " + new String(reply.getData(), StandardCharsets.UTF_8));

            // Two forged creds. Both are refused with "Authorization
            // Violation": `Nats.connect` throws an `AuthenticationException`
            // (and tells the connection's `ErrorListener`, quiet here).
            // `Nats.staticCredentials` takes the text of a creds file as
            // bytes, so these never touch the disk.
            //
            // 1. Alice's JWT with a seed of someone else's: the signature of
            // the nonce does not match the JWT's subject. A stolen JWT alone
            // is useless.
            String stranger = new String(NKey.createUser(new SecureRandom()).getSeed());
            tryCreds(servers, "alice's JWT, another seed", text.replace(seed, stranger));

            // 2. Alice's JWT with its claims edited (her name made
            // "mallory") and alice's real seed: the account's signature no
            // longer matches the claims. Nobody can change what a JWT grants
            // without the account's key.
            ObjectNode edited = ((ObjectNode) claims.deepCopy()).put("name", "mallory");
            String body = Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(edited));
            String forged = parts[0] + "." + body + "." + parts[2];
            tryCreds(servers, "alice's JWT edited", text.replace(jwt, forged));

            alice.drain(Duration.ofSeconds(5)).get();
            bob.drain(Duration.ofSeconds(5)).get();
        }
    }

    static Options options(String[] servers, AuthHandler auth) {
        return Options.builder().servers(servers).authHandler(auth).build();
    }

    static void tryCreds(String[] servers, String label, String creds) throws Exception {
        Options options = Options.builder().servers(servers)
                .authHandler(Nats.staticCredentials(creds.getBytes(StandardCharsets.UTF_8)))
                .errorListener(new ErrorListener() {})
                .build();
        try (Connection nc = Nats.connect(options)) {
            System.out.println(label + ": accepted");
        } catch (AuthenticationException e) {
            System.out.println(label + ": refused, " + e.getMessage());
        }
    }
}
