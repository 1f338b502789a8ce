// With a pull consumer, `natsSubscription_Fetch` is how messages get to the
// application. How long it waits and what it returns depend on what the
// stream holds, so this program times every call with `nats_Now` (the
// client's clock, in milliseconds). A POSIX thread publishes a message
// while a fetch is waiting.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

// How long a call waited, in words: "at once", or "after the whole
// timeout". The program prints the words rather than the milliseconds, so
// its output is the same on every run; anything else shows up as a
// measured time.
static const char *
waited(int64_t start, int64_t timeout_ms, char *buf, size_t size)
{
    int64_t elapsed = nats_Now() - start;
    if (elapsed < 200)
        snprintf(buf, size, "at once");
    else if (elapsed > timeout_ms - 50 && elapsed < timeout_ms + 300)
        snprintf(buf, size, "after the whole %g s timeout", timeout_ms / 1000.0);
    else
        snprintf(buf, size, "after %.2f s", elapsed / 1000.0);
    return buf;
}

// The second worker's publisher, run on a thread of its own: 0.3 s after
// it starts it publishes `tasks.8` and notes the time. The JetStream
// context, like the connection, may be used from several threads.
typedef struct {
    jsCtx *js;
    int64_t published_at;
} later;

static void *
publish_later(void *arg)
{
    later *l = arg;
    jsErrCode jerr = 0;
    nats_Sleep(300);
    check(js_Publish(NULL, l->js, "tasks.8", "task 8", 6, NULL, &jerr), jerr, "publish");
    l->published_at = nats_Now();
    return NULL;
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
    natsSubscription *second = NULL;
    natsMsgList list = {0};
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    jsSubOptions so;
    char subject[32], data[32], how[64];
    natsStatus s;

    // Connect and get a JetStream context. Start clean: delete the stream
    // if an interrupted run left it (a missing stream is `NATS_NOT_FOUND`).
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");
    s = js_DeleteStream(js, "TASKS", NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");

    // A backlog of seven messages, and a durable pull consumer to read it.
    const char *subjects[] = {"tasks.>"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "TASKS";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream");
    for (int i = 1; i <= 7; i++) {
        snprintf(subject, sizeof(subject), "tasks.%d", i);
        int len = snprintf(data, sizeof(data), "task %d", i);
        check(js_Publish(NULL, js, subject, data, len, NULL, &jerr), jerr, "publish");
    }
    jsSubOptions_Init(&so);
    so.Stream = "TASKS";
    check(js_PullSubscribe(&sub, js, "tasks.>", "worker", NULL, &so, &jerr), jerr,
          "pull subscribe");

    // `natsSubscription_Fetch(&list, sub, batch, timeout_ms, &jerr)` fills
    // the list with up to `batch` messages. To work through a backlog,
    // fetch in a loop. The first two batches are full. The third asks for
    // 3 while only 1 is left, and returns that one at once: the server
    // tells the client there is nothing more, so `Fetch` does not wait to
    // fill the batch. The fourth finds nothing, waits for the whole
    // timeout and returns `NATS_TIMEOUT`, which is the signal to stop.
    // Each batch is destroyed with `natsMsgList_Destroy` once its messages
    // are acknowledged.
    for (int n = 1; n <= 5; n++) {
        int64_t start = nats_Now();
        s = natsSubscription_Fetch(&list, sub, 3, 500, &jerr);
        if (s == NATS_TIMEOUT) {
            printf("fetch #%d: nothing, %s: backlog done\n", n, waited(start, 500, how, 64));
            break;
        }
        check(s, jerr, "fetch");
        printf("fetch #%d: %d %s:", n, list.Count, waited(start, 500, how, 64));
        for (int i = 0; i < list.Count; i++) {
            printf("%s %s", i == 0 ? "" : ",", natsMsg_GetSubject(list.Msgs[i]));
            check(natsMsg_Ack(list.Msgs[i], NULL), 0, "ack");
        }
        printf("\n");
        natsMsgList_Destroy(&list);
    }

    // A fetch that gave up waiting, as the last one did, can leave the
    // server's late notice that its request expired (a "408 Request
    // Timeout" status message) in the subscription, and nats.c 3.4.1 takes
    // such a leftover for the end of the next fetch on that subscription,
    // which then returns early (seen here once in 26 runs on a busy
    // machine). So each kind of wait below gets a subscription of its own,
    // bound to the same consumer, and this one is destroyed.
    natsSubscription_Destroy(sub);
    jsSubOptions_Init(&so);
    so.Stream = "TASKS";
    so.Consumer = "worker";
    check(js_PullSubscribe(&sub, js, "tasks.>", NULL, NULL, &so, &jerr), jerr, "bind");

    // A plain timeout cannot tell "no messages" apart from "the server or
    // the connection is gone". `natsSubscription_FetchRequest` takes a
    // `jsFetchRequest` (durations in nanoseconds), and with `Heartbeat`
    // set the server sends idle heartbeats while the request waits. The
    // client watches them: if they stop, the fetch fails early with
    // `NATS_MISSED_HEARTBEAT`; if they keep coming, an empty fetch ends
    // with `NATS_TIMEOUT`, so the caller knows the consumer is alive and
    // simply has nothing for it.
    jsFetchRequest req;
    jsFetchRequest_Init(&req);
    req.Batch = 3;
    req.Expires = 1000000000;  // 1 s
    req.Heartbeat = 250000000; // 0.25 s
    int64_t start = nats_Now();
    s = natsSubscription_FetchRequest(&list, sub, &req);
    if (s == NATS_TIMEOUT)
        printf("fetch with heartbeat: %s: server alive, no messages\n",
               waited(start, 1000, how, 64));
    else if (s == NATS_MISSED_HEARTBEAT)
        printf("fetch with heartbeat: the server stopped answering\n");
    else
        check(s, 0, "fetch request");
    natsMsgList_Destroy(&list);

    // A fetch is also a long poll: the request waits at the server until
    // a message comes. To show it, a second worker binds to the same
    // durable consumer (any number of subscriptions may pull from one
    // consumer, sharing its messages), as the first one did above. Its `Fetch` of 1 starts on an
    // empty consumer, a thread publishes a message 0.3 s later, and the
    // fetch returns as soon as it arrives instead of at its 2 s timeout:
    // timed from the publish, it returns at once. Joining the thread
    // afterwards makes its `published_at` safe to read.
    jsSubOptions_Init(&so);
    so.Stream = "TASKS";
    so.Consumer = "worker";
    check(js_PullSubscribe(&second, js, "tasks.>", NULL, NULL, &so, &jerr), jerr, "bind");
    later publisher = {.js = js};
    pthread_t thread;
    if (pthread_create(&thread, NULL, publish_later, &publisher) != 0) {
        fprintf(stderr, "could not start the publisher thread\n");
        exit(1);
    }
    s = natsSubscription_Fetch(&list, second, 1, 2000, &jerr);
    pthread_join(thread, NULL);
    check(s, jerr, "fetch");
    printf("second worker, fetch(1): %s published 0.3 s in, returned %s\n",
           natsMsg_GetSubject(list.Msgs[0]), waited(publisher.published_at, 2000, how, 64));
    check(natsMsg_Ack(list.Msgs[0], NULL), 0, "ack");
    natsMsgList_Destroy(&list);

    // Clean up: the subscriptions are destroyed (the consumer stays on the
    // server), then deleting the stream deletes the consumer too.
    natsSubscription_Destroy(second);
    natsSubscription_Destroy(sub);
    check(js_DeleteStream(js, "TASKS", NULL, &jerr), jerr, "delete stream");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
