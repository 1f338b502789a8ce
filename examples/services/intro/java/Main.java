// jnats's service API, the `io.nats.service` package, turns request
// handlers into a proper service: named, versioned, discoverable and with
// built-in statistics. `Service` and its builder run the service,
// `ServiceEndpoint` and `Group` describe its endpoints, and `Discovery` is
// the client side of the discovery protocol.
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.service.Discovery;
import io.nats.service.Endpoint;
import io.nats.service.EndpointStats;
import io.nats.service.Group;
import io.nats.service.InfoResponse;
import io.nats.service.PingResponse;
import io.nats.service.Service;
import io.nats.service.ServiceEndpoint;
import io.nats.service.ServiceMessage;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

public class Main {
    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            // A group puts its endpoints under a common subject prefix, so
            // the two endpoints below listen on `text.upper` and
            // `text.words`. Every endpoint is a queue subscription (group
            // `q` unless told otherwise), so starting more instances of the
            // service spreads the requests over them.
            Group text = new Group("text");

            // An endpoint's handler gets a `ServiceMessage` and answers with
            // `respond`. `respondStandardError` sends an error reply
            // instead: an empty body, with the description and code in the
            // `Nats-Service-Error` and `Nats-Service-Error-Code` headers.
            // Handlers run on a dispatcher thread, one request at a time per
            // endpoint.
            ServiceEndpoint upper = ServiceEndpoint.builder()
                    .group(text)
                    .endpointName("upper")
                    .handler(req -> req.respond(nc, body(req).toUpperCase(Locale.ROOT)))
                    .build();
            ServiceEndpoint words = ServiceEndpoint.builder()
                    .group(text)
                    .endpointName("words")
                    .handler(req -> {
                        String input = body(req).strip();
                        if (input.isEmpty()) {
                            req.respondStandardError(nc, "empty input", 400);
                        } else {
                            req.respond(nc, String.valueOf(input.split("\\s+").length));
                        }
                    })
                    .build();

            // A service has a name (shared by all its running instances), a
            // semantic version and an optional description. `startService`
            // subscribes the endpoints and the discovery subjects and
            // returns a future that completes when the service stops.
            Service service = Service.builder()
                    .connection(nc)
                    .name("text")
                    .version("1.0.0")
                    .description("Small text utilities")
                    .addServiceEndpoint(upper)
                    .addServiceEndpoint(words)
                    .build();
            CompletableFuture<Boolean> stopped = service.startService();
            System.out.println("service text 1.0.0 started");

            // Calling an endpoint is a plain NATS request. An error reply is
            // an ordinary reply whose headers carry the error.
            call(nc, "text.upper", "hello nats");
            call(nc, "text.words", "the quick brown fox");
            call(nc, "text.words", "   ");

            // Every service answers three discovery requests on
            // `$SRV.<verb>`, optionally narrowed by service name and
            // instance ID: PING finds running instances, INFO describes
            // their endpoints and STATS reports request counts and errors.
            // Any client, in any language, can ask; the answers are JSON.
            // jnats's `Discovery` sends those requests and parses the
            // answers; asked for all instances, it gathers replies for the
            // time it is given (here half a second) or until it has the
            // number of results it is given.
            Discovery discovery = new Discovery(nc, 500, 10);
            List<PingResponse> pings = discovery.ping();
            PingResponse ping = pings.get(0);
            System.out.println("PING: " + ping.getName() + " " + ping.getVersion()
                    + " (instance id is this service's: " + ping.getId().equals(service.getId()) + ")");

            InfoResponse info = discovery.info("text").get(0);
            System.out.println("INFO: " + info.getName() + " - " + info.getDescription());
            for (Endpoint ep : info.getEndpoints()) {
                System.out.println("  endpoint " + ep.getName() + " on " + ep.getSubject()
                        + " (queue group " + ep.getQueueGroup() + ")");
            }

            // Asking one instance by name and ID returns its answer alone.
            // Note what jnats counts as an error: a handler that throws (the
            // service then answers 500 with the exception's text, and
            // records it as the last error). An error the handler sends on
            // purpose with `respondStandardError` is, to the statistics, a
            // request answered.
            System.out.println("STATS:");
            for (EndpointStats ep : discovery.stats("text", service.getId()).getEndpointStatsList()) {
                String line = "  " + ep.getName() + ": " + ep.getNumRequests() + " request(s), "
                        + ep.getNumErrors() + " error(s)";
                if (ep.getLastError() != null) {
                    line += ", last error " + ep.getLastError();
                }
                System.out.println(line);
            }

            // Stopping the service drains its endpoints and discovery
            // subscriptions; the future from `startService` then completes.
            service.stop();
            stopped.get(5, TimeUnit.SECONDS);
        }
    }

    static String body(ServiceMessage req) {
        return new String(req.getData(), StandardCharsets.UTF_8);
    }

    // Send one request and print the answer, or the error its headers
    // carry.
    static void call(Connection nc, String subject, String input) throws Exception {
        Message reply = nc.request(subject, input.getBytes(StandardCharsets.UTF_8)).get(1, TimeUnit.SECONDS);
        String result;
        if (reply.hasHeaders() && reply.getHeaders().containsKey(ServiceMessage.NATS_SERVICE_ERROR_CODE)) {
            result = "error " + reply.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR_CODE) + ": "
                    + reply.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR);
        } else {
            result = "'" + new String(reply.getData(), StandardCharsets.UTF_8) + "'";
        }
        System.out.println(subject + " '" + input + "' -> " + result);
    }
}
