// A stream knows every subject it holds messages for and how many
// messages each one has. In jnats the list comes with the stream info
// when the request asks for it with `StreamInfoOptions`; `PurgeOptions`
// picks which messages a purge removes.
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PurgeOptions;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.StreamState;
import io.nats.client.api.Subject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
                jsm.deleteStream("SENSORS");
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }

            // A stream of sensor readings, one subject per region and
            // metric. The stream captures `sensors.>`, so the subjects are
            // created simply by publishing to them; nothing declares them
            // ahead of time.
            jsm.addStream(StreamConfiguration.builder().name("SENSORS").subjects("sensors.>").build());
            Map<String, Integer> readings = new LinkedHashMap<>();
            readings.put("sensors.eu.temp", 3);
            readings.put("sensors.eu.humidity", 2);
            readings.put("sensors.us.temp", 4);
            readings.put("sensors.us.pressure", 1);
            int total = 0;
            for (var reading : readings.entrySet()) {
                for (int i = 1; i <= reading.getValue(); i++) {
                    js.publish(reading.getKey(), ("reading " + i).getBytes(StandardCharsets.UTF_8));
                    total++;
                }
            }
            System.out.println("published " + total + " readings on " + readings.size() + " subjects");

            // Plain stream info reports totals only: the number of messages
            // and of distinct subjects, but not which. Listing subjects can
            // be expensive on a stream with millions of them, so the server
            // leaves the list out unless the request asks for it, and
            // jnats then gives an empty list.
            StreamState plain = jsm.getStreamInfo("SENSORS").getStreamState();
            System.out.println("stream info: " + plain.getMsgCount() + " messages in " + plain.getSubjectCount()
                    + " subjects, subjects=" + plain.getSubjects());

            // `StreamInfoOptions.filterSubjects` asks for the subjects
            // matching a filter, each with its number of messages; the
            // filter `>` matches them all (`allSubjects()` says the same).
            // A long list comes from the server in pages, and jnats asks
            // for every page before it returns.
            listSubjects(jsm, ">");

            // Filters use the usual NATS wildcards: `*` matches one token,
            // `>` the rest of the subject. So we can ask for one region, or
            // for one metric across all regions, or check a single subject.
            listSubjects(jsm, "sensors.eu.*");
            listSubjects(jsm, "sensors.*.temp");
            listSubjects(jsm, "sensors.us.pressure");

            // The list always reflects what the stream holds right now.
            // Purge the pressure readings and that subject is gone; a filter
            // that matches nothing returns no subjects at all.
            jsm.purgeStream("SENSORS", PurgeOptions.subject("sensors.us.pressure"));
            System.out.println("purged sensors.us.pressure");
            listSubjects(jsm, "sensors.us.*");
            listSubjects(jsm, "sensors.asia.>");

            // Clean up: deleting the stream deletes its messages too.
            jsm.deleteStream("SENSORS");
        }
    }

    // Print the subjects matching a filter and their message counts,
    // sorted so the output is stable (`Subject` sorts by name).
    static void listSubjects(JetStreamManagement jsm, String filter) throws Exception {
        List<Subject> subjects = new ArrayList<>(
                jsm.getStreamInfo("SENSORS", StreamInfoOptions.filterSubjects(filter)).getStreamState().getSubjects());
        subjects.sort(null);
        System.out.println("filter '" + filter + "': " + subjects.size() + " subject(s)");
        for (Subject subject : subjects) {
            System.out.println("  " + subject.getName() + ": " + subject.getCount());
        }
    }
}
