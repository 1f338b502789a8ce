// Say in a sentence or two what this program shows and why it matters.
// Every comment block becomes a paragraph of the page, shown beside the
// code that follows it, so write for a reader who is learning NATS with
// jnats: what each call does, whether it blocks or returns a future, how it
// fails, how it is closed.
//
// This is a single-file program: keep everything in the class `Main`. It
// is compiled and run with the jars pinned in examples/pom.xml on the class
// path, so import from `io.nats.client` (and its `api` and `impl`
// packages) freely.
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.time.Duration;

public class Main {
    public static void main(String[] args) throws Exception {
        // Connect to the servers the recorder started (NATS_URL,
        // comma-separated), or to a local server. Try-with-resources closes
        // the connection however the block ends.
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();
        try (Connection nc = Nats.connect(options)) {
            // Explain each step before its code. Print labelled,
            // deterministic lines (no timestamps, ids or random order): the
            // output is shown on the page, checked against the `expect`
            // patterns of meta.yaml, and replayed at half speed. Delete any
            // stream, consumer, bucket or object store you create before you
            // create it and again at the end, so a second run prints the
            // same as the first.
            System.out.println("connected");

            // Drain the connection so nothing in flight is lost; waiting on
            // the future it returns keeps the program alive until it is
            // closed.
            nc.drain(Duration.ofSeconds(5)).get();
        }
        System.out.println("done");
    }
}
