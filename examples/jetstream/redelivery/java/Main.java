// A consumer that requires acknowledgements delivers a message again until
// it is acknowledged. This program shows every way a worker can steer
// that, and what happens to a job that never succeeds. Besides jnats's
// consumer API it uses Jackson to read the server's advisory, and the
// clock to say how far apart the redeliveries came.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.StreamContext;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

public class Main {
    // The server's error code for "stream not found".
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();

            // Start clean: delete the streams if an interrupted run left
            // them.
            for (String stream : List.of("JOBS", "DEAD")) {
                try {
                    jsm.deleteStream(stream);
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                        throw e;
                    }
                }
            }

            // `JOBS` is a work queue, as in the work-queue stream example.
            // `DEAD` is a plain stream that keeps the jobs nobody could do:
            // the dead-letter queue, for a person or a repair job to look at
            // later.
            jsm.addStream(StreamConfiguration.builder().name("JOBS").subjects("jobs.>")
                    .retentionPolicy(RetentionPolicy.WorkQueue).build());
            jsm.addStream(StreamConfiguration.builder().name("DEAD").subjects("dead.>").build());

            // The consumer's redelivery policy. `maxDeliver(3)` caps the
            // attempts per message. `backoff` spaces out redeliveries after
            // an unanswered delivery: the first retry waits 1 s, every later
            // one 2 s (the last step repeats). With a backoff, the server
            // uses its first step as the ack wait and ignores `ackWait`;
            // without one, every redelivery waits `ackWait`, 30 s by
            // default.
            StreamContext jobs = nc.getStreamContext("JOBS");
            ConsumerContext worker = jobs.createOrUpdateConsumer(ConsumerConfiguration.builder()
                    .durable("worker")
                    .maxDeliver(3)
                    .backoff(Duration.ofSeconds(1), Duration.ofSeconds(2))
                    .build());
            System.out.println("consumer worker: max_deliver=3, backoff=[1 s, 2 s]");

            // 1. `nak` says "not now": the job goes back to the consumer at
            // once, or, with `nakWithDelay`, after the delay. Here the mail
            // server the job needs is down, so the worker asks for it again
            // in a second. A fetch right away (with `noWait`, so it returns
            // at once) finds nothing; the next pull, a second later, gets it
            // back. (A plain `nak` ignores the backoff; only a delivery left
            // unanswered waits for it.)
            js.publish("jobs.1", bytes("send invoice"));
            Message msg = nextJob(worker, 3);
            System.out.println(attempt(msg) + ": nak(delay=1), the mail server is down");
            msg.nakWithDelay(Duration.ofSeconds(1));
            try (FetchConsumer fetch = worker.fetch(FetchConsumeOptions.builder().maxMessages(1).noWait().build())) {
                if (fetch.nextMessage() == null) {
                    System.out.println("jobs.1 fetch right after: nothing, the delay holds it back");
                }
            }
            msg = nextJob(worker, 3);
            System.out.println(attempt(msg) + ": ack");
            msg.ackSync(Duration.ofSeconds(1));

            // 2. `inProgress` says "still on it": each one restarts the ack
            // wait. This job takes 2.5 s while the ack wait is 1 s, so the
            // worker sends one every half second. Meanwhile a second worker,
            // on another thread with its own context for the same consumer,
            // pulls and gets nothing: the job is not redelivered behind the
            // first worker's back. (`inProgress` may be sent any number of
            // times; `ack`, `nak` and `term` end the delivery.)
            js.publish("jobs.2", bytes("render video"));
            msg = nextJob(worker, 3);
            System.out.println(attempt(msg) + ": 2.5 s of work, in_progress every 0.5 s");
            ConsumerContext second = nc.getConsumerContext("JOBS", "worker");
            CompletableFuture<String> meanwhile = CompletableFuture.supplyAsync(() -> {
                try {
                    return second.next(Duration.ofSeconds(2)) == null ? "nothing" : "got it: redelivered!";
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            for (int i = 0; i < 5; i++) {
                Thread.sleep(500);
                msg.inProgress();
            }
            System.out.println("jobs.2 second worker meanwhile: " + meanwhile.get(5, TimeUnit.SECONDS));
            msg.ackSync(Duration.ofSeconds(1));
            System.out.println("jobs.2 ack: done in one delivery");

            // 3. `term` says "never again": the job can't succeed (its input
            // is malformed), so the server must not redeliver it. On a work
            // queue, `term` removes the message like an ack does, so a
            // worker that wants to keep the job copies it to the dead-letter
            // queue first.
            js.publish("jobs.3", bytes("{malformed"));
            msg = nextJob(worker, 3);
            js.publish("dead.jobs.3", msg.getData());
            msg.term();
            System.out.println(attempt(msg) + ": malformed, copied to dead.jobs.3, then term");

            // 4. A job that crashes its worker is never answered at all. The
            // server redelivers it when the ack wait runs out, on the backoff
            // schedule, until `maxDeliver` is reached. Then it gives up on
            // the message and publishes an *advisory*, a JSON event on
            // `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`;
            // the message itself stays in the stream. A dead-letter handler
            // subscribes to the advisory, reads the job by its stream
            // sequence, copies it to `DEAD` and deletes it from `JOBS`. It
            // runs on a dispatcher thread and may make JetStream calls there:
            // jnats delivers their answers on a thread of its own. (A core
            // subscription misses advisories while the handler is down; a
            // stream whose subjects include the advisory subject keeps them
            // until it is back.)
            CountDownLatch moved = new CountDownLatch(1);
            ObjectMapper json = new ObjectMapper();
            nc.createDispatcher().subscribe("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.JOBS.worker", advisory -> {
                try {
                    JsonNode event = json.readTree(advisory.getData());
                    long seq = event.path("stream_seq").asLong();
                    MessageInfo job = jsm.getMessage("JOBS", seq);
                    System.out.println("advisory: " + job.getSubject() + " (stream seq " + seq + ") gave up after "
                            + event.path("deliveries").asLong() + " deliveries");
                    js.publish("dead." + job.getSubject(), job.getData());
                    jsm.deleteMessage("JOBS", seq);
                    System.out.println(job.getSubject() + " copied to dead." + job.getSubject() + " and deleted from JOBS");
                    moved.countDown();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });

            // The worker keeps pulling, as real workers do, and the
            // deliveries come 1 s and then 2 s apart. The fourth pull gets
            // nothing: the server gives up once the last delivery's ack wait
            // (the last backoff step, 2 s) has run out. It does so while a
            // pull request is waiting: nats-server 2.15 sent no advisory to a
            // pull consumer nobody was pulling from.
            js.publish("jobs.4", bytes("resize a 0-byte image"));
            long last = System.nanoTime();
            for (int n = 0; n < 4; n++) {
                msg = nextJob(worker, 4);
                if (msg == null) {
                    System.out.println("jobs.4 next fetch: nothing, the server has given up on it");
                    break;
                }
                String later = n == 0 ? "" : ", " + Math.round((System.nanoTime() - last) / 1e9) + " s later";
                last = System.nanoTime();
                System.out.println(attempt(msg) + later + ": no ack (the worker crashed)");
            }
            if (!moved.await(2, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no advisory arrived");
            }

            // What is left: nothing in the work queue, two jobs in the
            // dead-letter queue.
            long left = jsm.getStreamInfo("JOBS").getStreamState().getMsgCount();
            String dead = jsm.getStreamInfo("DEAD", StreamInfoOptions.filterSubjects(">")).getStreamState()
                    .getSubjects().stream().map(Subject::getName).sorted().collect(Collectors.joining(", "));
            System.out.println("JOBS holds " + left + " messages; DEAD holds " + dead);

            // Clean up: deleting the streams deletes the consumer too.
            for (String stream : List.of("JOBS", "DEAD")) {
                jsm.deleteStream(stream);
            }
        }
    }

    // Pull one job, waiting at most `seconds`; null if none came.
    // `next` sends a pull request for one message.
    static Message nextJob(ConsumerContext worker, int seconds) throws Exception {
        return worker.next(Duration.ofSeconds(seconds));
    }

    // Each message says which attempt this is: `deliveredCount` in its
    // metadata, parsed from the reply subject the server sent it with.
    static String attempt(Message msg) {
        return msg.getSubject() + " delivery " + msg.metaData().deliveredCount();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
