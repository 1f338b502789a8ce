// A pull consumer can be given limits that protect the server and share
// the work fairly between clients. This program shows each limit being hit
// and what the C client reports: a consumer configuration is a
// `jsConsumerConfig` struct, and a pull request with a budget of its own is
// a `jsFetchRequest`.
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
// with where in the library the error was noted, such as "(js.c:1750): ";
// after that comes the server's own description.
static const char *
server_text(void)
{
    const char *text = nats_GetLastError(NULL);
    const char *after = text != NULL && text[0] == '(' ? strstr(text, "): ") : NULL;
    return after != NULL ? after + 3 : text;
}

// Bind a subscription to an existing pull consumer of ORDERS: with
// `Stream` and `Consumer` set in the subscribe options, `js_PullSubscribe`
// uses the consumer as it is.
static natsSubscription *
bind(jsCtx *js, const char *name)
{
    natsSubscription *sub = NULL;
    jsErrCode jerr = 0;
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = "ORDERS";
    so.Consumer = name;
    check(js_PullSubscribe(&sub, js, "orders.>", NULL, NULL, &so, &jerr), jerr, "bind");
    return sub;
}

// Create a durable pull consumer on ORDERS from a configuration, then bind
// a subscription to it.
static natsSubscription *
consumer(jsCtx *js, jsConsumerConfig *cfg)
{
    jsErrCode jerr = 0;
    cfg->AckPolicy = js_AckExplicit;
    check(js_AddConsumer(NULL, js, "ORDERS", cfg, NULL, &jerr), jerr, "add consumer");
    return bind(js, cfg->Durable);
}

// Print how many messages a batch holds, and their subjects.
static void
print_batch(const char *label, natsMsgList *list)
{
    printf("%s got %d:", label, list->Count);
    for (int i = 0; i < list->Count; i++)
        printf("%s %s", i == 0 ? "" : ",", natsMsg_GetSubject(list->Msgs[i]));
    printf("\n");
}

// Publish a raw pull request for one message, valid for half a second, to
// a consumer, with a fresh inbox (and a synchronous subscription on it)
// for the answers. The subscription and the inbox string are the
// caller's to destroy.
static natsSubscription *
pull_request(natsConnection *nc, natsInbox **inbox)
{
    natsSubscription *sub = NULL;
    check(natsInbox_Create(inbox), 0, "inbox");
    check(natsConnection_SubscribeSync(&sub, nc, *inbox), 0, "subscribe");
    check(natsConnection_PublishRequestString(nc, "$JS.API.CONSUMER.MSG.NEXT.ORDERS.idle",
                                              *inbox, "{\"batch\":1,\"expires\":500000000}"),
          0, "pull request");
    return sub;
}

