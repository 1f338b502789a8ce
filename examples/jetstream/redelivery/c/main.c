// A consumer that requires acknowledgements delivers a message again until
// it is acknowledged. This program shows every way a worker can steer
// that, and what happens to a job that never succeeds. In the C client the
// answers are calls on the delivered message (`natsMsg_Ack`,
// `natsMsg_NakWithDelay`, `natsMsg_InProgress`, `natsMsg_Term`); a second
// worker runs on a POSIX thread, and the dead-letter handler is a
// subscription's callback, on a thread of the client.
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

// Delete a stream if it exists: a missing stream answers `NATS_NOT_FOUND`,
// which here is what we want.
static void
delete_stream(jsCtx *js, const char *name)
{
    jsErrCode jerr = 0;
    natsStatus s = js_DeleteStream(js, name, NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");
}

static void
publish(jsCtx *js, const char *subject, const char *data)
{
    jsErrCode jerr = 0;
    check(js_Publish(NULL, js, subject, data, (int)strlen(data), NULL, &jerr), jerr, "publish");
}

// Pull one message, waiting at most `timeout_ms`. `natsSubscription_Fetch`
// fills a `natsMsgList`; when nothing comes in time it returns
// `NATS_TIMEOUT`, and this returns `NULL`. A message taken out of the list
// (its slot set to `NULL`) is ours to destroy; `natsMsgList_Destroy` frees
// the list itself.
static natsMsg *
fetch_one(natsSubscription *sub, int64_t timeout_ms)
{
    natsMsgList list = {0};
    jsErrCode jerr = 0;
    natsStatus s = natsSubscription_Fetch(&list, sub, 1, timeout_ms, &jerr);
    if (s == NATS_TIMEOUT)
        return NULL;
    check(s, jerr, "fetch");
    natsMsg *msg = list.Msgs[0];
    list.Msgs[0] = NULL;
    natsMsgList_Destroy(&list);
    return msg;
}

// A job that must come: fetch it, and describe which attempt this is with
// `NumDelivered`, from the metadata `natsMsg_GetMetaData` parses out of the
// reply subject the server sent the message with.
static natsMsg *
next_job(natsSubscription *sub, int64_t timeout_ms, char *attempt, size_t size)
{
    jsMsgMetaData *meta = NULL;
    natsMsg *msg = fetch_one(sub, timeout_ms);
    if (msg == NULL) {
        fprintf(stderr, "no job came\n");
        exit(1);
    }
    check(natsMsg_GetMetaData(&meta, msg), 0, "metadata");
    snprintf(attempt, size, "%s delivery %llu", natsMsg_GetSubject(msg),
             (unsigned long long)meta->NumDelivered);
    jsMsgMetaData_Destroy(meta);
    return msg;
}

// The second worker of step 2, run on a thread of its own: one pull of
// up to two seconds, and what it got.
typedef struct {
    natsSubscription *sub;
    const char *result;
} second_worker;

static void *
second_worker_run(void *arg)
{
    second_worker *w = arg;
    natsMsg *msg = fetch_one(w->sub, 2000);
    w->result = msg != NULL ? "got it: redelivered!" : "nothing";
    natsMsg_Destroy(msg);
    return NULL;
}

// What the dead-letter handler shares with `main`: the JetStream context
// it works with, and whether it has moved a job yet, guarded by a mutex.
typedef struct {
    jsCtx *js;
    pthread_mutex_t mu;
    pthread_cond_t changed;
    bool moved;
} dead_letters;

// The advisory is a JSON document. The C examples link no JSON library, so
// this reads the one number it needs by finding its key; a real handler
// would parse the document with a JSON library.
static unsigned long long
json_number(natsMsg *msg, const char *key)
{
    const char *at = strstr(natsMsg_GetData(msg), key);
    return at != NULL ? strtoull(at + strlen(key), NULL, 10) : 0;
}

// The dead-letter handler, called on the advisory subscription's own
// thread. It reads the job by its stream sequence (`js_GetMsg` returns a
// message we destroy), copies it to `DEAD` and deletes it from `JOBS`
// (`js_DeleteMsg`). A handler cannot return an error, so it reports one on
// stderr; `main` then waits in vain and fails at its deadline.
static void
dead_letter(natsConnection *nc, natsSubscription *sub, natsMsg *advisory, void *closure)
{
    (void)nc;
    (void)sub;
    dead_letters *dl = closure;
    natsMsg *job = NULL;
    jsErrCode jerr = 0;
    char subject[64];
    unsigned long long seq = json_number(advisory, "\"stream_seq\":");
    unsigned long long deliveries = json_number(advisory, "\"deliveries\":");
    natsMsg_Destroy(advisory);

    natsStatus s = js_GetMsg(&job, dl->js, "JOBS", seq, NULL, &jerr);
    if (s == NATS_OK) {
        printf("advisory: %s (stream seq %llu) gave up after %llu deliveries\n",
               natsMsg_GetSubject(job), seq, deliveries);
        snprintf(subject, sizeof(subject), "dead.%s", natsMsg_GetSubject(job));
        s = js_Publish(NULL, dl->js, subject, natsMsg_GetData(job), natsMsg_GetDataLength(job),
                       NULL, &jerr);
    }
    if (s == NATS_OK)
        s = js_DeleteMsg(dl->js, "JOBS", seq, NULL, &jerr);
    if (s != NATS_OK) {
        fprintf(stderr, "dead letter: %s (%s)\n", natsStatus_GetText(s), nats_GetLastError(NULL));
        natsMsg_Destroy(job);
        return;
    }
    printf("%s copied to %s and deleted from JOBS\n", natsMsg_GetSubject(job), subject);
    natsMsg_Destroy(job);
    pthread_mutex_lock(&dl->mu);
    dl->moved = true;
    pthread_cond_signal(&dl->changed);
    pthread_mutex_unlock(&dl->mu);
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
    natsSubscription *worker = NULL;
    natsSubscription *second = NULL;
    natsSubscription *advisories = NULL;
    natsMsg *msg = NULL;
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    jsConsumerConfig cc;
    jsSubOptions so;
    jsOptions o;
    char attempt[64];

    // Connect, and get a JetStream context with the default options (the
    // JetStream introduction explains the context).
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");

    // Start clean: delete the streams if an interrupted run left them.
    delete_stream(js, "JOBS");
    delete_stream(js, "DEAD");

    // `JOBS` is a work queue, as in [Work-queue Stream](../workqueue-stream/index.md).
    // `DEAD` is a plain stream that keeps the jobs nobody could do: the
    // dead-letter queue, for a person or a repair job to look at later.
    const char *jobs_subjects[] = {"jobs.>"};
    const char *dead_subjects[] = {"dead.>"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "JOBS";
    cfg.Subjects = jobs_subjects;
    cfg.SubjectsLen = 1;
    cfg.Retention = js_WorkQueuePolicy;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream JOBS");
    jsStreamConfig_Init(&cfg);
    cfg.Name = "DEAD";
    cfg.Subjects = dead_subjects;
    cfg.SubjectsLen = 1;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream DEAD");

    // The consumer's redelivery policy. `MaxDeliver = 3` caps the attempts
    // per message. `BackOff` (an array of nanosecond durations, with its
    // length) spaces out redeliveries after an unanswered delivery: the
    // first retry waits 1 s, every later one 2 s (the last step repeats).
    // With a backoff, the server uses its first step as the ack wait and
    // ignores `AckWait`; without one, every redelivery waits `AckWait`,
    // 30 s by default. `jsConsumerConfig_Init` leaves the ack policy at
    // `js_AckExplicit`: every message must be answered.
    //
    // Both workers bind to this consumer with `js_PullSubscribe`: naming
    // `Stream` and `Consumer` in the subscribe options binds to a consumer
    // that exists instead of creating one.
    int64_t backoff[] = {1000000000, 2000000000}; // 1 s, 2 s
    jsConsumerConfig_Init(&cc);
    cc.Durable = "worker";
    cc.MaxDeliver = 3;
    cc.BackOff = backoff;
    cc.BackOffLen = 2;
    check(js_AddConsumer(NULL, js, "JOBS", &cc, NULL, &jerr), jerr, "add consumer");
    jsSubOptions_Init(&so);
    so.Stream = "JOBS";
    so.Consumer = "worker";
    check(js_PullSubscribe(&worker, js, "jobs.>", NULL, NULL, &so, &jerr), jerr, "bind worker");
    printf("consumer worker: max_deliver=3, backoff=[1 s, 2 s]\n");

    // 1. A nak says "not now": the job goes back to the consumer at once
    // (`natsMsg_Nak`), or, with `natsMsg_NakWithDelay`, after the given
    // number of milliseconds. Here the mail server the job needs is down,
    // so the worker asks for it again in a second. A fetch right away
    // finds nothing; the next one, a second later, gets it back. (A nak
    // ignores the backoff; only a delivery left unanswered waits for it.)
    // `natsMsg_AckSync` waits for the server to confirm the ack. These
    // calls do not free the message: we destroy it after answering.
    publish(js, "jobs.1", "send invoice");
    msg = next_job(worker, 3000, attempt, sizeof(attempt));
    printf("%s: nak(delay=1), the mail server is down\n", attempt);
    check(natsMsg_NakWithDelay(msg, 1000, NULL), 0, "nak");
    natsMsg_Destroy(msg);
    msg = fetch_one(worker, 500);
    if (msg != NULL) {
        fprintf(stderr, "the delayed job came back early\n");
        return 1;
    }
    printf("jobs.1 fetch right after: nothing, the delay holds it back\n");
    msg = next_job(worker, 3000, attempt, sizeof(attempt));
    printf("%s: ack\n", attempt);
    check(natsMsg_AckSync(msg, NULL, &jerr), jerr, "ack");
    natsMsg_Destroy(msg);

    // 2. `natsMsg_InProgress` says "still on it": each one restarts the
    // ack wait. This job takes 2.5 s while the ack wait is 1 s, so the
    // worker sends one every half second. Meanwhile a second worker, on a
    // thread of its own, pulls from the same consumer for two seconds and
    // gets nothing: the job is not redelivered behind the first worker's
    // back. (`InProgress` may be sent any number of times; ack, nak and
    // term end the delivery.) `pthread_join` waits for the second worker
    // to finish.
    publish(js, "jobs.2", "render video");
    msg = next_job(worker, 3000, attempt, sizeof(attempt));
    printf("%s: 2.5 s of work, in_progress every 0.5 s\n", attempt);
    check(js_PullSubscribe(&second, js, "jobs.>", NULL, NULL, &so, &jerr), jerr, "bind second");
    second_worker meanwhile = {.sub = second};
    pthread_t thread;
    if (pthread_create(&thread, NULL, second_worker_run, &meanwhile) != 0) {
        fprintf(stderr, "cannot start the second worker\n");
        return 1;
    }
    for (int i = 0; i < 5; i++) {
        nats_Sleep(500);
        check(natsMsg_InProgress(msg, NULL), 0, "in progress");
    }
    pthread_join(thread, NULL);
    printf("jobs.2 second worker meanwhile: %s\n", meanwhile.result);
    check(natsMsg_AckSync(msg, NULL, &jerr), jerr, "ack");
    natsMsg_Destroy(msg);
    printf("jobs.2 ack: done in one delivery\n");

    // 3. `natsMsg_Term` says "never again": the job can't succeed (its
    // input is malformed), so the server must not redeliver it. On a work
    // queue, term removes the message like an ack does, so a worker that
    // wants to keep the job copies it to the dead-letter queue first.
    publish(js, "jobs.3", "{malformed");
    msg = next_job(worker, 3000, attempt, sizeof(attempt));
    check(js_Publish(NULL, js, "dead.jobs.3", natsMsg_GetData(msg), natsMsg_GetDataLength(msg),
                     NULL, &jerr),
          jerr, "publish to DEAD");
    check(natsMsg_Term(msg, NULL), 0, "term");
    natsMsg_Destroy(msg);
    printf("%s: malformed, copied to dead.jobs.3, then term\n", attempt);

    // 4. A job that crashes its worker is never answered at all. The
    // server redelivers it when the ack wait runs out, on the backoff
    // schedule, until `MaxDeliver` is reached. Then it gives up on the
    // message and publishes an *advisory*, a JSON event on
    // `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`;
    // the message itself stays in the stream. The dead-letter handler is
    // an asynchronous subscription to the advisory. (A core subscription
    // misses advisories while the handler is down; a stream whose subjects
    // include the advisory subject keeps them until it is back.)
    dead_letters dl = {.js = js, .mu = PTHREAD_MUTEX_INITIALIZER,
                       .changed = PTHREAD_COND_INITIALIZER};
    check(natsConnection_Subscribe(&advisories, nc,
                                   "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.JOBS.worker",
                                   dead_letter, &dl),
          0, "subscribe to advisories");
    check(natsConnection_Flush(nc), 0, "flush");

    // The worker keeps pulling, as real workers do, and the deliveries
    // come 1 s and then 2 s apart. The fourth pull gets nothing: the
    // server gives up once the last delivery's ack wait (the last backoff
    // step, 2 s) has run out, and the advisory arrives while that pull
    // waits. (nats-server 2.15 sent no advisory to a pull consumer nobody
    // was pulling from.) `nats_Now` is the time in milliseconds.
    publish(js, "jobs.4", "resize a 0-byte image");
    int64_t last = nats_Now();
    for (int n = 0; n < 4; n++) {
        msg = fetch_one(worker, 4000);
        if (msg == NULL) {
            printf("jobs.4 next fetch: nothing, the server has given up on it\n");
            break;
        }
        jsMsgMetaData *meta = NULL;
        check(natsMsg_GetMetaData(&meta, msg), 0, "metadata");
        printf("%s delivery %llu", natsMsg_GetSubject(msg), (unsigned long long)meta->NumDelivered);
        if (n > 0)
            printf(", %lld s later", (long long)((nats_Now() - last + 500) / 1000));
        printf(": no ack (the worker crashed)\n");
        last = nats_Now();
        jsMsgMetaData_Destroy(meta);
        natsMsg_Destroy(msg);
    }

    // The handler has moved the job by now; wait for it, at most two
    // seconds.
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 2;
    pthread_mutex_lock(&dl.mu);
    while (!dl.moved) {
        if (pthread_cond_timedwait(&dl.changed, &dl.mu, &deadline) != 0) {
            fprintf(stderr, "the dead-letter handler did not move the job\n");
            return 1;
        }
    }
    pthread_mutex_unlock(&dl.mu);

    // What is left: nothing in the work queue, two jobs in the dead-letter
    // queue. `Stream.Info.SubjectsFilter` asks stream info for the
    // subjects stored, in no particular order; we sort them.
    check(js_GetStreamInfo(&si, js, "JOBS", NULL, &jerr), jerr, "stream info");
    printf("JOBS holds %llu messages; ", (unsigned long long)si->State.Msgs);
    jsStreamInfo_Destroy(si);
    jsOptions_Init(&o);
    o.Stream.Info.SubjectsFilter = ">";
    check(js_GetStreamInfo(&si, js, "DEAD", &o, &jerr), jerr, "stream info");
    printf("DEAD holds");
    jsStreamStateSubjects *dead = si->State.Subjects;
    if (dead != NULL) {
        qsort(dead->List, dead->Count, sizeof(dead->List[0]), by_name);
        for (int i = 0; i < dead->Count; i++)
            printf("%s %s", i == 0 ? "" : ",", dead->List[i].Subject);
    }
    printf("\n");
    jsStreamInfo_Destroy(si);

    // Clean up. Unsubscribing from the advisories waits for a handler
    // call in progress to return; destroying the workers' subscriptions
    // leaves the consumer on the server, and deleting the streams deletes
    // it with them.
    check(natsSubscription_Unsubscribe(advisories), 0, "unsubscribe");
    natsSubscription_Destroy(advisories);
    natsSubscription_Destroy(worker);
    natsSubscription_Destroy(second);
    delete_stream(js, "JOBS");
    delete_stream(js, "DEAD");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
