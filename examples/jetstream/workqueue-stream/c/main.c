// A *work-queue* stream hands each message to exactly one consumer and
// deletes it once that consumer acknowledges it. JetStream is part of the
// C client's one library and header: a `jsCtx` made from the connection
// sends the API requests, and each `js_...` call returns a `natsStatus`
// plus, through its last argument, the server's JetStream error code.
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

// `nats_GetLastError` describes the last failure in this thread. It starts
// with where in the library the error was noted, such as "(js.c:535): ";
// after that comes the server's own description.
static const char *
server_text(void)
{
    const char *text = nats_GetLastError(NULL);
    const char *after = text != NULL && text[0] == '(' ? strstr(text, "): ") : NULL;
    return after != NULL ? after + 3 : text;
}

// Delete the stream if it exists: a missing stream answers
// `NATS_NOT_FOUND`, which here is what we want.
static void
delete_stream(jsCtx *js, const char *name)
{
    jsErrCode jerr = 0;
    natsStatus s = js_DeleteStream(js, name, NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");
}

// After each step, print a summary of the stream: how many jobs it still
// holds and the range of sequence numbers they span.
static void
show(jsCtx *js, const char *label)
{
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    check(js_GetStreamInfo(&si, js, "JOBS", NULL, &jerr), jerr, "stream info");
    printf("%-26s messages=%llu first_seq=%llu last_seq=%llu\n", label,
           (unsigned long long)si->State.Msgs, (unsigned long long)si->State.FirstSeq,
           (unsigned long long)si->State.LastSeq);
    jsStreamInfo_Destroy(si);
}

// What a worker prints for a job: its subject and payload.
static void
did(const char *worker, natsMsg *msg)
{
    printf("%s worker did %s: %.*s\n", worker, natsMsg_GetSubject(msg),
           natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    natsSubscription *email = NULL;
    natsSubscription *everything = NULL;
    natsSubscription *resize = NULL;
    natsMsgList list = {0};
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    char subject[32], data[32];
    natsStatus s;

    // Connect, and get a JetStream context with the default options.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");

    // Start clean: delete the stream if an interrupted run left it.
    delete_stream(js, "JOBS");

    // Create the stream with work-queue retention. It behaves like a
    // durable job queue: producers publish jobs, and a job stays in the
    // stream until a worker acknowledges it, then it is gone for good.
    const char *subjects[] = {"jobs.>"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "JOBS";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Retention = js_WorkQueuePolicy;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream");

    // Queue six jobs of two kinds. Unlike an interest stream, a work queue
    // keeps messages while no consumer exists yet: the jobs wait for a
    // worker to show up.
    for (int i = 1; i <= 3; i++) {
        snprintf(subject, sizeof(subject), "jobs.email.%d", i);
        int len = snprintf(data, sizeof(data), "send email %d", i);
        check(js_Publish(NULL, js, subject, data, len, NULL, &jerr), jerr, "publish");
        snprintf(subject, sizeof(subject), "jobs.resize.%d", i);
        len = snprintf(data, sizeof(data), "resize image %d", i);
        check(js_Publish(NULL, js, subject, data, len, NULL, &jerr), jerr, "publish");
    }
    show(js, "6 jobs queued:");

    // A durable pull consumer filtered on `jobs.email.>` takes the email
    // jobs: `js_PullSubscribe` creates it and returns the subscription to
    // fetch with. Each acknowledgement deletes the job from the stream;
    // `natsMsg_AckSync` waits for the server to confirm it, so the state
    // printed next is exact. `natsMsgList_Destroy` frees the fetched
    // messages.
    check(js_PullSubscribe(&email, js, "jobs.email.>", "email", NULL, NULL, &jerr), jerr,
          "email consumer");
    check(natsSubscription_Fetch(&list, email, 3, 1000, &jerr), jerr, "fetch");
    for (int i = 0; i < list.Count; i++) {
        did("email", list.Msgs[i]);
        check(natsMsg_AckSync(list.Msgs[i], NULL, &jerr), jerr, "ack");
    }
    natsMsgList_Destroy(&list);
    show(js, "email jobs acked:");

    // Each message may belong to only one consumer, so the server refuses
    // a second consumer whose filter overlaps an existing one. `jobs.>`
    // would also match the email jobs, and creating it fails: the call
    // returns an error status, and `jerr` holds the server's code.
    s = js_PullSubscribe(&everything, js, "jobs.>", "everything", NULL, NULL, &jerr);
    if (s == NATS_OK)
        printf("consumer 'everything' on jobs.> was accepted\n");
    else if (jerr != 0)
        printf("consumer 'everything' on jobs.> rejected: %s\n", server_text());
    else
        check(s, jerr, "everything consumer");

    // A filter that does not overlap is fine. The resize worker fetches
    // its three jobs but acknowledges only two: a message that was
    // delivered and not acknowledged stays in the stream, to be delivered
    // again once its ack wait runs out. A worker can also act sooner: ask
    // for redelivery (`natsMsg_Nak`, or `natsMsg_NakWithDelay`), ask for
    // more time (`natsMsg_InProgress`) or give up on the job
    // (`natsMsg_Term`).
    check(js_PullSubscribe(&resize, js, "jobs.resize.>", "resize", NULL, NULL, &jerr), jerr,
          "resize consumer");
    check(natsSubscription_Fetch(&list, resize, 3, 1000, &jerr), jerr, "fetch");
    for (int i = 0; i < 2 && i < list.Count; i++) {
        did("resize", list.Msgs[i]);
        check(natsMsg_AckSync(list.Msgs[i], NULL, &jerr), jerr, "ack");
    }
    show(js, "2 of 3 resize jobs acked:");

    // Acknowledging the last job empties the queue.
    if (list.Count == 3) {
        did("resize", list.Msgs[2]);
        check(natsMsg_AckSync(list.Msgs[2], NULL, &jerr), jerr, "ack");
    }
    natsMsgList_Destroy(&list);
    show(js, "all jobs acked:");

    // Clean up: destroying a subscription frees it and leaves its
    // consumer on the server; deleting the stream deletes the consumers
    // too. (`everything` stayed `NULL`, and destroying `NULL` does
    // nothing.)
    natsSubscription_Destroy(resize);
    natsSubscription_Destroy(everything);
    natsSubscription_Destroy(email);
    delete_stream(js, "JOBS");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
