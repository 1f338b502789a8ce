// This example needs only the NATS client, and POSIX threads (part of the
// C library on Linux) for the lock that the shared handler takes.
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nats/nats.h>

// Stop at the first failed call, naming the status and the client's own
// description of the error. Exiting without destroying anything is fine
// here: the operating system reclaims it all.
static void
check(natsStatus s, const char *what)
{
    if (s == NATS_OK)
        return;
    fprintf(stderr, "%s failed: %s (%s)\n", what, natsStatus_GetText(s),
            nats_GetLastError(NULL));
    exit(1);
}

#define SUBJECTS 3
#define ORDERS 2
static const char *subjects[SUBJECTS] = {"orders.created", "payments.received",
                                         "shipments.sent"};
static const char *steps[SUBJECTS] = {"created", "paid", "shipped"};

// The state of every order, fed by all three subjects: which steps each
// order has passed, the orders each subject delivered in the sequence they
// came, and how many messages were handled. One mutex guards it all, and
// the condition variable tells `main` when every order is complete.
static struct {
    pthread_mutex_t mu;
    pthread_cond_t complete;
    bool passed[ORDERS][SUBJECTS];
    int per_subject[SUBJECTS][ORDERS + 4];
    int received[SUBJECTS];
    int handled;
    int done_after;
} state = {.mu = PTHREAD_MUTEX_INITIALIZER, .complete = PTHREAD_COND_INITIALIZER};

// One handler for all three subscriptions: each passes the index of its
// subject as the closure, so the handler knows which step a message
// records without comparing subjects.
//
// The C client gives every asynchronous subscription its own delivery
// thread, so this function can be running for two subjects at the same
// moment: the lock is not optional. (`natsOptions_UseGlobalMessageDelivery`
// moves the subscriptions onto a shared pool of threads instead, which
// saves threads but still promises no order between subscriptions.)
static void
on_event(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    int step = *(const int *)closure;
    int order = atoi(natsMsg_GetData(msg) + strlen("order-")) - 1;

    pthread_mutex_lock(&state.mu);
    state.handled++;
    if (order >= 0 && order < ORDERS) {
        state.passed[order][step] = true;
        if (state.received[step] < ORDERS + 4)
            state.per_subject[step][state.received[step]++] = order;
    }

    // A condition that depends on several subjects at once: stop once
    // every order has passed all three steps. Because the merged order is
    // not the publishing order, the state records each step passed rather
    // than only the last message seen.
    bool all = true;
    for (int o = 0; o < ORDERS; o++)
        for (int s = 0; s < SUBJECTS; s++)
            all = all && state.passed[o][s];
    if (all && state.done_after == 0) {
        state.done_after = state.handled;
        pthread_cond_signal(&state.complete);
    }
    pthread_mutex_unlock(&state.mu);
    natsMsg_Destroy(msg);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    natsConnection *publisher = NULL;
    natsSubscription *subs[SUBJECTS] = {NULL};
    static const int index[SUBJECTS] = {0, 1, 2};

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), "connect");

    // One subscription per subject, all with the same handler. The flush
    // is a round trip: when it returns, the server knows all three.
    for (int i = 0; i < SUBJECTS; i++)
        check(natsConnection_Subscribe(&subs[i], nc, subjects[i], on_event,
                                       (void *)&index[i]),
              "subscribe");
    check(natsConnection_Flush(nc), "flush");

    // Meanwhile another service (here, one more connection) publishes the
    // events of two orders, all at once.
    //
    // What NATS guarantees: the messages of one publisher reach each
    // subscription in the order they were published. Nothing more: there
    // is no order between different publishers, and none between
    // subscriptions. Here each subscription's messages are handed over on
    // its own thread, and the threads run as the system schedules them,
    // so the handler may see a payment before the creation of its order
    // although it was published later.
    static const struct {
        int subject;
        const char *order;
    } events[] = {
        {0, "order-1"}, {0, "order-2"}, {1, "order-2"},
        {1, "order-1"}, {2, "order-2"}, {2, "order-1"},
    };
    check(natsConnection_ConnectTo(&publisher, url), "connect");
    for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
        check(natsConnection_PublishString(publisher, subjects[events[i].subject],
                                           events[i].order),
              "publish");
    printf("published %zu events on %d subjects at once\n", sizeof(events) / sizeof(events[0]),
           SUBJECTS);

    // Wait, with a deadline, until the handler says every order is
    // complete, and after how many messages.
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&state.mu);
    while (state.done_after == 0) {
        if (pthread_cond_timedwait(&state.complete, &state.mu, &deadline) != 0) {
            fprintf(stderr, "timed out after %d messages\n", state.handled);
            exit(1);
        }
    }
    printf("every order created, paid and shipped after %d messages, stopping\n",
           state.done_after);

    // Per subject, the orders came in the sequence they were published:
    // that is the order NATS does guarantee. The status of an order is
    // the furthest step it passed.
    for (int s = 0; s < SUBJECTS; s++) {
        printf("%-18s in publishing order:", subjects[s]);
        for (int i = 0; i < state.received[s]; i++)
            printf("%s order-%d", i == 0 ? "" : ",", state.per_subject[s][i] + 1);
        printf("\n");
    }
    printf("final status:");
    for (int o = 0; o < ORDERS; o++) {
        int furthest = 0;
        for (int s = 0; s < SUBJECTS; s++)
            if (state.passed[o][s])
                furthest = s;
        printf("%s order-%d=%s", o == 0 ? "" : ",", o + 1, steps[furthest]);
    }
    printf("\n");
    pthread_mutex_unlock(&state.mu);

    // Draining each subscription waits until its handler has returned for
    // the last time; then everything is destroyed and the library closed.
    for (int i = 0; i < SUBJECTS; i++) {
        check(natsSubscription_Drain(subs[i]), "drain");
        check(natsSubscription_WaitForDrainCompletion(subs[i], 1000), "wait for drain");
        natsSubscription_Destroy(subs[i]);
    }
    natsConnection_Destroy(publisher);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
