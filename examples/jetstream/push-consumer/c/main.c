// A push consumer has the server send messages to the client as soon as
// they are available, with no requests in between. Push consumers are the
// older design, and new code should prefer pull consumers; nats.c 3.4 has
// both, through the same JetStream context: `js_SubscribeSync` and
// `js_Subscribe` create (or bind to) a push consumer and return an
// ordinary `natsSubscription`, synchronous or with a handler.
#include <pthread.h>
#include <stdbool.h>
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

// Every JetStream message says in its metadata how many more messages the
// consumer has waiting after it (`NumPending`). `natsMsg_GetMetaData`
// parses it into a struct that we destroy once read.
static uint64_t
pending_after(natsMsg *msg)
{
    jsMsgMetaData *meta = NULL;
    check(natsMsg_GetMetaData(&meta, msg), 0, "metadata");
    uint64_t pending = meta->NumPending;
    jsMsgMetaData_Destroy(meta);
    return pending;
}

// Read a synchronous push subscription: take each message with
// `natsSubscription_NextMsg`, acknowledge it, and stop when none are
// pending after it; then print what came. `natsSubscription_Unsubscribe`
// removes the subscription and, because `js_SubscribeSync` created this
// ephemeral consumer, deletes the consumer on the server too.
static void
receive(const char *label, natsSubscription *sub)
{
    char line[256] = "";
    for (;;) {
        natsMsg *msg = NULL;
        check(natsSubscription_NextMsg(&msg, sub, 2000), 0, "next message");
        size_t used = strlen(line);
        snprintf(line + used, sizeof(line) - used, " %s", natsMsg_GetSubject(msg));
        check(natsMsg_Ack(msg, NULL), 0, "ack");
        uint64_t pending = pending_after(msg);
        natsMsg_Destroy(msg);
        if (pending == 0)
            break;
    }
    printf("%-20s%s\n", label, line);
    check(natsSubscription_Unsubscribe(sub), 0, "unsubscribe");
    natsSubscription_Destroy(sub);
}

// A subscription with a deliver policy, and no durable name: an
// *ephemeral* consumer, which the server also removes some time after its
// subscriber goes away. `jsSubOptions.Config` is the consumer's whole
// configuration.
static natsSubscription *
subscribe(jsCtx *js, jsDeliverPolicy policy, uint64_t start_seq)
{
    natsSubscription *sub = NULL;
    jsErrCode jerr = 0;
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Config.DeliverPolicy = policy;
    so.Config.OptStartSeq = start_seq;
    check(js_SubscribeSync(&sub, js, "events.>", NULL, &so, &jerr), jerr, "subscribe");
    return sub;
}

// What the durable `audit` handler collected, under a mutex: the handler
// runs on the subscription's own thread while `main` waits on the
// condition variable for it to catch up.
static struct {
    pthread_mutex_t mu;
    pthread_cond_t caught_up_cond;
    char subjects[256];
    bool caught_up;
} audit_state = {.mu = PTHREAD_MUTEX_INITIALIZER, .caught_up_cond = PTHREAD_COND_INITIALIZER};

// The handler of the durable push consumer. With `ManualAck` the client
// leaves acknowledging to us, so we can ack only after the work is done;
// without it the client acks when the handler returns. `natsMsg_AckSync`
// waits for the server to confirm, which keeps the consumer info printed
// at the end exact. When no messages are pending after this one, the
// handler tells `main`. It owns the message and destroys it.
static void
audit(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    (void)closure;
    jsErrCode jerr = 0;
    natsStatus s = natsMsg_AckSync(msg, NULL, &jerr);
    if (s != NATS_OK)
        fprintf(stderr, "ack failed: %s\n", natsStatus_GetText(s));
    uint64_t pending = pending_after(msg);
    pthread_mutex_lock(&audit_state.mu);
    size_t used = strlen(audit_state.subjects);
    snprintf(audit_state.subjects + used, sizeof(audit_state.subjects) - used, " %s",
             natsMsg_GetSubject(msg));
    if (pending == 0) {
        audit_state.caught_up = true;
        pthread_cond_signal(&audit_state.caught_up_cond);
    }
    pthread_mutex_unlock(&audit_state.mu);
    natsMsg_Destroy(msg);
}

