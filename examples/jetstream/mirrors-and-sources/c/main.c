// Mirrors and sources let one stream be filled from others by the server
// itself. From the C client we only declare them: a `jsStreamSource`
// struct names the origin stream (and optionally a subject filter), and
// the stream configuration points at one (`Mirror`) or at an array of them
// (`Sources`).
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

#define STREAMS 5
static const char *streams[STREAMS] = {"ORDERS_EU", "ORDERS_US", "ORDERS_EU_BACKUP",
                                       "ORDERS_ALL", "PRIORITY"};

static void
publish(jsCtx *js, const char *region, const char **kinds, int count)
{
    jsErrCode jerr = 0;
    char subject[48], data[48];
    for (int i = 0; i < count; i++) {
        snprintf(subject, sizeof(subject), "orders.%s.%s", region, kinds[i]);
        int len = snprintf(data, sizeof(data), "%s %s order", region, kinds[i]);
        check(js_Publish(NULL, js, subject, data, len, NULL, &jerr), jerr, "publish");
    }
}

// Copying happens in the background: the server runs an internal
// consumer for each mirror and source. So we poll the stream info every
// 100 ms until the expected count arrives, with a deadline so a broken
// setup fails instead of hanging.
static void
wait_for(jsCtx *js, const char *stream, uint64_t expected)
{
    int64_t give_up = nats_Now() + 5000;
    uint64_t messages = 0;
    for (;;) {
        jsStreamInfo *si = NULL;
        jsErrCode jerr = 0;
        check(js_GetStreamInfo(&si, js, stream, NULL, &jerr), jerr, "stream info");
        messages = si->State.Msgs;
        jsStreamInfo_Destroy(si);
        if (messages >= expected || nats_Now() > give_up)
            break;
        nats_Sleep(100);
    }
    printf("  %s: %llu messages\n", stream, (unsigned long long)messages);
}

// Read one stored message by sequence with `js_GetMsg`, which returns it
// as a `natsMsg` for us to destroy.
static void
show_msg(jsCtx *js, const char *label, const char *stream, uint64_t seq)
{
    natsMsg *msg = NULL;
    jsErrCode jerr = 0;
    check(js_GetMsg(&msg, js, stream, seq, NULL, &jerr), jerr, "get message");
    printf("%-24s%s '%.*s'\n", label, natsMsg_GetSubject(msg), natsMsg_GetDataLength(msg),
           natsMsg_GetData(msg));
    natsMsg_Destroy(msg);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    natsStatus s;

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");

    // Start clean: delete the five streams if an interrupted run left them
    // (a missing one is `NATS_NOT_FOUND`).
    for (int i = STREAMS - 1; i >= 0; i--) {
        s = js_DeleteStream(js, streams[i], NULL, &jerr);
        if (s != NATS_NOT_FOUND)
            check(s, jerr, "delete stream");
    }

    // Two origin streams, one per region, each taking orders on its own
    // subjects. Each order is either `standard` or `priority`.
    const char *eu_subjects[] = {"orders.eu.>"};
    const char *us_subjects[] = {"orders.us.>"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "ORDERS_EU";
    cfg.Subjects = eu_subjects;
    cfg.SubjectsLen = 1;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add ORDERS_EU");
    jsStreamConfig_Init(&cfg);
    cfg.Name = "ORDERS_US";
    cfg.Subjects = us_subjects;
    cfg.SubjectsLen = 1;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add ORDERS_US");

    const char *eu_kinds[] = {"standard", "priority", "standard"};
    const char *us_kinds[] = {"priority", "standard", "standard", "priority"};
    publish(js, "eu", eu_kinds, 3);
    publish(js, "us", us_kinds, 4);
    printf("published 3 orders to ORDERS_EU and 4 to ORDERS_US\n");

    // A mirror is a read-only copy of exactly one stream: same messages,
    // same sequence numbers. It has no subjects of its own, so nobody can
    // publish into it. Mirrors serve as backups, or as read replicas
    // placed closer to where the data is read. `jsStreamSource_Init`
    // prepares the source struct; the configuration only points at it, so
    // it must live until `js_AddStream` returns (here, on the stack).
    jsStreamSource mirror;
    jsStreamSource_Init(&mirror);
    mirror.Name = "ORDERS_EU";
    jsStreamConfig_Init(&cfg);
    cfg.Name = "ORDERS_EU_BACKUP";
    cfg.Mirror = &mirror;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add mirror");

    // A stream with sources aggregates one or more streams, each message
    // getting a new sequence in the aggregate. Here ORDERS_ALL combines
    // both regions, and PRIORITY takes only the priority orders from each,
    // using a subject filter per source. `Sources` is an array of
    // pointers, with its length in `SourcesLen`.
    jsStreamSource eu, us;
    jsStreamSource_Init(&eu);
    eu.Name = "ORDERS_EU";
    jsStreamSource_Init(&us);
    us.Name = "ORDERS_US";
    jsStreamSource *both[] = {&eu, &us};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "ORDERS_ALL";
    cfg.Sources = both;
    cfg.SourcesLen = 2;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add ORDERS_ALL");

    jsStreamSource eu_priority, us_priority;
    jsStreamSource_Init(&eu_priority);
    eu_priority.Name = "ORDERS_EU";
    eu_priority.FilterSubject = "orders.eu.priority";
    jsStreamSource_Init(&us_priority);
    us_priority.Name = "ORDERS_US";
    us_priority.FilterSubject = "orders.us.priority";
    jsStreamSource *priority[] = {&eu_priority, &us_priority};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "PRIORITY";
    cfg.Sources = priority;
    cfg.SourcesLen = 2;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add PRIORITY");

    printf("message counts:\n");
    wait_for(js, "ORDERS_EU_BACKUP", 3);
    wait_for(js, "ORDERS_ALL", 7);
    wait_for(js, "PRIORITY", 3);

    // The mirror really is a copy: message 2 has the same subject and
    // data in both streams.
    show_msg(js, "ORDERS_EU seq 2:", "ORDERS_EU", 2);
    show_msg(js, "ORDERS_EU_BACKUP seq 2:", "ORDERS_EU_BACKUP", 2);

    // Mirrors and sources keep following their origins. Two new priority
    // orders, one per region, flow into every stream that wants them.
    const char *one_priority[] = {"priority"};
    publish(js, "eu", one_priority, 1);
    publish(js, "us", one_priority, 1);
    printf("published 1 more priority order to each region\n");
    wait_for(js, "ORDERS_EU_BACKUP", 4);
    wait_for(js, "ORDERS_ALL", 9);
    wait_for(js, "PRIORITY", 5);

    // Clean up: the copies first, then the streams they copy from.
    for (int i = STREAMS - 1; i >= 0; i--)
        check(js_DeleteStream(js, streams[i], NULL, &jerr), jerr, "delete stream");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
