// A push consumer with a *deliver group* spreads its messages over several
// subscribers, like a core NATS queue group, but with JetStream's storage
// and acknowledgements behind it. Like every push consumer this is the
// older design (new code that shares work should use a pull consumer,
// which any number of workers can fetch from); in nats.c 3.4 it is
// `js_Subscribe` with a queue name in the subscribe options. The handlers
// run on the client's threads, so the tallies live behind a POSIX mutex.
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

// `nats_GetLastError` describes the last failure in this thread. It starts
// with where in the library the error was noted, such as "(js.c:1750): ";
// the rest is the description.
static const char *
error_text(void)
{
    const char *text = nats_GetLastError(NULL);
    const char *after = text != NULL && text[0] == '(' ? strstr(text, "): ") : NULL;
    return after != NULL ? after + 3 : text;
}

#define WORKERS 3
#define ORDERS 50

// Each worker counts the orders it handles, and we count how often each
// order was handled in total, to check that no order is processed twice.
// By default every asynchronous subscription of the C client has its own
// delivery thread, so three handlers may run at once: the mutex guards the
// counts, and the condition variable wakes `main` when they change.
static struct {
    pthread_mutex_t mu;
    pthread_cond_t changed;
    int per_worker[WORKERS];
    int per_order[ORDERS + 1];
    int handled;
} tally = {.mu = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};

// The handler; its closure is the worker's index. Subjects are
// `orders.<n>`. Without `ManualAck` in the subscribe options the client
// acknowledges each message when the handler returns. The handler owns the
// message and destroys it.
static void
handle(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    int worker = *(const int *)closure;
    int order = atoi(natsMsg_GetSubject(msg) + strlen("orders."));
    pthread_mutex_lock(&tally.mu);
    tally.per_worker[worker]++;
    if (order >= 1 && order <= ORDERS)
        tally.per_order[order]++;
    tally.handled++;
    pthread_cond_signal(&tally.changed);
    pthread_mutex_unlock(&tally.mu);
    natsMsg_Destroy(msg);
}

// Wait, at most five seconds, until the group has handled `expected`
// orders; then return with the mutex held, so the caller can read the
// counts.
static void
wait_for(int expected)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&tally.mu);
    while (tally.handled < expected) {
        if (pthread_cond_timedwait(&tally.changed, &tally.mu, &deadline) != 0) {
            fprintf(stderr, "timed out with %d orders handled\n", tally.handled);
            exit(1);
        }
    }
}

// Print how many orders were handled, how many distinct ones, and how many
// more than once. Called with the mutex held.
static void
print_orders(const char *prefix, int upto)
{
    int distinct = 0, twice = 0;
    for (int i = 1; i <= upto; i++) {
        distinct += tally.per_order[i] > 0;
        twice += tally.per_order[i] > 1;
    }
    printf("%shandled %d orders, %d distinct\n", prefix, tally.handled, distinct);
    if (prefix[0] == '\0')
        printf("orders handled more than once: %d\n", twice);
}

static void
publish(jsCtx *js, int from, int to)
{
    jsErrCode jerr = 0;
    char subject[32], data[32];
    for (int i = from; i <= to; i++) {
        snprintf(subject, sizeof(subject), "orders.%d", i);
        int len = snprintf(data, sizeof(data), "order %d", i);
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
    natsSubscription *subs[WORKERS] = {NULL};
    natsSubscription *outsider = NULL;
    jsConsumerInfo *ci = NULL;
    static const int index[WORKERS] = {0, 1, 2};
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    jsSubOptions so;
    natsStatus s;

    // Connect and get a JetStream context. Start clean: delete the stream
    // if an interrupted run left it (a missing stream is `NATS_NOT_FOUND`),
    // then create a stream for orders.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");
    s = js_DeleteStream(js, "ORDERS", NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");
    const char *subjects[] = {"orders.>"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "ORDERS";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream");

    // Setting `Queue` in the subscribe options makes `js_Subscribe` a queue
    // subscription. The first call creates a durable push consumer named
    // after the queue, with its deliver group set to it; the next calls
    // find that consumer and join the same group. The server hands each
    // message to one member of the group.
    for (int i = 0; i < WORKERS; i++) {
        jsSubOptions_Init(&so);
        so.Queue = "processors";
        check(js_Subscribe(&subs[i], js, "orders.>", handle, (void *)&index[i], NULL, &so,
                           &jerr),
              jerr, "queue subscribe");
    }

    // Publish 30 orders and wait for the group to handle them. Which worker
    // gets which order is up to the server and changes from run to run, so
    // we print totals: every order handled exactly once, and every worker
    // got a share.
    publish(js, 1, 30);
    wait_for(30);
    print_orders("", 30);
    int with_share = 0;
    for (int i = 0; i < WORKERS; i++)
        with_share += tally.per_worker[i] > 0;
    printf("workers that got a share: %d of %d\n", with_share, WORKERS);
    int worker3_before = tally.per_worker[2];
    pthread_mutex_unlock(&tally.mu);

    // Scaling down is just leaving the group. Drain worker-3 (it finishes
    // what it already has; its subscribe call only joined the consumer, so
    // draining it leaves the consumer in place), publish 20 more orders,
    // and the two remaining workers take all of them.
    check(natsSubscription_Drain(subs[2]), 0, "drain");
    check(natsSubscription_WaitForDrainCompletion(subs[2], 2000), 0, "wait for drain");
    natsSubscription_Destroy(subs[2]);
    subs[2] = NULL;
    publish(js, 31, 50);
    wait_for(50);
    print_orders("after worker-3 left: ", 50);
    printf("new orders taken by worker-3: %d\n", tally.per_worker[2] - worker3_before);
    pthread_mutex_unlock(&tally.mu);

    // The consumer itself is an ordinary durable consumer with a deliver
    // group. Every stored order has been delivered, none is pending.
    check(js_GetConsumerInfo(&ci, js, "ORDERS", "processors", NULL, &jerr), jerr,
          "consumer info");
    printf("consumer %s: deliver_group=%s delivered=%llu num_pending=%llu\n", ci->Name,
           ci->Config->DeliverGroup, (unsigned long long)ci->Delivered.Stream,
           (unsigned long long)ci->NumPending);
    jsConsumerInfo_Destroy(ci);

    // A subscriber outside the group cannot bind to this consumer: the
    // client refuses a plain subscription to a consumer that has a deliver
    // group, so messages are never split between group members and an
    // outsider. The refusal is `NATS_ERR` with the reason in the error
    // text; no JetStream code, as the server was never asked.
    jsSubOptions_Init(&so);
    so.Config.Durable = "processors";
    s = js_Subscribe(&outsider, js, "orders.>", handle, (void *)&index[0], NULL, &so, &jerr);
    if (s == NATS_ERR)
        printf("plain subscribe to 'processors' refused: %s\n", error_text());
    else
        check(s, jerr, "plain subscribe");

    // Clean up: drain the remaining workers so their handlers are done,
    // then deleting the stream deletes the consumer too.
    for (int i = 0; i < 2; i++) {
        check(natsSubscription_Drain(subs[i]), 0, "drain");
        check(natsSubscription_WaitForDrainCompletion(subs[i], 2000), 0, "wait for drain");
        natsSubscription_Destroy(subs[i]);
    }
    natsSubscription_Destroy(outsider);
    s = js_DeleteStream(js, "ORDERS", NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