// Subscribe to the durable consumer `audit` with the handler (creating
// the consumer the first time, binding to it after), wait at most five
// seconds until it has caught up, and print what it received.
static natsSubscription *
audit_until_caught_up(jsCtx *js, const char *label)
{
    natsSubscription *sub = NULL;
    jsErrCode jerr = 0;
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Config.Durable = "audit";
    so.ManualAck = true;
    pthread_mutex_lock(&audit_state.mu);
    audit_state.subjects[0] = '\0';
    audit_state.caught_up = false;
    pthread_mutex_unlock(&audit_state.mu);
    check(js_Subscribe(&sub, js, "events.>", audit, NULL, NULL, &so, &jerr), jerr, "subscribe");

    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&audit_state.mu);
    while (!audit_state.caught_up) {
        if (pthread_cond_timedwait(&audit_state.caught_up_cond, &audit_state.mu, &deadline) != 0) {
            fprintf(stderr, "audit did not catch up:%s\n", audit_state.subjects);
            exit(1);
        }
    }
    printf("%-20s%s\n", label, audit_state.subjects);
    pthread_mutex_unlock(&audit_state.mu);
    return sub;
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
    jsConsumerInfo *ci = NULL;
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    char subject[32], data[32];
    natsStatus s;

    // Connect and get a JetStream context. Start clean: delete the stream
    // if an interrupted run left it (a missing stream is `NATS_NOT_FOUND`).
    // Then store five events.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");
    s = js_DeleteStream(js, "EVENTS", NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");
    const char *subjects[] = {"events.>"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "EVENTS";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream");
    for (int i = 1; i <= 5; i++) {
        snprintf(subject, sizeof(subject), "events.%d", i);
        int len = snprintf(data, sizeof(data), "event %d", i);
        check(js_Publish(NULL, js, subject, data, len, NULL, &jerr), jerr, "publish");
    }

    // The deliver policy picks where a new consumer starts.
    // `js_DeliverAll`, the default, starts at the beginning of the stream.
    receive("deliver all:", subscribe(js, js_DeliverAll, 0));

    // `js_DeliverLast` starts with the last message in the stream.
    receive("deliver last:", subscribe(js, js_DeliverLast, 0));

    // `js_DeliverNew` skips everything already stored and waits for
    // messages published after the consumer was created.
    sub = subscribe(js, js_DeliverNew, 0);
    check(js_Publish(NULL, js, "events.6", "event 6", 7, NULL, &jerr), jerr, "publish");
    receive("deliver new:", sub);

    // `js_DeliverByStartSequence` starts at a stream sequence of our
    // choice, given in `OptStartSeq`.
    receive("start at seq 3:", subscribe(js, js_DeliverByStartSequence, 3));

    // A *durable* push consumer has a name and remembers its position on
    // the server. Here it is read with a handler.
    sub = audit_until_caught_up(js, "durable audit:");

    // While no one is subscribed, the server holds delivery back.
    // `natsSubscription_Destroy` removes our subscription but, since
    // nats.c 3.4, leaves the consumer (`Unsubscribe` would have deleted
    // it, as the subscribe call created it). Two more events are
    // published; subscribing again with the same durable name binds to the
    // same consumer, which resumes after the last message it delivered
    // and sends only the new ones.
    natsSubscription_Destroy(sub);
    check(js_Publish(NULL, js, "events.7", "event 7", 7, NULL, &jerr), jerr, "publish");
    check(js_Publish(NULL, js, "events.8", "event 8", 7, NULL, &jerr), jerr, "publish");
    sub = audit_until_caught_up(js, "audit, resubscribed:");

    // The consumer's own view, from the server.
    check(js_GetConsumerInfo(&ci, js, "EVENTS", "audit", NULL, &jerr), jerr, "consumer info");
    printf("%-20s delivered=%llu ack_floor=%llu num_pending=%llu\n", "audit consumer info:",
           (unsigned long long)ci->Delivered.Stream, (unsigned long long)ci->AckFloor.Stream,
           (unsigned long long)ci->NumPending);
    jsConsumerInfo_Destroy(ci);

    // Clean up: drain the subscription so its handler is done, then
    // deleting the stream deletes the durable consumer too.
    check(natsSubscription_Drain(sub), 0, "drain");
    check(natsSubscription_WaitForDrainCompletion(sub, 2000), 0, "wait for drain");
    natsSubscription_Destroy(sub);
    check(js_DeleteStream(js, "EVENTS", NULL, &jerr), jerr, "delete stream");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
