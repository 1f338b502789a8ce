// A leaf node is a nats-server that extends another server (the hub)
// through a single outbound connection. Clients of the leaf talk to
// clients of the hub as if they shared one server, while the leaf keeps
// its own local clients, security and JetStream. Typical homes for a leaf:
// a factory, a store, a vehicle, an edge site that must keep working when
// its uplink is down. The C client needs nothing special for it.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

// Each side listens on one subject tree named after itself: `hub.>` on the
// hub, `leaf.>` on the leaf. Requests (messages with a reply subject) get
// an answer; any other message is handed to `main` through a one-message
// mailbox, guarded by a mutex because the handler runs on the client's
// delivery thread.
typedef struct {
    const char *name;
    pthread_mutex_t mu;
    pthread_cond_t arrived;
    natsMsg *received;
} side;

static void
handle(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)sub;
    side *me = closure;
    if (natsMsg_GetReply(msg) != NULL) {
        char text[128];
        snprintf(text, sizeof(text), "%s answered %s", me->name, natsMsg_GetSubject(msg));
        natsStatus s = natsConnection_PublishString(nc, natsMsg_GetReply(msg), text);
        if (s != NATS_OK)
            fprintf(stderr, "answer failed: %s\n", natsStatus_GetText(s));
        natsMsg_Destroy(msg);
        return;
    }
    pthread_mutex_lock(&me->mu);
    natsMsg_Destroy(me->received);
    me->received = msg;
    pthread_cond_signal(&me->arrived);
    pthread_mutex_unlock(&me->mu);
}

// Take the message the handler left in the mailbox, waiting at most a
// second for it; it is then ours to destroy.
static natsMsg *
take(side *me)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 1;
    pthread_mutex_lock(&me->mu);
    while (me->received == NULL) {
        if (pthread_cond_timedwait(&me->arrived, &me->mu, &deadline) != 0) {
            fprintf(stderr, "%s: nothing arrived\n", me->name);
            exit(1);
        }
    }
    natsMsg *msg = me->received;
    me->received = NULL;
    pthread_mutex_unlock(&me->mu);
    return msg;
}

