// A *work-queue* stream hands each message to exactly one consumer and
// deletes it once that consumer acknowledges it. We use the stream
// settings, jnats's simplified consumer API (`StreamContext`,
// `ConsumerContext`, `fetch`), and `JetStreamApiException`, which carries
// the server's reason whenever it refuses a request.
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
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamState;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public class Main {
    // The server's error code for "stream not found".
    static final int STREAM_NOT_FOUND = 10059;

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();

            // Start clean: delete the stream if an interrupted run left it.
            try {
                jsm.deleteStream("JOBS");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }

            // Create the stream with work-queue retention. It behaves like a
            // durable job queue: producers publish jobs, and a job stays in
            // the stream until a worker acknowledges it, then it is gone for
            // good.
            jsm.addStream(StreamConfiguration.builder()
                    .name("JOBS")
                    .subjects("jobs.>")
                    .retentionPolicy(RetentionPolicy.WorkQueue)
                    .build());
            StreamContext jobs = nc.getStreamContext("JOBS");

            // Queue six jobs of two kinds. Unlike an interest stream, a work
            // queue keeps messages while no consumer exists yet: the jobs
            // wait for a worker to show up.
            for (int i = 1; i <= 3; i++) {
                js.publish("jobs.email." + i, ("send email " + i).getBytes(StandardCharsets.UTF_8));
                js.publish("jobs.resize." + i, ("resize image " + i).getBytes(StandardCharsets.UTF_8));
            }
            show(jobs, "6 jobs queued:");

            // A consumer filtered on `jobs.email.>` takes the email jobs.
            // Each acknowledgement deletes the job from the stream;
            // `ackSync` waits for the server to confirm it, so the state
            // printed next is exact.
            ConsumerContext email = jobs.createOrUpdateConsumer(worker("email", "jobs.email.>"));
            for (Message msg : fetch(email, 3)) {
                System.out.println("email worker did " + msg.getSubject() + ": " + text(msg));
                msg.ackSync(Duration.ofSeconds(1));
            }
            show(jobs, "email jobs acked:");

            // Each message may belong to only one consumer, so the server
            // refuses a second consumer whose filter overlaps an existing
            // one. `jobs.>` would also match the email jobs, and creating it
            // throws `JetStreamApiException` with the server's reason.
            try {
                jobs.createOrUpdateConsumer(worker("everything", "jobs.>"));
            } catch (JetStreamApiException e) {
                System.out.println("consumer 'everything' on jobs.> rejected: " + e.getErrorDescription());
            }

            // A filter that does not overlap is fine. The resize worker
            // fetches its three jobs but acknowledges only two: a message
            // that was delivered and not acknowledged stays in the stream,
            // to be delivered again once its ack wait runs out. A worker can
            // also act sooner: ask for redelivery (`nak`, optionally
            // `nakWithDelay`), ask for more time (`inProgress`) or give up on
            // the job (`term`). The Redelivery example shows each of them,
            // and how `maxDeliver` stops a job that keeps failing.
            ConsumerContext resize = jobs.createOrUpdateConsumer(worker("resize", "jobs.resize.>"));
            List<Message> msgs = fetch(resize, 3);
            for (Message msg : msgs.subList(0, 2)) {
                System.out.println("resize worker did " + msg.getSubject() + ": " + text(msg));
                msg.ackSync(Duration.ofSeconds(1));
            }
            show(jobs, "2 of 3 resize jobs acked:");

            // Acknowledging the last job empties the queue.
            Message last = msgs.get(2);
            System.out.println("resize worker did " + last.getSubject() + ": " + text(last));
            last.ackSync(Duration.ofSeconds(1));
            show(jobs, "all jobs acked:");

            // Clean up: deleting the stream deletes its consumers too.
            jsm.deleteStream("JOBS");
        }
    }

    // A durable pull consumer that takes the jobs matching `filter`.
    // Explicit acks are the default for a consumer configuration.
    static ConsumerConfiguration worker(String name, String filter) {
        return ConsumerConfiguration.builder().durable(name).filterSubject(filter).build();
    }

    // Pull up to `count` messages with one pull request, waiting at most a
    // second. The `FetchConsumer` returns null from `nextMessage` once the
    // batch is complete or the request has expired.
    static List<Message> fetch(ConsumerContext consumer, int count) throws Exception {
        List<Message> batch = new ArrayList<>();
        try (FetchConsumer fetch = consumer.fetch(
                FetchConsumeOptions.builder().maxMessages(count).expiresIn(1000).build())) {
            Message msg;
            while ((msg = fetch.nextMessage()) != null) {
                batch.add(msg);
            }
        }
        return batch;
    }

    // After each step, print a summary of the stream: how many jobs it
    // still holds and the range of sequence numbers they span.
    static void show(StreamContext stream, String label) throws Exception {
        StreamState s = stream.getStreamInfo().getStreamState();
        System.out.printf("%-26s messages=%d first_seq=%d last_seq=%d%n",
                label, s.getMsgCount(), s.getFirstSequence(), s.getLastSequence());
    }

    static String text(Message msg) {
        return new String(msg.getData(), StandardCharsets.UTF_8);
    }
}
