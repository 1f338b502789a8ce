// A stream knows every subject it holds messages for and how many
// messages each one has. In the C client the list comes with the stream
// info, when the request asks for it through a `jsOptions` struct.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

// Stop at the first failed call. For a JetStream call, `jerr` holds the
// server's error code (0 when the failure happened before the server
// answered), and `nats_GetLastError` the description.
static void
check(natsStatus s, jsErrCode jerr, const char *what)
{
    if (s == NATS_OK)
        return;
    fprintf(stderr, "%s failed: %s, JetStream error %d (%s)\n", what, natsStatus_GetText(s),
            (int)jerr, nats_GetLastError(NULL));
    exit(1);
}

static int
by_subject(const void *a, const void *b)
{
    return strcmp(((const jsStreamStateSubject *)a)->Subject,
                  ((const jsStreamStateSubject *)b)->Subject);
}

// `jsOptions_Init` prepares the per-call options of a JetStream request;
// `Stream.Info.SubjectsFilter` asks the stream info for the subjects that
// match a filter, each with its number of messages. They come in
// `State.Subjects`, a list (`List`, `Count`) owned by the `jsStreamInfo`,
// so destroying the info frees it too. The list is in no particular
// order; we sort it (in place, it is ours until destroyed) so the output
// is stable.
static void
list_subjects(jsCtx *js, const char *filter)
{
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    jsOptions o;
    jsOptions_Init(&o);
    o.Stream.Info.SubjectsFilter = filter;
    check(js_GetStreamInfo(&si, js, "SENSORS", &o, &jerr), jerr, "stream info");
    jsStreamStateSubjects *subjects = si->State.Subjects;
    int count = subjects != NULL ? subjects->Count : 0;
    printf("filter '%s': %d subject(s)\n", filter, count);
    if (count > 0)
        qsort(subjects->List, count, sizeof(jsStreamStateSubject), by_subject);
    for (int i = 0; i < count; i++)
        printf("  %s: %llu\n", subjects->List[i].Subject,
               (unsigned long long)subjects->List[i].Msgs);
    jsStreamInfo_Destroy(si);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    jsOptions o;
    natsStatus s;

    // Connect and get a JetStream context. Start clean: delete the stream
    // if an interrupted run left it (a missing stream is `NATS_NOT_FOUND`).
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");
    s = js_DeleteStream(js, "SENSORS", NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");

    // A stream of sensor readings, one subject per region and metric. The
    // stream captures `sensors.>`, so the subjects are created simply by
    // publishing to them; nothing declares them ahead of time.
    const char *subjects[] = {"sensors.>"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "SENSORS";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream");
    static const struct {
        const char *subject;
        int count;
    } readings[] = {
        {"sensors.eu.temp", 3},
        {"sensors.eu.humidity", 2},
        {"sensors.us.temp", 4},
        {"sensors.us.pressure", 1},
    };
    int total = 0;
    for (int r = 0; r < 4; r++) {
        for (int i = 1; i <= readings[r].count; i++, total++) {
            char data[32];
            int len = snprintf(data, sizeof(data), "reading %d", i);
            check(js_Publish(NULL, js, readings[r].subject, data, len, NULL, &jerr), jerr,
                  "publish");
        }
    }
    printf("published %d readings on 4 subjects\n", total);

    // Plain stream info reports totals only. Listing subjects can be
    // expensive on a stream with millions of them, so the server leaves
    // the list out unless the request asks for it: `State.Subjects` is
    // `NULL`.
    check(js_GetStreamInfo(&si, js, "SENSORS", NULL, &jerr), jerr, "stream info");
    printf("stream info: %llu messages, subjects=%s\n", (unsigned long long)si->State.Msgs,
           si->State.Subjects == NULL ? "NULL" : "(a list)");
    jsStreamInfo_Destroy(si);

    // With a filter, the list comes back. `>` matches every subject.
    list_subjects(js, ">");

    // Filters use the usual NATS wildcards: `*` matches one token, `>`
    // the rest of the subject. So we can ask for one region, or for one
    // metric across all regions, or check a single subject.
    list_subjects(js, "sensors.eu.*");
    list_subjects(js, "sensors.*.temp");
    list_subjects(js, "sensors.us.pressure");

    // The list always reflects what the stream holds right now. Purge the
    // pressure readings (`js_PurgeStream` with `Stream.Purge.Subject` set
    // purges only that subject) and that subject is gone; a filter that
    // matches nothing returns no subjects at all.
    jsOptions_Init(&o);
    o.Stream.Purge.Subject = "sensors.us.pressure";
    check(js_PurgeStream(js, "SENSORS", &o, &jerr), jerr, "purge");
    printf("purged sensors.us.pressure\n");
    list_subjects(js, "sensors.us.*");
    list_subjects(js, "sensors.asia.>");

    // Clean up: deleting the stream deletes its messages too.
    check(js_DeleteStream(js, "SENSORS", NULL, &jerr), jerr, "delete stream");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
