// Core NATS does not wait for slow subscribers. When messages arrive faster
// than a handler takes them, the client buffers them up to a limit, and
// past that limit it drops them and reports a *slow consumer*. In the C
// client the limit is set on the subscription, and the report reaches the
// connection's error handler as `NATS_SLOW_CONSUMER`. POSIX threads hold
// the handler back and let `main` wait for it.
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nats/nats.h>

// Stop at the first failed call, naming the status and the client's own
// description of the error.
static void
check(natsStatus s, const char *what)
{
    if (s == NATS_OK)
        return;
    fprintf(stderr, "%s failed: %s (%s)\n", what, natsStatus_GetText(s), nats_GetLastError(NULL));
    exit(1);
}

// What the handler and the error handler share with `main`, under one
// mutex: the readings handled, whether the handler may go on, and how many
// slow-consumer reports came (with the subject of the last one).
static struct {
    pthread_mutex_t mu;
    pthread_cond_t changed;
    int handled[128];
    int count;
    bool go_on;
    int reports;
    char subject[64];
} state = {.mu = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};

// Dropped messages are not a failure of any call: the client reports them
// to the connection's error handler, on a thread of its own, with the
// subscription they were meant for. nats.c reports a slow consumer once
// per episode of dropping, not once per dropped message. The handler only
// counts; a real one would log or raise an alarm.
static void
on_error(natsConnection *nc, natsSubscription *sub, natsStatus err, void *closure)
{
    (void)nc;
    (void)closure;
    pthread_mutex_lock(&state.mu);
    if (err == NATS_SLOW_CONSUMER) {
        state.reports++;
        snprintf(state.subject, sizeof(state.subject), "%s", natsSubscription_GetSubject(sub));
    } else {
        printf("error: %s\n", natsStatus_GetText(err));
    }
    pthread_cond_signal(&state.changed);
    pthread_mutex_unlock(&state.mu);
}

// The handler is stuck on its first message until `main` lets it go, like
// a handler waiting on a slow database. The client hands a subscription's
// messages to its handler one at a time, so while it waits, new messages
// queue up in the client.
static void
handle(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    (void)closure;
    pthread_mutex_lock(&state.mu);
    if (state.count < 128)
        state.handled[state.count++] = atoi(natsMsg_GetData(msg));
    pthread_cond_signal(&state.changed);
    while (!state.go_on)
        pthread_cond_wait(&state.changed, &state.mu);
    pthread_mutex_unlock(&state.mu);
    natsMsg_Destroy(msg);
}

// Wait, at most five seconds, until the handler has taken `count`
// readings.
static void
wait_for_handled(int count)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&state.mu);
    while (state.count < count) {
        if (pthread_cond_timedwait(&state.changed, &state.mu, &deadline) != 0) {
            fprintf(stderr, "only %d readings handled\n", state.count);
            exit(1);
        }
    }
    pthread_mutex_unlock(&state.mu);
}

