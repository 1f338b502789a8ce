// Auth callout hands the decision "who may connect, and with what
// permissions" to a service you write. The server still does the
// connection; for every client it sends the service what the client
// presented (user and password, a token, a JWT, its TLS certificate) and
// waits for a signed answer: a user JWT that says which account the client
// goes into and what it may do, or an error. Users can then live in your
// own database, LDAP or identity provider, not in the server's config.
// jnats brings what the service needs: `NKey` to sign, and `JwtUtils` (in
// `io.nats.client.support`) to read and issue NATS JWTs. Jackson reads and
// writes the JSON inside them.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.support.JwtUtils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

public class Main {
    static final ObjectMapper JSON = new ObjectMapper();

    // The service's own directory of users. A real one would ask a database
    // or an identity provider, and store password hashes, never passwords.
    record User(String password, String account, List<String> allow) {}

    static final Map<String, User> DIRECTORY = Map.of(
            "alice", new User("alice-secret", "APP", List.of("orders.>")),
            "bob", new User("bob-secret", "APP", List.of("orders.>")));

    public static void main(String[] args) throws Exception {
        String[] servers = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222").split(",");

        // The service signs with an account nkey. Its public key is the
        // `issuer` in server.conf; the seed (which starts with SA) is the
        // service's secret, here from the environment.
        NKey issuer = NKey.fromSeed(System.getenv("NATS_SEED_ISSUER").toCharArray());

        // The service is an ordinary subscriber on `$SYS.REQ.USER.AUTH` in
        // account AUTH (its user is in the config's `auth_users`, so it
        // skips the callout). The request is a JWT signed by the server
        // (its issuer is the server's own key, starting with N); a service
        // that must know which servers it talks to checks that key and the
        // signature. `JwtUtils.getClaimBody` decodes the claims. The answer
        // is a JWT of type `authorization_response`, about the request's
        // user key (`sub`) and for that server (`aud`), signed by the
        // issuer, carrying either the user JWT or the error.
        Options serviceOptions = Options.builder().servers(servers).userInfo("auth", "auth").build();
        try (Connection service = Nats.connect(serviceOptions)) {
            service.createDispatcher().subscribe("$SYS.REQ.USER.AUTH", msg -> {
                try {
                    JsonNode request = JSON.readTree(JwtUtils.getClaimBody(new String(msg.getData(), StandardCharsets.UTF_8)));
                    JsonNode nats = request.path("nats");
                    String userNkey = nats.path("user_nkey").asText();
                    Map<String, Object> decision = authorize(nats, issuer);
                    Map<String, Object> claim = new LinkedHashMap<>();
                    claim.put("type", "authorization_response");
                    claim.put("version", 2);
                    claim.putAll(decision);
                    String claimJson = JSON.writeValueAsString(claim);
                    String response = JwtUtils.issueJWT(issuer, userNkey, null, null, JwtUtils.currentTimeSeconds(),
                            new String(issuer.getPublicKey()), nats.path("server_id").path("id").asText(), () -> claimJson);
                    service.publish(msg.getReplyTo(), response.getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            service.flush(Duration.ofSeconds(1));
            System.out.println("auth service: listening on $SYS.REQ.USER.AUTH");

            // Clients connect as they always do. jnats knows nothing of the
            // callout: it sends its user and password, and the server holds
            // the connection until the service has answered. A permissions
            // violation comes later, to the connection's `ErrorListener`,
            // on a thread of its own; a latch tells the main thread.
            CountDownLatch violation = new CountDownLatch(1);
            Options aliceOptions = Options.builder().servers(servers).userInfo("alice", "alice-secret")
                    .errorListener(new ErrorListener() {
                        @Override
                        public void errorOccurred(Connection conn, String error) {
                            System.out.println("alice: error listener: " + error);
                            violation.countDown();
                        }
                    }).build();
            try (Connection alice = Nats.connect(aliceOptions)) {
                System.out.println("alice: connected");

                // Alice's permissions are those the service granted: she may
                // publish and subscribe on `orders.>`.
                Subscription orders = alice.subscribe("orders.>");
                alice.publish("orders.new", "one book".getBytes(StandardCharsets.UTF_8));
                Message msg = orders.nextMessage(Duration.ofSeconds(2));
                System.out.println("alice: received on " + msg.getSubject() + ": "
                        + new String(msg.getData(), StandardCharsets.UTF_8));

                // Anything else is refused. The publish itself returns; the
                // server answers with a permissions violation, which jnats
                // reports to the listener, and the connection stays open.
                alice.publish("admin.shutdown", new byte[0]);
                if (!violation.await(5, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no permissions violation reported");
                }

                // Bob gives a wrong password. The service says no, and the
                // client is told only "Authorization Violation": the reason
                // stays in the service (and in the server's log), not with a
                // stranger. (His listener stays quiet: the exception is
                // enough.)
                Options bobOptions = Options.builder().servers(servers).userInfo("bob", "guess")
                        .errorListener(new ErrorListener() {}).build();
                try (Connection bob = Nats.connect(bobOptions)) {
                    System.out.println("bob: connected?");
                } catch (AuthenticationException e) {
                    System.out.println("bob: refused, " + e.getMessage());
                }

                // The request carries the client's password in clear, inside
                // account AUTH. With the `xkey` option of `auth_callout`, the
                // server encrypts each request for the service (and the
                // service may encrypt its answer): a production service
                // should use it.
                alice.drain(Duration.ofSeconds(5)).get();
            }
            service.drain(Duration.ofSeconds(5)).get();
        }
    }

    // The decision. The request's claims carry, under `nats`: the
    // `connect_opts` the client sent (user, pass, auth_token, jwt, name,
    // lang, version), `client_info` (its address, its connection id), the
    // `server_id`, and `user_nkey`: a user key the server made for this one
    // connection attempt, so that an answer cannot be replayed for another.
    static Map<String, Object> authorize(JsonNode request, NKey issuer) throws Exception {
        JsonNode opts = request.path("connect_opts");
        String name = opts.path("user").asText();
        User user = DIRECTORY.get(name);
        if (user == null || !user.password().equals(opts.path("pass").asText())) {
            System.out.println("auth service: " + name + ", wrong password -> refused");
            return Map.of("error", "wrong user or password");
        }

        // Let in: a user JWT for the server's key, signed by the issuer.
        // Outside operator mode its audience names the account the client
        // goes into; the name is the user name the server shows for the
        // connection; the `UserClaim` holds its permissions (and limits,
        // none here). An expiration would end the session at that time.
        // (`JwtUtils.issueUserJWT` is for operator mode: it insists on the
        // claim's issuer account, which a centralized config has no use
        // for, so the general `issueJWT` signs it here.)
        System.out.println("auth service: " + name + ", password correct -> account " + user.account()
                + ", may use " + String.join(", ", user.allow()));
        String[] allow = user.allow().toArray(new String[0]);
        JwtUtils.UserClaim claim = new JwtUtils.UserClaim(null)
                .pub(new JwtUtils.Permission().allow(allow))
                .sub(new JwtUtils.Permission().allow(allow));
        String userJwt = JwtUtils.issueJWT(issuer, request.path("user_nkey").asText(), name, null,
                JwtUtils.currentTimeSeconds(), new String(issuer.getPublicKey()), user.account(), claim);
        return Map.of("jwt", userJwt);
    }
}
