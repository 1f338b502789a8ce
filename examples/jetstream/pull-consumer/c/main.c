// A pull consumer lets the application ask for messages when it is ready
// for them, in batches of the size it chooses. In the C client a pull
// consumer is used through a `natsSubscription` made by `js_PullSubscribe`,
// and messages are asked for with `natsSubscription_Fetch`.
#include <stdio.h>
#include <stdlib.h>

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

// Consumer info is the server's view of a consumer's progress:
// - `Delivered.Stream`: the last stream sequence handed out;
// - `AckFloor.Stream`: the sequence up to which *everything* is acknowledged;
// - `NumAckPending`: delivered but not yet acknowledged;
// - `NumPending`: still waiting in the stream, never delivered.
// `js_GetConsumerInfo` asks the server for it by stream and consumer name;
// the `jsConsumerInfo` it allocates is ours to destroy. (There is also
// `natsSubscription_GetConsumerInfo`, but in nats.c 3.4.1 it fails with
// `NATS_INVALID_SUBSCRIPTION` on a subscription bound to a consumer that
// already existed, as the one after the restart below is.)
static void
show(jsCtx *js, const char *label)
{
    jsConsumerInfo *ci = NULL;
    jsErrCode jerr = 0;
    char delivered[8];
    check(js_GetConsumerInfo(&ci, js, "ORDERS", "processor", NULL, &jerr), jerr,
          "consumer info");
    snprintf(delivered, sizeof(delivered), "%llu", (unsigned long long)ci->Delivered.Stream);
    printf("  %-14s delivered=%-2s ack_floor=%llu num_ack_pending=%lld num_pending=%llu\n",
           label, delivered, (unsigned long long)ci->AckFloor.Stream,
           (long long)ci->NumAckPending, (unsigned long long)ci->NumPending);
    jsConsumerInfo_Destroy(ci);
}

// Print the subjects of a batch after a label, separated by commas.
static void
print_subjects(const char *label, natsMsgList *list)
{
    printf("%s", label);
    for (int i = 0; i < list->Count; i++)
        printf("%s %s", i == 0 ? "" : ",", natsMsg_GetSubject(list->Msgs[i]));
    printf("\n");
}

// Acknowledge messages `from` to `to - 1` of a batch. `natsMsg_AckSync`
// waits until the server confirms the ack, so the consumer info read
// next already counts it.
static void
ack(natsMsgList *list, int from, int to)
{
    jsErrCode jerr = 0;
    for (int i = from; i < to && i < list->Count; i++)
        check(natsMsg_AckSync(list->Msgs[i], NULL, &jerr), jerr, "ack");
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
    natsMsgList list = {0};
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    jsSubOptions so;
    char subject[32], data[32];

    // Connect, and get a JetStream context with the default options.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");

    // Start clean: delete the stream if an interrupted run left it.
    delete_stream(js, "ORDERS");

    // A stream of ten orders to work through.
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

    // `js_PullSubscribe` with a durable name creates the consumer on the
    // server if it does not exist, then binds to it. A durable consumer
    // outlives the subscription and the connection: its position is kept
    // by the server, not by the client. Naming the stream in the
    // subscribe options (`jsSubOptions`, initialised like every options
    // struct) saves the client a lookup of the stream by subject. Nothing
    // is delivered until we ask.
    jsSubOptions_Init(&so);
    so.Stream = "ORDERS";
    check(js_PullSubscribe(&sub, js, "orders.>", "processor", NULL, &so, &jerr), jerr,
          "pull subscribe");
    show(js, "new consumer:");

    // `natsSubscription_Fetch` asks for a batch of up to 4 messages,
    // waiting at most a second. Each message carries its JetStream
    // metadata (stream and consumer sequence, delivery count...), which
    // `natsMsg_GetMetaData` parses into a struct we destroy afterwards.
    // Acknowledging tells the server the work is done.
    check(natsSubscription_Fetch(&list, sub, 4, 1000, &jerr), jerr, "fetch");
    printf("batch 1:");
    for (int i = 0; i < list.Count; i++) {
        jsMsgMetaData *meta = NULL;
        check(natsMsg_GetMetaData(&meta, list.Msgs[i]), 0, "metadata");
        printf("%s %s (seq %llu)", i == 0 ? "" : ",", natsMsg_GetSubject(list.Msgs[i]),
               (unsigned long long)meta->Sequence.Stream);
        jsMsgMetaData_Destroy(meta);
    }
    printf("\n");
    ack(&list, 0, list.Count);
    natsMsgList_Destroy(&list);
    show(js, "acked 4 of 4:");

    // The next batch is only half acknowledged. Notice that `delivered` has
    // moved to 8 while `ack_floor` stops at 6: two messages are out with
    // the application. If they are never acked, the server redelivers them
    // once the consumer's ack wait (30 s by default) runs out. Here they
    // are acked a moment later; a worker could instead ask for redelivery
    // (`natsMsg_Nak`, `natsMsg_NakWithDelay`), for more time
    // (`natsMsg_InProgress`), or give up on the message (`natsMsg_Term`).
    check(natsSubscription_Fetch(&list, sub, 4, 1000, &jerr), jerr, "fetch");
    print_subjects("batch 2:", &list);
    ack(&list, 0, 2);
    show(js, "acked 2 of 4:");
    ack(&list, 2, list.Count);
    natsMsgList_Destroy(&list);
    show(js, "acked 4 of 4:");

    // Simulate a restart: drop the subscription and bind to the same
    // durable consumer again, by name. `natsSubscription_Destroy` only
    // frees the subscription: since nats.c 3.4 it leaves the consumer on
    // the server. (`natsSubscription_Unsubscribe` or `_Drain` would
    // delete a consumer that the subscribe call had created.) Setting
    // `Consumer` in the options binds to an existing consumer instead of
    // creating one. It resumes where it left off: we ask for 10, only 2
    // are left, and `Fetch` returns those two once the server says there
    // are no more, rather than waiting out its timeout.
    natsSubscription_Destroy(sub);
    sub = NULL;
    jsSubOptions_Init(&so);
    so.Stream = "ORDERS";
    so.Consumer = "processor";
    check(js_PullSubscribe(&sub, js, "orders.>", NULL, NULL, &so, &jerr), jerr, "bind");
    check(natsSubscription_Fetch(&list, sub, 10, 1000, &jerr), jerr, "fetch");
    print_subjects("after rebind:", &list);
    ack(&list, 0, list.Count);
    natsMsgList_Destroy(&list);
    show(js, "acked 2 of 2:");

    // Clean up: deleting the stream deletes the durable consumer too.
    natsSubscription_Destroy(sub);
    delete_stream(js, "ORDERS");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
