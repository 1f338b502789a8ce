// An ordered consumer is the simplest way to read a stream from start to
// finish. In nats.c it is a subscribe option: `Ordered` in `jsSubOptions`
// makes `js_SubscribeSync` (or `js_Subscribe`) create and manage an
// ephemeral push consumer for you, and recreate it when something goes
// wrong.
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

// Read `count` messages and print, for each, its stream sequence (its
// position in the stream) and its consumer sequence (how many this
// consumer has delivered), both from the metadata that
// `natsMsg_GetMetaData` parses (and we destroy). There is nothing to ack.
static void
read_views(natsSubscription *sub, int count, int64_t timeout_ms)
{
    for (int i = 0; i < count; i++) {
        natsMsg *msg = NULL;
        jsMsgMetaData *meta = NULL;
        check(natsSubscription_NextMsg(&msg, sub, timeout_ms), 0, "next message");
        check(natsMsg_GetMetaData(&meta, msg), 0, "metadata");
        printf("stream seq %llu, consumer seq %llu: %s '%.*s'\n",
               (unsigned long long)meta->Sequence.Stream,
               (unsigned long long)meta->Sequence.Consumer, natsMsg_GetSubject(msg),
               natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
        jsMsgMetaData_Destroy(meta);
        natsMsg_Destroy(msg);
    }
}

static void
publish(jsCtx *js, const char **pages, int count)
{
    jsErrCode jerr = 0;
    char subject[32], data[32];
    for (int i = 0; i < count; i++) {
        snprintf(subject, sizeof(subject), "pages.%s", pages[i]);
        int len = snprintf(data, sizeof(data), "view of /%s", pages[i]);
        check(js_Publish(NULL, js, subject, data, len, NULL, &jerr), jerr, "publish");
    }
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    natsSubscription *sub = NULL;
    jsConsumerInfo *info = NULL;
    jsConsumerNamesList *names = NULL;
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    jsSubOptions so;
    natsStatus s;

    // Connect and get a JetStream context. Start clean: delete the stream
    // if an interrupted run left it (a missing stream is `NATS_NOT_FOUND`).
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");
    s = js_DeleteStream(js, "PAGES", NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");

    // A stream of page views with five messages in it. Reading them back in
    // exactly this order is what the rest of the example is about.
    const char *subjects[] = {"pages.>"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "PAGES";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream");
    const char *first[] = {"home", "pricing", "docs", "blog", "signup"};
    publish(js, first, 5);
    printf("published 5 page views\n");

    // `Ordered = true` asks for an ephemeral push consumer that the client
    // manages entirely: no acknowledgements (ack policy none), each message
    // delivered once, a single in-memory replica, and flow control plus
    // idle heartbeats so the client notices when something goes wrong.
    // `Config.Heartbeat` (nanoseconds) shortens the heartbeat to keep this
    // demo fast; the default is five seconds.
    jsSubOptions_Init(&so);
    so.Ordered = true;
    so.Config.Heartbeat = 500000000;
    check(js_SubscribeSync(&sub, js, "pages.>", NULL, &so, &jerr), jerr, "subscribe");

    // `natsSubscription_GetConsumerInfo` asks the server about the consumer
    // behind the subscription. The ack policy is an enum in C; we print
    // its name.
    check(natsSubscription_GetConsumerInfo(&info, sub, NULL, &jerr), jerr, "consumer info");
    printf("consumer: ack_policy=%s replicas=%lld memory=%s\n",
           info->Config->AckPolicy == js_AckNone ? "none" : "other",
           (long long)info->Config->Replicas, info->Config->MemoryStorage ? "true" : "false");

    // Messages arrive in stream order.
    read_views(sub, 5, 2000);

    // Now break it on purpose: delete the consumer on the server, as would
    // happen if the server holding it restarted, then publish three more
    // views. With no consumer there are no heartbeats; the client notices
    // the missing heartbeats and creates a fresh consumer that starts at
    // the stream sequence after the last one it received.
    check(js_DeleteConsumer(js, "PAGES", info->Name, NULL, &jerr), jerr, "delete consumer");
    printf("consumer deleted on the server\n");
    const char *more[] = {"home", "docs", "pricing"};
    publish(js, more, 3);
    printf("published 3 more page views\n");

    // Reading simply continues, once the client has recreated the
    // consumer. Notice the stream sequence picks up at 6 with nothing
    // skipped or repeated, while the consumer sequence starts again at 1:
    // it belongs to the new consumer.
    read_views(sub, 3, 5000);

    // The stream now has one consumer again, under a new name.
    // `js_ConsumerNames` fills a list the client allocates, freed with
    // `jsConsumerNamesList_Destroy`. (Asking the subscription, with
    // `natsSubscription_GetConsumerInfo`, can fail with `NATS_NOT_FOUND`
    // for a moment after the recreation in nats.c 3.4.1: the messages of
    // the new consumer may arrive before the client has noted its name.)
    check(js_ConsumerNames(&names, js, "PAGES", NULL, &jerr), jerr, "consumer names");
    printf("recreated consumer is a new one: %s\n",
           names->Count == 1 && strcmp(names->List[0], info->Name) != 0 ? "true" : "false");
    jsConsumerNamesList_Destroy(names);
    jsConsumerInfo_Destroy(info);

    // Destroying the subscription stops the heartbeat checks. The server
    // would remove the ephemeral consumer on its own once nobody uses it;
    // deleting the stream removes it, and the messages, now.
    natsSubscription_Destroy(sub);
    check(js_DeleteStream(js, "PAGES", NULL, &jerr), jerr, "delete stream");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