// `NATS_URL` may be a comma-separated list, and `natsOptions_SetURL` takes
// a single URL, so the list is split and passed to
// `natsOptions_SetServers`, which copies it.
static natsStatus
set_servers(natsOptions *opts, const char *list)
{
    char copy[1024];
    const char *urls[16];
    int count = 0;
    snprintf(copy, sizeof(copy), "%s", list);
    for (char *save = NULL, *url = strtok_r(copy, ",", &save); url != NULL && count < 16;
         url = strtok_r(NULL, ",", &save))
        urls[count++] = url;
    return natsOptions_SetServers(opts, urls, count);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsOptions *opts = NULL;
    natsConnection *nc = NULL;
    natsConnection *publisher = NULL;
    natsSubscription *sub = NULL;
    int pending = 0, pending_bytes = 0;
    int64_t dropped = 0;
    char reading[16];

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsOptions_Create(&opts), "options");
    check(set_servers(opts, url), "servers");
    check(natsOptions_SetErrorHandler(opts, on_error, NULL), "error handler");
    check(natsConnection_Connect(&nc, opts), "connect");
    natsOptions_Destroy(opts);
    check(natsConnection_ConnectTo(&publisher, url), "connect");

    // `natsSubscription_SetPendingLimits` caps the subscription's buffer:
    // a number of messages and a number of bytes (65,536 messages and
    // 64 MiB by default; -1 for no limit). A tiny limit of 10 messages
    // makes the effect easy to see. The flush makes sure the server has
    // the subscription.
    check(natsConnection_Subscribe(&sub, nc, "sensor.readings", handle, NULL), "subscribe");
    check(natsSubscription_SetPendingLimits(sub, 10, 1024 * 1024), "pending limits");
    check(natsConnection_Flush(nc), "flush");

    // Reading 1 reaches the handler, which is now busy. Then 100 more
    // readings arrive at once. Flushes on both connections make sure all
    // of them have reached the subscriber before we look: the publisher's
    // PONG comes after the server has handled its messages, and ours after
    // the server has sent them to us.
    check(natsConnection_PublishString(publisher, "sensor.readings", "1"), "publish");
    wait_for_handled(1);
    for (int i = 2; i <= 101; i++) {
        snprintf(reading, sizeof(reading), "%d", i);
        check(natsConnection_PublishString(publisher, "sensor.readings", reading), "publish");
    }
    check(natsConnection_Flush(publisher), "flush");
    check(natsConnection_Flush(nc), "flush");

    // Ten readings wait in the buffer, the limit. The other ninety were
    // dropped by the client as they arrived; `natsSubscription_GetDropped`
    // counts them, and the error handler was told once. We wait for that
    // report, which travels on the client's callback thread, with a
    // deadline.
    printf("handler busy with reading 1; 100 more published\n");
    check(natsSubscription_GetPending(sub, &pending, &pending_bytes), "pending");
    check(natsSubscription_GetDropped(sub, &dropped), "dropped");
    printf("pending: %d messages (%d bytes)\n", pending, pending_bytes);
    printf("dropped: %lld\n", (long long)dropped);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&state.mu);
    while (state.reports == 0) {
        if (pthread_cond_timedwait(&state.changed, &state.mu, &deadline) != 0) {
            fprintf(stderr, "no slow consumer report\n");
            exit(1);
        }
    }
    printf("slow consumer errors: %d, subject %s\n", state.reports, state.subject);

    // Once the handler is free it works through what was kept: readings 1
    // to 11. The gap after 11 is the data that was lost.
    state.go_on = true;
    pthread_cond_broadcast(&state.changed);
    pthread_mutex_unlock(&state.mu);
    wait_for_handled(11);
    pthread_mutex_lock(&state.mu);
    printf("handled %d of 101: %d to %d\n", state.count, state.handled[0],
           state.handled[state.count - 1]);
    pthread_mutex_unlock(&state.mu);

    // A slow consumer is not an error of the subscription: it keeps
    // working, and a reading published now arrives as usual.
    check(natsConnection_PublishString(publisher, "sensor.readings", "102"), "publish");
    wait_for_handled(12);
    pthread_mutex_lock(&state.mu);
    printf("still subscribed: reading %d handled\n", state.handled[state.count - 1]);
    pthread_mutex_unlock(&state.mu);

    // The cure is a handler that keeps up on average: faster handling,
    // several members of a queue group sharing the load, or a JetStream
    // consumer, which holds messages on the server until they are asked
    // for. A larger limit only absorbs bursts, and costs memory.
    //
    // The server has a limit of its own, per connection: a client that
    // does not read its socket fast enough, so that more than
    // `max_pending` (64 MiB by default) piles up for it, is disconnected
    // as a slow consumer. The C client reads the socket on a thread of its
    // own, apart from the handlers, so a slow handler fills the client's
    // buffer (and hits the limit above) rather than the server's.
    //
    // Clean up: drain the subscription so the handler is done, then
    // destroy everything and release the library.
    check(natsSubscription_Drain(sub), "drain");
    check(natsSubscription_WaitForDrainCompletion(sub, 1000), "wait for drain");
    natsSubscription_Destroy(sub);
    natsConnection_Destroy(publisher);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
