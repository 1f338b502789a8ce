// Three stream features that change where messages go and how they are
// read: a subject transform rewrites the subject of every message as the
// stream stores it, republish copies every stored message to core NATS
// subscribers, and direct get reads one message without going through the
// stream leader's API. nats.c 3.4.1 has the last two in its
// `jsStreamConfig` (`RePublish`, `AllowDirect`) and a call for direct get
// (`js_DirectGetMsg`); subject transforms came to the server after it, so
// the stream that uses one is created with a JetStream API request the
// program writes itself.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

// Stop at the first failed call. For a JetStream call, `jerr` holds the
// server's error code (0 when the failure happened before the server
// answered), and `nats_GetLastError` the server's description.
static void
check(natsStatus s, jsErrCode jerr, const char *what)
{
    if (s == NATS_OK)
        return;
    fprintf(stderr, "%s failed: %s, JetStream error %d (%s)\n", what, natsStatus_GetText(s),
            (int)jerr, nats_GetLastError(NULL));
    exit(1);
}

// `nats_GetLastError` describes the last failure in this thread. It starts
// with where in the library the error was noted, such as "(js.c:535): ";
// after that comes the server's own description.
static const char *
server_text(void)
{
    const char *text = nats_GetLastError(NULL);
    const char *after = text != NULL && text[0] == '(' ? strstr(text, "): ") : NULL;
    return after != NULL ? after + 3 : text;
}

