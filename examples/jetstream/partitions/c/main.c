// Deterministic partitioning splits one flow of messages into a fixed
// number of partitions, always sending the same key to the same one. The
// server does the splitting with a subject mapping in its config (see
// server.conf next to this example); the program only uses the C client's
// JetStream calls.
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

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    natsStatus s;

    // Connect and get a JetStream context. Start clean: delete the stream
    // if an interrupted run left it (a missing stream is `NATS_NOT_FOUND`).
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");
    s = js_DeleteStream(js, "ORDERS", NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");

    // The server maps `orders.<customer>` to
    // `orders.<customer>.<partition>` before anything else sees the
    // message, so the stream captures the mapped form, `orders.*.*`.
    const char *subjects[] = {"orders.*.*"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "ORDERS";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream");

    // Publishers know nothing about partitions: they publish to
    // `orders.<customer>` as usual. Reading each message back from the
    // stream by the sequence in its publish ack (`js_GetMsg`, a message we
    // destroy) shows the subject it was stored under, with the partition
    // number added as the last token.
    static const char *orders[] = {"alice", "ivan", "dave",  "bob",   "alice",
                                   "judy",  "erin", "ivan",  "alice", "dave"};
    int n = sizeof(orders) / sizeof(orders[0]);
    for (int i = 0; i < n; i++) {
        int number = 1;
        for (int j = 0; j < i; j++)
            number += strcmp(orders[j], orders[i]) == 0;
        char subject[32], order[32];
        snprintf(subject, sizeof(subject), "orders.%s", orders[i]);
        int len = snprintf(order, sizeof(order), "%s#%d", orders[i], number);
        jsPubAck *ack = NULL;
        natsMsg *stored = NULL;
        check(js_Publish(&ack, js, subject, order, len, NULL, &jerr), jerr, "publish");
        check(js_GetMsg(&stored, js, "ORDERS", ack->Sequence, NULL, &jerr), jerr, "get");
        printf("published %-8s on %-13s -> stored as %s\n", order, subject,
               natsMsg_GetSubject(stored));
        natsMsg_Destroy(stored);
        jsPubAck_Destroy(ack);
    }

    // That is what makes partitions useful. One consumer per partition,
    // each filtered on `orders.*.<n>`, can run in parallel while every
    // customer's orders still go to one consumer, in the order they were
    // published. The mapping is a hash, so it only changes if the number
    // of partitions changes.
    //
    // Per-key order holds under two conditions. Only one worker may read
    // each partition's consumer: two workers pulling from it would split a
    // customer's orders between them. And a message must not come back
    // after later ones: a `natsMsg_Nak` or an expired ack wait redelivers
    // it behind them. A consumer with `MaxAckPending = 1` keeps order even
    // then, at the price of one message in flight per partition.
    //
    // Each worker here is a durable pull consumer made by `js_PullSubscribe`
    // on its partition's filter; `natsSubscription_Unsubscribe` then
    // deletes the consumer the call created.
    for (int partition = 0; partition < 3; partition++) {
        natsSubscription *sub = NULL;
        natsMsgList list = {0};
        jsSubOptions so;
        char filter[32], durable[32];
        snprintf(filter, sizeof(filter), "orders.*.%d", partition);
        snprintf(durable, sizeof(durable), "worker-%d", partition);
        jsSubOptions_Init(&so);
        so.Stream = "ORDERS";
        check(js_PullSubscribe(&sub, js, filter, durable, NULL, &so, &jerr), jerr,
              "pull subscribe");
        check(natsSubscription_Fetch(&list, sub, 10, 500, &jerr), jerr, "fetch");
        printf("partition %d worker got:", partition);
        for (int i = 0; i < list.Count; i++) {
            printf("%s %.*s", i == 0 ? "" : ",", natsMsg_GetDataLength(list.Msgs[i]),
                   natsMsg_GetData(list.Msgs[i]));
            check(natsMsg_AckSync(list.Msgs[i], NULL, &jerr), jerr, "ack");
        }
        printf("\n");
        natsMsgList_Destroy(&list);
        check(natsSubscription_Unsubscribe(sub), 0, "unsubscribe");
        natsSubscription_Destroy(sub);
    }

    // Clean up: deleting the stream deletes its messages too.
    check(js_DeleteStream(js, "ORDERS", NULL, &jerr), jerr, "delete stream");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
