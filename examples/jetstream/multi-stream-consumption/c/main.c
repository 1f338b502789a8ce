// A consumer always belongs to exactly one stream, yet one service often
// needs data from several. This program consumes three streams at once
// with the C client's pull subscriptions and POSIX threads: one thread per
// stream fetches, and a small queue guarded by a mutex merges what they
// fetch into one flow that `main` handles.
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

#define STREAMS 3
#define EVENTS 6
static const char *names[STREAMS] = {"ORDERS", "PAYMENTS", "SHIPPING"};
static const char *filters[STREAMS] = {"orders.>", "payments.>", "shipping.>"};

// The merge point: a queue of (stream, message) pairs, a flag that tells
// the pumps to stop, a mutex over both and a condition variable that wakes
// `main` when something is queued.
typedef struct {
    int stream;
    natsMsg *msg;
} item;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t queued;
    item items[64];
    int count;
    bool stop;
} merged = {.mu = PTHREAD_MUTEX_INITIALIZER, .queued = PTHREAD_COND_INITIALIZER};

// One pump per stream, on its own thread: fetch batches from the stream's
// consumer and put each message on the queue, tagged with the stream it
// came from. A fetch that finds nothing returns `NATS_TIMEOUT` after half a
// second; the pump just asks again until it is told to stop. The list is
// freed with `natsMsgList_Destroy` after its messages were moved to the
// queue (and the list's slots cleared, so they are not destroyed twice).
typedef struct {
    int stream;
    natsSubscription *sub;
    pthread_t thread;
} pump;

static void *
run_pump(void *arg)
{
    pump *p = arg;
    for (;;) {
        pthread_mutex_lock(&merged.mu);
        bool stop = merged.stop;
        pthread_mutex_unlock(&merged.mu);
        if (stop)
            return NULL;

        natsMsgList list = {0};
        jsErrCode jerr = 0;
        natsStatus s = natsSubscription_Fetch(&list, p->sub, 10, 500, &jerr);
        if (s == NATS_TIMEOUT)
            continue;
        check(s, jerr, "fetch");
        pthread_mutex_lock(&merged.mu);
        for (int i = 0; i < list.Count && merged.count < 64; i++) {
            merged.items[merged.count++] = (item){p->stream, list.Msgs[i]};
            list.Msgs[i] = NULL;
        }
        pthread_cond_signal(&merged.queued);
        pthread_mutex_unlock(&merged.mu);
        natsMsgList_Destroy(&list);
    }
}

// A handled message, with what the printout needs from its metadata: the
// stream sequence and the time the stream stored it (nanoseconds since
// the epoch).
typedef struct {
    int stream;
    natsMsg *msg;
    uint64_t seq;
    int64_t stored;
} handled;

