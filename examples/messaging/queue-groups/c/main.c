// Queue groups are part of core NATS: one extra argument to the subscribe
// call. Their handlers run on the client's threads, so this program also
// uses a POSIX mutex and condition variable (part of the C library on
// Linux) to count what the handlers did and to wait for them.
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

#define WORKERS 3
#define MAX_JOB 40

// The bookkeeping every handler updates: how often each job was handled
// by the group, how many each worker took, and what the monitor saw.
// By default the C client runs every asynchronous subscription's handler
// on a thread of its own, so four handlers (three workers and the
// monitor) can run at once: the mutex serialises them, and the condition
// variable wakes `main` when the counts change.
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t changed;
    int times_handled[MAX_JOB + 1];
    int per_worker[WORKERS];
    int handled;
    int seen;
} tally;

static tally counts = {.mu = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};

// A worker's closure: the pointer the client hands back to its handler.
typedef struct {
    const char *name;
    int index;
} worker;

// The handler of a queue group member. Payloads are `job-<n>`; the client
// adds a terminating NUL after every payload it receives, so `atoi` can
// read the number in place. The handler owns the message and destroys it.
static void
on_job(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    worker *w = closure;
    int job = atoi(natsMsg_GetData(msg) + strlen("job-"));
    pthread_mutex_lock(&counts.mu);
    if (job >= 1 && job <= MAX_JOB)
        counts.times_handled[job]++;
    counts.per_worker[w->index]++;
    counts.handled++;
    pthread_cond_signal(&counts.changed);
    pthread_mutex_unlock(&counts.mu);
    natsMsg_Destroy(msg);
}

// The monitor's handler only counts.
static void
on_monitor(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    (void)closure;
    pthread_mutex_lock(&counts.mu);
    counts.seen++;
    pthread_cond_signal(&counts.changed);
    pthread_mutex_unlock(&counts.mu);
    natsMsg_Destroy(msg);
}

// Wait, at most five seconds, until the group has handled `handled` jobs
// and the monitor has seen `seen`. The deadline turns a bug into a clear
// failure instead of a hang.
static void
wait_for(int handled, int seen)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&counts.mu);
    while (counts.handled < handled || counts.seen < seen) {
        if (pthread_cond_timedwait(&counts.changed, &counts.mu, &deadline) != 0) {
            fprintf(stderr, "timed out: %d jobs handled, %d seen\n", counts.handled,
                    counts.seen);
            exit(1);
        }
    }
    pthread_mutex_unlock(&counts.mu);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *workers[WORKERS] = {NULL};
    natsSubscription *members[WORKERS] = {NULL};
    natsConnection *monitor = NULL;
    natsSubscription *watch = NULL;
    natsConnection *publisher = NULL;
    worker names[WORKERS] = {{"worker-1", 0}, {"worker-2", 1}, {"worker-3", 2}};
    char job[16];

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";

    // Each worker would normally be its own process, so each gets its own
    // connection here, and so do the monitor and the publisher.
    //
    // `natsConnection_QueueSubscribe` is `Subscribe` with a queue group
    // name: all three members use the same subject and the same group,
    // and that is all it takes to share the work. `natsConnection_Flush`
    // is a round trip to the server (a PING answered by a PONG once the
    // server has handled everything sent before it), so when it returns
    // the server knows this member.
    for (int i = 0; i < WORKERS; i++) {
        check(natsConnection_ConnectTo(&workers[i], url), "connect");
        check(natsConnection_QueueSubscribe(&members[i], workers[i], "jobs", "workers", on_job,
                                            &names[i]),
              "queue subscribe");
        check(natsConnection_Flush(workers[i]), "flush");
    }

    // An ordinary subscription on the same subject is not affected by the
    // group: it still receives every message. Typical uses are auditing or
    // metrics next to the workers.
    check(natsConnection_ConnectTo(&monitor, url), "connect");
    check(natsConnection_Subscribe(&watch, monitor, "jobs", on_monitor, NULL), "subscribe");
    check(natsConnection_Flush(monitor), "flush");

    // The publisher connects once everyone is listening. It publishes 30
    // jobs, then we wait until both the group and the monitor have
    // processed 30 messages.
    check(natsConnection_ConnectTo(&publisher, url), "connect");
    for (int i = 1; i <= 30; i++) {
        snprintf(job, sizeof(job), "job-%d", i);
        check(natsConnection_PublishString(publisher, "jobs", job), "publish");
    }
    printf("published 30 jobs\n");
    wait_for(30, 30);

    // Each job reached exactly one member: none is missing and none was
    // handled twice. How many each worker got varies from run to run (the
    // server picks a member at random), but every worker got a share and
    // the shares add up. (With 30 jobs, the chance that one of three
    // members gets none is about 1 in 60,000.)
    pthread_mutex_lock(&counts.mu);
    int distinct = 0, with_share = 0, total = 0;
    for (int i = 1; i <= 30; i++)
        distinct += counts.times_handled[i] > 0;
    for (int i = 0; i < WORKERS; i++) {
        with_share += counts.per_worker[i] > 0;
        total += counts.per_worker[i];
    }
    printf("queue group handled %d jobs, %d of them twice\n", counts.handled,
           counts.handled - distinct);
    printf("workers that got a share: %d of %d\n", with_share, WORKERS);
    printf("jobs per worker vary from run to run, but add up to %d\n", total);

    // The monitor, outside the group, got its own copy of every job. The
    // server delivers each message once to every queue group and once to
    // every plain subscription.
    printf("monitor (no queue group) saw %d jobs\n", counts.seen);
    pthread_mutex_unlock(&counts.mu);

    // Now two workers shut down. Draining the subscription tells the
    // server to stop choosing this member and waits for the round trip
    // that confirms it; `WaitForDrainCompletion` then waits until the
    // handler has finished what it already received. Destroying the
    // subscription and the connection ends the worker.
    for (int i = 1; i < WORKERS; i++) {
        check(natsSubscription_Drain(members[i]), "drain");
        check(natsSubscription_WaitForDrainCompletion(members[i], 1000), "wait for drain");
        natsSubscription_Destroy(members[i]);
        natsConnection_Destroy(workers[i]);
        printf("%s stopped\n", names[i].name);
    }

    // With one member left, the group keeps working: worker-1 gets every
    // new job. Nothing had to be reconfigured; the server just has fewer
    // members to choose from.
    pthread_mutex_lock(&counts.mu);
    int before = counts.per_worker[0];
    pthread_mutex_unlock(&counts.mu);
    for (int i = 31; i <= 40; i++) {
        snprintf(job, sizeof(job), "job-%d", i);
        check(natsConnection_PublishString(publisher, "jobs", job), "publish");
    }
    printf("published 10 more jobs\n");
    wait_for(40, 40);
    pthread_mutex_lock(&counts.mu);
    printf("worker-1 handled %d of them\n", counts.per_worker[0] - before);
    pthread_mutex_unlock(&counts.mu);

    // Stop what is left the same way, destroy everything in the reverse
    // order of creation, and release the library with `nats_Close`.
    check(natsSubscription_Drain(watch), "drain");
    check(natsSubscription_WaitForDrainCompletion(watch, 1000), "wait for drain");
    check(natsSubscription_Drain(members[0]), "drain");
    check(natsSubscription_WaitForDrainCompletion(members[0], 1000), "wait for drain");
    natsConnection_Destroy(publisher);
    natsSubscription_Destroy(watch);
    natsConnection_Destroy(monitor);
    natsSubscription_Destroy(members[0]);
    natsConnection_Destroy(workers[0]);
    nats_Close();
    return 0;
}
