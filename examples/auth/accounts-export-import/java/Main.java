// Accounts are NATS's unit of multi-tenancy: each account has its own
// subject namespace, and two accounts share only what one explicitly
// exports and the other explicitly imports. All of that is server
// configuration (see server.conf); the clients are ordinary jnats
// connections, each logged in as a user of one account.
import io.nats.client.Connection;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

public class Main {
    public static void main(String[] args) throws Exception {
        String[] servers = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222").split(",");

        // The user a client logs in as decides its account: `shop` belongs
        // to SHOP and `partner` to PARTNER. `reportNoResponders()` makes a
        // request that nobody can answer fail with the server's status
        // (see the request-reply example).
        Options shopOptions = Options.builder().servers(servers).userInfo("shop", "shop-secret").build();
        Options partnerOptions = Options.builder().servers(servers).userInfo("partner", "partner-secret")
                .reportNoResponders().build();
        try (Connection shop = Nats.connect(shopOptions);
             Connection partner = Nats.connect(partnerOptions)) {
            // The shop's inventory service answers on `inventory.check`. It
            // also shows the reply subject it was given: for a request that
            // crossed accounts the server substitutes a reply subject of its
            // own (starting with `_R_.`), so the requester's inbox never
            // leaks into the shop's account. A flush makes sure the server
            // has the subscription before the partner sends to it.
            shop.createDispatcher().subscribe("inventory.check", msg -> {
                String item = text(msg);
                System.out.println("shop: inventory.check '" + item + "', reply subject starts with '"
                        + msg.getReplyTo().substring(0, 4) + "'");
                shop.publish(msg.getReplyTo(), (item + ": 12 in stock").getBytes(StandardCharsets.UTF_8));
            });
            shop.flush(Duration.ofSeconds(1));

            // The partner calls the service under the name it chose when
            // importing it. The server forwards the request into SHOP's
            // account and routes the answer back to the partner's private
            // inbox.
            Message reply = partner.request("shop.inventory.check", bytes("widget")).get(1, TimeUnit.SECONDS);
            System.out.println("partner: request shop.inventory.check -> " + text(reply));

            // `inventory.check` in PARTNER's own namespace is a different
            // subject from the shop's, and nobody in PARTNER listens on it.
            try {
                partner.request("inventory.check", bytes("widget")).get(1, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof JetStreamStatusException status && status.getStatus().isNoResponders())) {
                    throw e;
                }
                System.out.println("partner: request inventory.check -> no responders (not in this account)");
            }

            // Now the stream. The partner listens three ways: on the
            // imported subjects (`shop.orders.>`), on the shop's original
            // subject name (`orders.>`, which in PARTNER's namespace is
            // unrelated), and on `audit.>`, which the shop never exported.
            Map<String, Subscription> subs = new LinkedHashMap<>();
            for (String subject : new String[] {"shop.orders.>", "orders.>", "audit.>"}) {
                subs.put(subject, partner.subscribe(subject));
            }
            partner.flush(Duration.ofSeconds(1));

            shop.publish("orders.created", bytes("order 1: 1 widget"));
            shop.publish("audit.login", bytes("admin logged in"));
            shop.flush(Duration.ofSeconds(1));
            System.out.println("shop: published orders.created and audit.login");

            // Only the exported stream arrives, renamed with the partner's
            // prefix.
            for (var sub : subs.entrySet()) {
                Message msg = sub.getValue().nextMessage(Duration.ofMillis(500));
                if (msg == null) {
                    System.out.println("partner: on " + sub.getKey() + " nothing");
                } else {
                    System.out.println("partner: on " + sub.getKey() + " received " + msg.getSubject() + ": " + text(msg));
                }
            }

            partner.drain(Duration.ofSeconds(5)).get();
            shop.drain(Duration.ofSeconds(5)).get();
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Message msg) {
        return new String(msg.getData(), StandardCharsets.UTF_8);
    }
}