// The leaf connection carries subscription interest both ways, so the
// leaf forwards `hub.>` messages to the hub and the hub forwards `leaf.>`
// messages to the leaf. That news crosses the link asynchronously; a
// request sent in the first moments may find `NATS_NO_RESPONDERS`, so the
// first request in each direction tries again, until a deadline.
static void
request(natsConnection *nc, const char *who, const char *subject)
{
    natsMsg *reply = NULL;
    natsStatus s;
    int64_t give_up = nats_Now() + 5000;
    while ((s = natsConnection_Request(&reply, nc, subject, NULL, 0, 1000)) ==
               NATS_NO_RESPONDERS &&
           nats_Now() < give_up)
        nats_Sleep(50);
    check(s, 0, "request");
    printf("%s client: request %s -> %.*s\n", who, subject, natsMsg_GetDataLength(reply),
           natsMsg_GetData(reply));
    natsMsg_Destroy(reply);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *hub = NULL;
    natsConnection *leaf = NULL;
    natsSubscription *hub_sub = NULL;
    natsSubscription *leaf_sub = NULL;
    jsCtx *js_hub = NULL;
    jsCtx *hub_js = NULL;
    jsCtx *leaf_js = NULL;
    jsPubAck *ack = NULL;
    jsStreamInfo *si = NULL;
    jsStreamNamesList *names = NULL;
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    jsOptions o;
    natsStatus s;
    side hub_side = {"hub", PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL};
    side leaf_side = {"leaf", PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL};

    // The recorder starts a hub and a leaf that dials into it, and gives
    // each its own URL. A client does not need to know which kind of
    // server it is using; it connects as usual.
    const char *hub_url = getenv("NATS_URL_HUB");
    const char *leaf_url = getenv("NATS_URL_LEAF");
    check(natsConnection_ConnectTo(&hub, hub_url ? hub_url : "nats://127.0.0.1:4222"), 0,
          "connect to the hub");
    check(natsConnection_ConnectTo(&leaf, leaf_url ? leaf_url : "nats://127.0.0.1:4223"), 0,
          "connect to the leaf");

    // Each flush is a round trip: when it returns, that server has the
    // subscription.
    check(natsConnection_Subscribe(&hub_sub, hub, "hub.>", handle, &hub_side), 0, "subscribe");
    check(natsConnection_Flush(hub), 0, "flush");
    check(natsConnection_Subscribe(&leaf_sub, leaf, "leaf.>", handle, &leaf_side), 0,
          "subscribe");
    check(natsConnection_Flush(leaf), 0, "flush");

    request(leaf, "leaf", "hub.orders.count");
    request(hub, "hub", "leaf.line1.status");

    // Plain publish-subscribe flows both ways as well: an alert from the
    // leaf reaches the hub, a command from the hub reaches the leaf.
    check(natsConnection_PublishString(leaf, "hub.alerts.temperature", "line 1 at 81C"), 0,
          "publish");
    natsMsg *msg = take(&hub_side);
    printf("hub client received %s: %.*s\n", natsMsg_GetSubject(msg),
           natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
    natsMsg_Destroy(msg);

    check(natsConnection_PublishString(hub, "leaf.commands.line1", "slow down"), 0, "publish");
    msg = take(&leaf_side);
    printf("leaf client received %s: %.*s\n", natsMsg_GetSubject(msg),
           natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
    natsMsg_Destroy(msg);

    // JetStream stays separate: the hub and the leaf each run their own,
    // in the JetStream domains `hub` and `leaf`. A JetStream context made
    // without options uses the JetStream of the server it is connected
    // to; `Domain` in `jsOptions` reaches another domain through the leaf
    // connection. Here the leaf client creates a stream on the hub and
    // stores an event in it; the publish ack names the domain that stored
    // it. (Start clean: delete the stream first if an interrupted run left
    // it; a missing one is `NATS_NOT_FOUND`.)
    jsOptions_Init(&o);
    o.Domain = "hub";
    check(natsConnection_JetStream(&js_hub, leaf, &o), 0, "JetStream context");
    s = js_DeleteStream(js_hub, "EVENTS", NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");
    const char *subjects[] = {"events.>"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "EVENTS";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    check(js_AddStream(NULL, js_hub, &cfg, NULL, &jerr), jerr, "add stream");
    check(js_Publish(&ack, js_hub, "events.shift", "shift 2 started", 15, NULL, &jerr), jerr,
          "publish");
    printf("leaf client: stored events.shift in domain %s -> stream %s, seq %llu\n",
           ack->Domain != NULL ? ack->Domain : "(none)", ack->Stream,
           (unsigned long long)ack->Sequence);
    jsPubAck_Destroy(ack);

    // Seen from each side: the hub has the stream; the leaf's own
    // JetStream has no streams at all (`js_StreamNames` then answers
    // `NATS_NOT_FOUND`, an empty list).
    check(natsConnection_JetStream(&hub_js, hub, NULL), 0, "JetStream context");
    check(js_GetStreamInfo(&si, hub_js, "EVENTS", NULL, &jerr), jerr, "stream info");
    printf("hub client: stream EVENTS has %llu message(s)\n", (unsigned long long)si->State.Msgs);
    jsStreamInfo_Destroy(si);
    check(natsConnection_JetStream(&leaf_js, leaf, NULL), 0, "JetStream context");
    s = js_StreamNames(&names, leaf_js, NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "stream names");
    printf("leaf client: streams in domain leaf: %d\n", names != NULL ? names->Count : 0);
    jsStreamNamesList_Destroy(names);

    // Clean up, through the leaf connection again: delete the hub's stream.
    // Then every object goes, in the reverse order of creation.
    check(js_DeleteStream(js_hub, "EVENTS", NULL, &jerr), jerr, "delete stream");
    jsCtx_Destroy(leaf_js);
    jsCtx_Destroy(hub_js);
    jsCtx_Destroy(js_hub);
    check(natsSubscription_Drain(leaf_sub), 0, "drain");
    check(natsSubscription_WaitForDrainCompletion(leaf_sub, 1000), 0, "wait for drain");
    check(natsSubscription_Drain(hub_sub), 0, "drain");
    check(natsSubscription_WaitForDrainCompletion(hub_sub, 1000), 0, "wait for drain");
    natsSubscription_Destroy(leaf_sub);
    natsSubscription_Destroy(hub_sub);
    natsConnection_Destroy(leaf);
    natsConnection_Destroy(hub);
    nats_Close();
    return 0;
}