static int
by_stream_then_seq(const void *a, const void *b)
{
    const handled *x = a, *y = b;
    if (x->stream != y->stream)
        return x->stream - y->stream;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static int
by_time_stored(const void *a, const void *b)
{
    const handled *x = a, *y = b;
    return (x->stored > y->stored) - (x->stored < y->stored);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    pump pumps[STREAMS];
    handled done[EVENTS];
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    jsSubOptions so;
    natsStatus s;

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");

    // Three independent streams, as three teams might own them: orders,
    // payments and shipping. Each has its own subjects, limits and
    // retention, and none knows about the others. (Start clean: delete
    // them first if an interrupted run left them; a missing one is
    // `NATS_NOT_FOUND`.)
    for (int i = 0; i < STREAMS; i++) {
        s = js_DeleteStream(js, names[i], NULL, &jerr);
        if (s != NATS_NOT_FOUND)
            check(s, jerr, "delete stream");
        jsStreamConfig_Init(&cfg);
        cfg.Name = names[i];
        cfg.Subjects = &filters[i];
        cfg.SubjectsLen = 1;
        check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream");
    }

    // Our service keeps a timeline of everything that happens to an order,
    // so it creates one durable pull consumer per stream, all named
    // `timeline`. Each consumer tracks its own position and acks, so the
    // service can stop and resume every stream independently. Each gets a
    // pump thread.
    for (int i = 0; i < STREAMS; i++) {
        pumps[i] = (pump){.stream = i};
        jsSubOptions_Init(&so);
        so.Stream = names[i];
        check(js_PullSubscribe(&pumps[i].sub, js, filters[i], "timeline", NULL, &so, &jerr),
              jerr, "pull subscribe");
        if (pthread_create(&pumps[i].thread, NULL, run_pump, &pumps[i]) != 0) {
            fprintf(stderr, "could not start a pump\n");
            exit(1);
        }
    }

    // Other services publish the life of order 1001 across the three
    // streams, all at once.
    static const char *events[EVENTS][2] = {
        {"orders.created", "order 1001 created"},
        {"payments.authorized", "order 1001: 42.00 EUR authorized"},
        {"orders.confirmed", "order 1001 confirmed"},
        {"shipping.packed", "order 1001 packed"},
        {"payments.captured", "order 1001: 42.00 EUR captured"},
        {"shipping.delivered", "order 1001 delivered"},
    };
    for (int i = 0; i < EVENTS; i++)
        check(js_Publish(NULL, js, events[i][0], events[i][1], (int)strlen(events[i][1]), NULL,
                         &jerr),
              jerr, "publish");

    // A single loop handles the merged flow, so the service's logic never
    // has to care how many streams feed it. The ack goes back to the
    // consumer of the stream the message came from (the message knows its
    // reply subject). The wait for the queue has a deadline.
    //
    // What arrives in order, and what does not: each consumer delivers its
    // stream in stream order, so within a stream the sequence numbers only
    // go up. Between streams there is no order at all; three threads
    // fetch independently, and the queue interleaves their batches in
    // whatever way they happen to finish. So the loop keeps what it needs
    // per stream, and the printout groups by stream.
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    for (int n = 0; n < EVENTS; n++) {
        pthread_mutex_lock(&merged.mu);
        while (merged.count == 0) {
            if (pthread_cond_timedwait(&merged.queued, &merged.mu, &deadline) != 0) {
                fprintf(stderr, "timed out after %d events\n", n);
                exit(1);
            }
        }
        item next = merged.items[0];
        memmove(merged.items, merged.items + 1, --merged.count * sizeof(item));
        pthread_mutex_unlock(&merged.mu);

        jsMsgMetaData *meta = NULL;
        check(natsMsg_GetMetaData(&meta, next.msg), 0, "metadata");
        done[n] = (handled){next.stream, next.msg, meta->Sequence.Stream, meta->Timestamp};
        jsMsgMetaData_Destroy(meta);
        check(natsMsg_Ack(next.msg, NULL), 0, "ack");
    }
    qsort(done, EVENTS, sizeof(handled), by_stream_then_seq);
    for (int i = 0; i < EVENTS; i++)
        printf("%-8s seq %llu  %-19s %.*s\n", names[done[i].stream],
               (unsigned long long)done[i].seq, natsMsg_GetSubject(done[i].msg),
               natsMsg_GetDataLength(done[i].msg), natsMsg_GetData(done[i].msg));

    // When the order across streams matters, it has to come from the
    // data. Every JetStream message carries the time its stream stored it;
    // with one publisher that waited for each acknowledgement, as here,
    // those times put the events back in publishing order. (Events from
    // several publishers need a timestamp or sequence of their own.)
    printf("timeline, by the time each stream stored the event:\n");
    qsort(done, EVENTS, sizeof(handled), by_time_stored);
    for (int i = 0; i < EVENTS; i++) {
        printf("  %-19s %.*s\n", natsMsg_GetSubject(done[i].msg),
               natsMsg_GetDataLength(done[i].msg), natsMsg_GetData(done[i].msg));
        natsMsg_Destroy(done[i].msg);
    }

    // Stop the pumps and wait for their threads, then check each consumer:
    // everything delivered has been acknowledged and nothing is left
    // pending. `natsMsg_Ack` does not wait for the server, so a flush (a
    // round trip) makes sure the acks arrived before we ask.
    pthread_mutex_lock(&merged.mu);
    merged.stop = true;
    pthread_mutex_unlock(&merged.mu);
    for (int i = 0; i < STREAMS; i++)
        pthread_join(pumps[i].thread, NULL);
    check(natsConnection_Flush(nc), 0, "flush");
    for (int i = 0; i < STREAMS; i++) {
        jsConsumerInfo *ci = NULL;
        check(js_GetConsumerInfo(&ci, js, names[i], "timeline", NULL, &jerr), jerr,
              "consumer info");
        printf("%s consumer: acked up to seq %llu, pending %llu\n", names[i],
               (unsigned long long)ci->AckFloor.Stream, (unsigned long long)ci->NumPending);
        jsConsumerInfo_Destroy(ci);
    }

    // Clean up: the subscriptions are destroyed (their consumers stay),
    // then deleting the streams deletes the consumers too.
    for (int i = 0; i < STREAMS; i++) {
        natsSubscription_Destroy(pumps[i].sub);
        check(js_DeleteStream(js, names[i], NULL, &jerr), jerr, "delete stream");
    }
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