// Delete the stream if it exists: a missing stream answers
// `NATS_NOT_FOUND`, which here is what we want.
static void
delete_stream(jsCtx *js, const char *name)
{
    jsErrCode jerr = 0;
    natsStatus s = js_DeleteStream(js, name, NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");
}

// A header the server sets on every republished copy. `natsMsgHeader_Get`
// points `value` at a string that belongs to the message.
static const char *
header(natsMsg *msg, const char *key)
{
    const char *value = NULL;
    check(natsMsgHeader_Get(msg, key, &value), 0, key);
    return value;
}

static int
by_name(const void *a, const void *b)
{
    return strcmp(((const jsStreamStateSubject *)a)->Subject,
                  ((const jsStreamStateSubject *)b)->Subject);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    natsSubscription *live = NULL;
    natsMsg *reply = NULL;
    natsMsg *msg = NULL;
    jsPubAck *ack = NULL;
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    jsRePublish loop;
    jsDirectGetMsgOptions get;
    jsOptions o;
    natsStatus s;

    // Connect, and get a JetStream context with the default options (the
    // JetStream introduction explains the context).
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");

    // Start clean: delete the stream if an interrupted run left it.
    delete_stream(js, "ORDERS");

    // Republish sends a copy of each stored message to another subject.
    // That subject must lie outside the stream's own subjects, or every
    // copy would be stored and copied again; the server refuses the loop.
    // `RePublish` points to a `jsRePublish` struct of ours: a source
    // pattern, matched against stored subjects, and a destination.
    const char *subjects[] = {"orders.*.*"};
    memset(&loop, 0, sizeof(loop));
    loop.Source = "orders.>";
    loop.Destination = "orders.live.>";
    jsStreamConfig_Init(&cfg);
    cfg.Name = "ORDERS";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.RePublish = &loop;
    s = js_AddStream(NULL, js, &cfg, NULL, &jerr);
    if (s == NATS_OK || jerr == 0) {
        fprintf(stderr, "the republish loop was not refused (%s)\n", natsStatus_GetText(s));
        return 1;
    }
    printf("republish into the stream's own subjects: refused: %s\n", server_text());

    // The shop publishes `orders.<id>.<event>`. The stream stores them as
    // `orders.<event>.<id>`: `{{wildcard(2)}}` is the second `*` of the
    // source pattern. Now a consumer or a lookup can filter on the event
    // (`orders.shipped.*`), and the publishers did not change. The
    // republish source matches the stored, transformed subject; here every
    // order is copied to `live.orders.<event>.<id>`. `allow_direct` turns
    // on direct get, used further down.
    //
    // `jsStreamConfig` in nats.c 3.4.1 has no field for the transform, so
    // `js_AddStream` cannot ask for one. Every JetStream call is a request
    // on a `$JS.API.` subject with a JSON body, though, and a program can
    // send one itself: a stream is created by a request to
    // `$JS.API.STREAM.CREATE.<stream>` carrying its configuration. The
    // answer is JSON too: the stream's info, or an `error` object with the
    // server's code and description; with no JSON parser at hand, looking
    // for that key is enough to tell them apart. (Updating this stream
    // later with `js_UpdateStream` would send a configuration without the
    // transform, and remove it: later nats.c releases add the field.)
    const char *create = "{\"name\":\"ORDERS\",\"subjects\":[\"orders.*.*\"],"
                         "\"retention\":\"limits\",\"storage\":\"file\",\"num_replicas\":1,"
                         "\"subject_transform\":{\"src\":\"orders.*.*\","
                         "\"dest\":\"orders.{{wildcard(2)}}.{{wildcard(1)}}\"},"
                         "\"republish\":{\"src\":\"orders.>\",\"dest\":\"live.orders.>\"},"
                         "\"allow_direct\":true}";
    check(natsConnection_RequestString(&reply, nc, "$JS.API.STREAM.CREATE.ORDERS", create, 5000),
          0, "create request");
    if (strstr(natsMsg_GetData(reply), "\"error\"") != NULL) {
        fprintf(stderr, "create refused: %s\n", natsMsg_GetData(reply));
        return 1;
    }
    natsMsg_Destroy(reply);

    // A dashboard follows the orders with a plain core subscription: no
    // consumer, no acknowledgements, nothing kept on the server for it.
    // It sees only what is published while it is subscribed, so the
    // flush, a round trip to the server, makes sure the subscription is in
    // place before the first order.
    check(natsConnection_SubscribeSync(&live, nc, "live.orders.>"), 0, "subscribe");
    check(natsConnection_Flush(nc), 0, "flush");

    // `js_Publish` hands back the stream's acknowledgement, a `jsPubAck`
    // we destroy, with the sequence the message was stored at.
    const char *orders[3][2] = {
        {"orders.17.created", "2 coffees"}, {"orders.17.shipped", "by bike"},
        {"orders.18.created", "1 tea"}};
    for (int i = 0; i < 3; i++) {
        check(js_Publish(&ack, js, orders[i][0], orders[i][1], (int)strlen(orders[i][1]), NULL,
                         &jerr),
              jerr, "publish");
        printf("published %s -> stored as seq %llu\n", orders[i][0],
               (unsigned long long)ack->Sequence);
        jsPubAck_Destroy(ack);
        ack = NULL;
    }

    // `Stream.Info.SubjectsFilter` asks stream info for the subjects
    // stored, in no particular order; we sort them.
    jsOptions_Init(&o);
    o.Stream.Info.SubjectsFilter = ">";
    check(js_GetStreamInfo(&si, js, "ORDERS", &o, &jerr), jerr, "stream info");
    jsStreamStateSubjects *stored = si->State.Subjects;
    printf("stored subjects:");
    if (stored != NULL) {
        qsort(stored->List, stored->Count, sizeof(stored->List[0]), by_name);
        for (int i = 0; i < stored->Count; i++)
            printf("%s %s", i == 0 ? "" : ",", stored->List[i].Subject);
    }
    printf("\n");
    jsStreamInfo_Destroy(si);

    // Each copy arrives on the republish subject, with headers saying
    // where it came from: the stream, the stored subject and its sequence.
    for (int i = 0; i < 3; i++) {
        check(natsSubscription_NextMsg(&msg, live, 2000), 0, "next message");
        printf("  %s: '%.*s' (from %s %s, seq %s)\n", natsMsg_GetSubject(msg),
               natsMsg_GetDataLength(msg), natsMsg_GetData(msg), header(msg, "Nats-Stream"),
               header(msg, "Nats-Subject"), header(msg, "Nats-Sequence"));
        natsMsg_Destroy(msg);
    }

    // Direct get reads a message by sequence, or the last one on a
    // subject, with a plain request on `$JS.API.DIRECT.GET.<stream>`.
    // Every server holding a copy of the stream answers it (replicas, and
    // mirrors with `mirror_direct`), so reads scale out and do not queue
    // behind the leader's API; key-value clients read keys this way when
    // the bucket allows it. `js_DirectGetMsg` takes what to read in a
    // `jsDirectGetMsgOptions`: `LastBySubject` (a wildcard asks for the
    // last message matching it) or `Sequence`. The message it returns is
    // ours; its subject is the stored one, and `natsMsg_GetSequence` its
    // sequence. A subject with no message is `NATS_NOT_FOUND`.
    jsDirectGetMsgOptions_Init(&get);
    get.LastBySubject = "orders.created.*";
    check(js_DirectGetMsg(&msg, js, "ORDERS", NULL, &get), 0, "direct get");
    printf("direct get, last orders.created.*: %s '%.*s' (seq %llu)\n", natsMsg_GetSubject(msg),
           natsMsg_GetDataLength(msg), natsMsg_GetData(msg),
           (unsigned long long)natsMsg_GetSequence(msg));
    natsMsg_Destroy(msg);

    jsDirectGetMsgOptions_Init(&get);
    get.Sequence = 2;
    check(js_DirectGetMsg(&msg, js, "ORDERS", NULL, &get), 0, "direct get");
    printf("direct get, seq 2: %s '%.*s'\n", natsMsg_GetSubject(msg), natsMsg_GetDataLength(msg),
           natsMsg_GetData(msg));
    natsMsg_Destroy(msg);

    jsDirectGetMsgOptions_Init(&get);
    get.LastBySubject = "orders.returned.17";
    s = js_DirectGetMsg(&msg, js, "ORDERS", NULL, &get);
    if (s == NATS_NOT_FOUND) {
        printf("direct get, last orders.returned.17: not found\n");
    } else {
        check(s, 0, "direct get");
        printf("direct get, last orders.returned.17: %s\n", natsMsg_GetSubject(msg));
        natsMsg_Destroy(msg);
    }

    // Clean up: the subscription, then the stream, the JetStream context
    // and the connection, and the library's own resources.
    natsSubscription_Destroy(live);
    delete_stream(js, "ORDERS");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
