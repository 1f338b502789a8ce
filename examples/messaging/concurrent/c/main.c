// Besides the NATS client this example uses POSIX threads (part of the C
// library on Linux): a mutex and condition variable to wait for the jobs,
// and, for the concurrent handler, one thread per message.
#include <pthread.h>
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

// Four jobs and how long each takes to process, in milliseconds. A sleep
// stands in for I/O such as a database query; the jobs are deliberately
// not in order of duration.
#define JOBS 4
static const char *job_names[JOBS] = {"job-1", "job-2", "job-3", "job-4"};
static const int64_t job_ms[JOBS] = {400, 100, 300, 200};

// How many jobs have finished, guarded by a mutex because handlers and
// job threads run on threads of their own; the condition variable wakes
// `main` when the count changes.
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int finished = 0;

// The work itself, shared by both handlers: look the job up by its
// payload (the client ends every received payload with a NUL, so it can
// be compared as a string), sleep its duration, then print and count it.
static void
process(natsMsg *msg)
{
    int job = 0;
    while (job < JOBS - 1 && strcmp(natsMsg_GetData(msg), job_names[job]) != 0)
        job++;
    nats_Sleep(job_ms[job]);
    pthread_mutex_lock(&mu);
    printf("  %s done (%.1f s of work)\n", job_names[job], job_ms[job] / 1000.0);
    finished++;
    pthread_cond_signal(&changed);
    pthread_mutex_unlock(&mu);
}

// Sequential: the handler does the work before it returns. The C client
// delivers a subscription's messages on that subscription's own thread,
// one at a time, so the next message waits until this call returns: the
// jobs run one after another, in the order they were published, and the
// total is the sum of all durations.
static void
sequential(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    (void)closure;
    process(msg);
    natsMsg_Destroy(msg);
}

// Concurrent: the handler starts a thread for the message and returns at
// once, so the client hands over the next message right away and the
// waits overlap. The message now belongs to that thread, which destroys
// it when the job is done. `main` keeps each thread's id, to join it
// before the program ends.
//
// In a real service, bound the work in flight (a fixed pool of threads
// fed by a queue, say) so a burst of messages cannot start thousands of
// threads at once.
static pthread_t threads[JOBS];
static int started = 0;

static void *
run_job(void *arg)
{
    natsMsg *msg = arg;
    process(msg);
    natsMsg_Destroy(msg);
    return NULL;
}

static void
concurrent(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    (void)closure;
    if (started == JOBS || pthread_create(&threads[started], NULL, run_job, msg) != 0) {
        fprintf(stderr, "could not start a thread for %s\n", natsMsg_GetData(msg));
        natsMsg_Destroy(msg);
        return;
    }
    started++;
}

// The total time, in words. The two cases to tell apart are "the sum of
// the durations" (one job after another) and "the longest job" (all at
// once). The program prints which one the measurement matches, rather
// than the milliseconds, so its output is the same on every run.
static void
describe(int64_t elapsed_ms, char *out, size_t size)
{
    int64_t sum = 0, longest = 0;
    for (int i = 0; i < JOBS; i++) {
        sum += job_ms[i];
        if (job_ms[i] > longest)
            longest = job_ms[i];
    }
    if (llabs(elapsed_ms - sum) < 150)
        snprintf(out, size, "%.1f s, the sum of the durations", sum / 1000.0);
    else if (llabs(elapsed_ms - longest) < 150)
        snprintf(out, size, "%.1f s, the longest job", longest / 1000.0);
    else
        snprintf(out, size, "%.2f s", elapsed_ms / 1000.0);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    natsSubscription *sub = NULL;
    const char *names[2] = {"sequential", "concurrent"};
    natsMsgHandler handlers[2] = {sequential, concurrent};
    char subject[32];
    char total[64];

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), "connect");

    // Run the same four jobs through each handler and time them from the
    // first publish until the last job has finished. The wait has a
    // deadline, so a lost message fails the program instead of hanging
    // it. Draining the subscription afterwards waits until its handler
    // has returned for the last time, so the next round starts clean.
    for (int round = 0; round < 2; round++) {
        printf("%s:\n", names[round]);
        pthread_mutex_lock(&mu);
        finished = 0;
        pthread_mutex_unlock(&mu);
        snprintf(subject, sizeof(subject), "work.%s", names[round]);
        check(natsConnection_Subscribe(&sub, nc, subject, handlers[round], NULL), "subscribe");

        int64_t start = nats_Now();
        for (int i = 0; i < JOBS; i++)
            check(natsConnection_PublishString(nc, subject, job_names[i]), "publish");

        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 5;
        pthread_mutex_lock(&mu);
        while (finished < JOBS) {
            if (pthread_cond_timedwait(&changed, &mu, &deadline) != 0) {
                fprintf(stderr, "timed out with %d jobs finished\n", finished);
                exit(1);
            }
        }
        describe(nats_Now() - start, total, sizeof(total));
        printf("  all %d jobs in %s\n", finished, total);
        pthread_mutex_unlock(&mu);

        check(natsSubscription_Drain(sub), "drain");
        check(natsSubscription_WaitForDrainCompletion(sub, 1000), "wait for drain");
        natsSubscription_Destroy(sub);
        sub = NULL;
    }

    // What to notice: sequentially the jobs finish in publish order and
    // the total is the sum (0.4 + 0.1 + 0.3 + 0.2 = 1.0 s). Concurrently
    // they finish shortest first, and the total is that of the longest job
    // (0.4 s). The price is that completion order no longer follows
    // publish order.
    //
    // When shutting down, wait for your own threads too: draining only
    // waits for the handler calls, which returned long ago. Joining each
    // thread also releases what the system holds for it.
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
