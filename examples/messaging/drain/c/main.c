// Draining is part of the core client. Besides it, this example uses an
// options object (to be told when the connection has closed) and POSIX
// threads (part of the C library on Linux) to wait for the callbacks.
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

#define JOBS 6

// What the callbacks report, guarded by a mutex: how many jobs the handler
// started and finished, whether the handler is done for good, and whether
// the connection has closed. The condition variable wakes `main` on every
// change.
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t changed;
    int started;
    int handled;
    bool handler_done;
    bool closed;
} service;

static void
update(service *svc, int started, int handled, bool handler_done, bool closed)
{
    pthread_mutex_lock(&svc->mu);
    svc->started += started;
    svc->handled += handled;
    svc->handler_done |= handler_done;
    svc->closed |= closed;
    pthread_cond_signal(&svc->changed);
    pthread_mutex_unlock(&svc->mu);
}

// A slow handler: each job takes 0.1 s. The client hands a subscription's
// messages to its handler one at a time, on the subscription's own
// thread, so while one job is being handled the rest wait in the
// client's buffer.
static void
handle(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    service *svc = closure;
    update(svc, 1, 0, false, false);
    nats_Sleep(100);
    printf("  handled %s\n", natsMsg_GetData(msg));
    natsMsg_Destroy(msg);
    update(svc, 0, 1, false, false);
}

// Called once the subscription is closed and its handler has returned for
// the last time (`natsSubscription_SetOnCompleteCB`).
static void
handler_finished(void *closure)
{
    update(closure, 0, 0, true, false);
}

// Called, on a thread of the client, once the connection is closed
// (`natsOptions_SetClosedCB`).
static void
connection_closed(natsConnection *nc, void *closure)
{
    (void)nc;
    update(closure, 0, 0, false, true);
}

// Wait, at most five seconds, until `ready` says the state is what we
// want. The deadline turns a bug into a clear failure instead of a hang.
static void
wait_until(service *svc, bool (*ready)(const service *))
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&svc->mu);
    while (!ready(svc)) {
        if (pthread_cond_timedwait(&svc->changed, &svc->mu, &deadline) != 0) {
            fprintf(stderr, "timed out: %d jobs handled\n", svc->handled);
            exit(1);
        }
    }
    pthread_mutex_unlock(&svc->mu);
}

static bool
third_job_started(const service *svc)
{
    return svc->started >= 3;
}

static bool
all_over(const service *svc)
{
    return svc->handler_done && svc->closed;
}

// `NATS_URL` may be a comma-separated list, and `natsOptions_SetURL` takes
// a single URL, so a program that connects through an options object
// splits the list and passes the pieces to `natsOptions_SetServers`,
// which copies them.
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

// Runs a small service and shuts it down with `close` or `drain` while it
// still has work buffered.
static void
run(const char *url, bool drain)
{
    natsOptions *opts = NULL;
    natsConnection *nc = NULL;
    natsSubscription *sub = NULL;
    service svc = {.mu = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};
    const char *name = drain ? "drain" : "close";
    char job[16];
    int pending = 0;
    int64_t delivered = 0;

    // A connection with settings beyond the URL starts from a
    // `natsOptions` object. The closed callback is how a program learns
    // that the connection has really closed. `natsConnection_Connect`
    // copies the options, so we destroy ours right away.
    check(natsOptions_Create(&opts), "options");
    check(set_servers(opts, url), "servers");
    check(natsOptions_SetClosedCB(opts, connection_closed, &svc), "closed callback");
    check(natsConnection_Connect(&nc, opts), "connect");
    natsOptions_Destroy(opts);
    printf("%s():\n", name);

    check(natsConnection_Subscribe(&sub, nc, "jobs", handle, &svc), "subscribe");
    check(natsSubscription_SetOnCompleteCB(sub, handler_finished, &svc), "complete callback");

    // Publish six jobs on the same connection, then flush: the server
    // answers the flush's PING after it has sent us the six messages, and
    // the client reads in order, so when the flush returns all six are
    // here. Each is either with the handler (`delivered`) or waiting in
    // the buffer (`pending`).
    for (int i = 1; i <= JOBS; i++) {
        snprintf(job, sizeof(job), "job-%d", i);
        check(natsConnection_PublishString(nc, "jobs", job), "publish");
    }
    check(natsConnection_Flush(nc), "flush");
    check(natsSubscription_GetPending(sub, &pending, NULL), "pending");
    check(natsSubscription_GetDelivered(sub, &delivered), "delivered");
    printf("  %d jobs received, handling them...\n", pending + (int)delivered);

    // Shut down once two jobs are done and the third is under way, as if
    // the process had been told to stop (by SIGTERM during a deploy, say).
    wait_until(&svc, third_job_started);
    printf("  calling %s()\n", name);
    if (!drain) {
        // `natsConnection_Close` closes at once and discards the buffered
        // jobs. A C thread cannot be interrupted, though: the job the
        // handler is in the middle of still runs to its end.
        natsConnection_Close(nc);
    } else {
        // `natsConnection_Drain` unsubscribes, lets the handler finish
        // every message already received, then closes. It returns at
        // once and works in the background, for at most 30 seconds
        // (`natsConnection_DrainTimeout` sets another limit).
        check(natsConnection_Drain(nc), "drain");
    }

    // Either way, wait until the handler has returned for the last time
    // and the connection is closed; only then may `svc` go out of scope
    // and the objects be destroyed.
    wait_until(&svc, all_over);
    printf("%s(): %d of %d jobs handled, %d lost\n", name, svc.handled, JOBS,
           JOBS - svc.handled);
    natsSubscription_Destroy(sub);
    natsConnection_Destroy(nc);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";

    // Same service, same six jobs, two ways to stop. Notice that `close`
    // loses the three jobs still buffered, while `drain` keeps handling
    // until all six are done. A single subscription can be drained the
    // same way with `natsSubscription_Drain`, leaving the connection open.
    run(url, false);
    run(url, true);
    nats_Close();
    return 0;
}