// Read the answer to a raw pull request: a status message, whose code and
// reason the client puts in the `Status` and `Description` headers.
static void
print_status(const char *label, natsSubscription *sub)
{
    natsMsg *msg = NULL;
    const char *status = NULL, *description = NULL;
    check(natsSubscription_NextMsg(&msg, sub, 2000), 0, "answer");
    check(natsMsgHeader_Get(msg, "Status", &status), 0, "status");
    check(natsMsgHeader_Get(msg, "Description", &description), 0, "description");
    printf("%s got 0, then %s %s\n", label, status, description);
    natsMsg_Destroy(msg);
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
    natsSubscription *batcher = NULL;
    natsMsgList list = {0}, more = {0};
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    jsConsumerConfig cc;
    char subject[32], data[32];
    natsStatus s;

    // Connect and get a JetStream context. Start clean: delete the stream
    // if an interrupted run left it (a missing stream is `NATS_NOT_FOUND`),
    // then store ten orders.
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
    for (int i = 1; i <= 10; i++) {
        snprintf(subject, sizeof(subject), "orders.%d", i);
        int len = snprintf(data, sizeof(data), "order %d", i);
        check(js_Publish(NULL, js, subject, data, len, NULL, &jerr), jerr, "publish");
    }

    // `MaxAckPending = 3`: at most 3 messages delivered and not yet acked.
    // We ask for 5 and get 3 (`Fetch` returns what it has when its half
    // second is up); the next fetch gets nothing and returns
    // `NATS_TIMEOUT`. Once they are acked, the next fetch gets 3 more.
    printf("-- max_ack_pending=3\n");
    jsConsumerConfig_Init(&cc);
    cc.Durable = "worker";
    cc.MaxAckPending = 3;
    worker = consumer(js, &cc);
    check(natsSubscription_Fetch(&list, worker, 5, 500, &jerr), jerr, "fetch");
    print_batch("fetch(5):", &list);
    s = natsSubscription_Fetch(&more, worker, 5, 500, &jerr);
    if (s == NATS_TIMEOUT)
        printf("fetch(5): timed out, %d messages are waiting for an ack\n", list.Count);
    else
        check(s, jerr, "fetch");
    natsMsgList_Destroy(&more);
    for (int i = 0; i < list.Count; i++)
        check(natsMsg_AckSync(list.Msgs[i], NULL, &jerr), jerr, "ack");
    natsMsgList_Destroy(&list);

    // The fetch that timed out can leave the server's late notice that its
    // request expired (a "408 Request Timeout" status message) in the
    // subscription, and nats.c 3.4.1 would take it for the end of the next
    // fetch there. A fresh subscription, bound to the same consumer, avoids
    // that.
    natsSubscription_Destroy(worker);
    worker = bind(js, "worker");
    check(natsSubscription_Fetch(&list, worker, 5, 500, &jerr), jerr, "fetch");
    print_batch("acked them, fetch(5):", &list);
    natsMsgList_Destroy(&list);
    natsSubscription_Destroy(worker);

    // `MaxWaiting = 1`: one pull request may wait at the consumer. `Fetch`
    // sends one request and waits for it, so to have two waiting at once
    // we publish the pull requests ourselves: a small JSON document to
    // `$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`, with a reply inbox.
    // Both go out on one connection, so the server sees them in that
    // order: the first waits for new messages (the consumer delivers only
    // new ones) and takes the only slot, the second is refused with a 409.
    // The first ends when its `expires` runs out, with a 408.
    printf("-- max_waiting=1\n");
    jsConsumerConfig_Init(&cc);
    cc.Durable = "idle";
    cc.DeliverPolicy = js_DeliverNew;
    cc.MaxWaiting = 1;
    check(js_AddConsumer(NULL, js, "ORDERS", &cc, NULL, &jerr), jerr, "add consumer");
    natsInbox *first_inbox = NULL, *second_inbox = NULL;
    natsSubscription *first = pull_request(nc, &first_inbox);
    natsSubscription *second = pull_request(nc, &second_inbox);
    print_status("second request:", second);
    print_status("first request: ", first);
    natsSubscription_Destroy(second);
    natsSubscription_Destroy(first);
    natsInbox_Destroy(second_inbox);
    natsInbox_Destroy(first_inbox);

    // A consumer can also bound each request: `MaxRequestBatch`,
    // `MaxRequestMaxBytes` and `MaxRequestExpires` (nanoseconds). A
    // `jsFetchRequest` sets a request's batch, byte budget and expiry
    // (nanoseconds too) for `natsSubscription_FetchRequest`. A request over
    // a limit is refused outright: the call fails with `NATS_ERR` and the
    // server's reason. A request within the byte limit but too small for
    // the next message gets what fits (each counts its subject, reply
    // subject, headers and payload), and the call ends without an error.
    printf("-- max_batch=4, max_bytes=1000, max_expires=1s\n");
    jsConsumerConfig_Init(&cc);
    cc.Durable = "batcher";
    cc.MaxRequestBatch = 4;
    cc.MaxRequestMaxBytes = 1000;
    cc.MaxRequestExpires = 1000000000;
    batcher = consumer(js, &cc);
    struct {
        const char *label;
        int batch;
        int64_t max_bytes;
        int64_t expires_ns;
    } requests[] = {
        {"batch=10:", 10, 0, 500000000},
        {"batch=4 max_bytes=5000:", 4, 5000, 500000000},
        {"batch=1 expires=5s:", 1, 0, 5000000000},
        {"batch=4 max_bytes=200:", 4, 200, 500000000},
        {"batch=4:", 4, 0, 500000000},
    };
    for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        jsFetchRequest req;
        jsFetchRequest_Init(&req);
        req.Batch = requests[i].batch;
        req.MaxBytes = requests[i].max_bytes;
        req.Expires = requests[i].expires_ns;
        s = natsSubscription_FetchRequest(&list, batcher, &req);
        if (s == NATS_OK) {
            printf("%-23s got %d\n", requests[i].label, list.Count);
            for (int m = 0; m < list.Count; m++)
                check(natsMsg_Ack(list.Msgs[m], NULL), 0, "ack");
        } else if (s == NATS_ERR) {
            printf("%-23s got 0, then error: %s\n", requests[i].label, server_text());
        } else {
            check(s, 0, "fetch request");
        }
        natsMsgList_Destroy(&list);
    }
    natsSubscription_Destroy(batcher);

    // Clean up: deleting the stream deletes its consumers too.
    check(js_DeleteStream(js, "ORDERS", NULL, &jerr), jerr, "delete stream");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
