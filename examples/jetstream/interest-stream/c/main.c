// An *interest* stream keeps a message only as long as some consumer still
// needs it. In the C client, JetStream lives in the same library and header
// as core NATS: a `jsCtx` made from the connection sends the JetStream API
// requests, and each `js_...` call returns a `natsStatus` plus, through its
// last argument, the server's JetStream error code (`jsErrCode`).
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

// A one-line summary of the stream: how many messages it holds, the range
// of sequence numbers they span, and how many consumers exist. The
// `jsStreamInfo` that `js_GetStreamInfo` allocates is ours to destroy.
static void
show(jsCtx *js, const char *label)
{
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    check(js_GetStreamInfo(&si, js, "ORDERS", NULL, &jerr), jerr, "stream info");
    printf("%-28s messages=%llu first_seq=%llu last_seq=%llu consumers=%lld\n", label,
           (unsigned long long)si->State.Msgs, (unsigned long long)si->State.FirstSeq,
           (unsigned long long)si->State.LastSeq, (long long)si->State.Consumers);
    jsStreamInfo_Destroy(si);
}

// Publish orders `from` to `to` and wait for each acknowledgement.
static void
publish(jsCtx *js, int from, int to)
{
    jsErrCode jerr = 0;
    char subject[32], data[32];
    for (int i = from; i <= to; i++) {
        snprintf(subject, sizeof(subject), "orders.%d", i);
        int len = snprintf(data, sizeof(data), "order %d", i);
        check(js_Publish(NULL, js, subject, data, len, NULL, &jerr), jerr, "publish");
    }
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    natsSubscription *billing = NULL;
    natsSubscription *shipping = NULL;
    natsMsgList list = {0};
    jsErrCode jerr = 0;
    jsStreamConfig cfg;

    // Connect, and get a JetStream context with the default options.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");

    // Start clean: delete the stream if an interrupted run left it.
    delete_stream(js, "ORDERS");

    // Create the stream with interest retention. Think of it as fan-out
    // with a safety net: each service that cares about orders gets its own
    // consumer, and a message is deleted once *every* consumer has
    // acknowledged it, so nothing is stored for longer than needed.
    const char *subjects[] = {"orders.>"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "ORDERS";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Retention = js_InterestPolicy;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream");

    // With no consumers there is no interest at all. The stream still
    // acknowledges each publish and assigns it a sequence number, but does
    // not keep the message: the state shows 0 messages and `first_seq`
    // already past them.
    publish(js, 1, 3);
    show(js, "3 published, no consumers:");

    // Interest means consumers defined on the stream, not clients that
    // happen to be connected. `js_PullSubscribe` with a durable name
    // creates a durable pull consumer (or binds to an existing one) and
    // returns a subscription to fetch its messages with. Two of them, one
    // for billing and one for shipping, now each want every order.
    check(js_PullSubscribe(&billing, js, "orders.>", "billing", NULL, NULL, &jerr), jerr,
          "billing consumer");
    check(js_PullSubscribe(&shipping, js, "orders.>", "shipping", NULL, NULL, &jerr), jerr,
          "shipping consumer");

    publish(js, 4, 6);
    show(js, "3 published, 2 consumers:");

    // Billing processes and acknowledges all three. Nothing is removed yet,
    // because shipping has not acknowledged them.
    //
    // `natsSubscription_Fetch` fills a `natsMsgList` (a plain struct of
    // `Msgs` and `Count`) with up to 3 messages, waiting at most a second.
    // `natsMsg_AckSync` waits for the server to confirm each ack, so the
    // state we read afterwards is exact. `natsMsgList_Destroy` destroys
    // the messages and the array; the struct itself is ours and reusable.
    check(natsSubscription_Fetch(&list, billing, 3, 1000, &jerr), jerr, "fetch");
    for (int i = 0; i < list.Count; i++)
        check(natsMsg_AckSync(list.Msgs[i], NULL, &jerr), jerr, "ack");
    natsMsgList_Destroy(&list);
    show(js, "billing acked 3:");

    // As soon as shipping acknowledges a message, the last interest in it
    // is gone and the stream deletes it, one by one.
    check(natsSubscription_Fetch(&list, shipping, 3, 1000, &jerr), jerr, "fetch");
    check(natsMsg_AckSync(list.Msgs[0], NULL, &jerr), jerr, "ack");
    show(js, "shipping acked 1:");
    for (int i = 1; i < list.Count; i++)
        check(natsMsg_AckSync(list.Msgs[i], NULL, &jerr), jerr, "ack");
    natsMsgList_Destroy(&list);
    show(js, "shipping acked 3:");

    // Removing a consumer removes its interest too. Billing acknowledges two
    // new orders that shipping never reads; deleting the shipping consumer
    // with `js_DeleteConsumer` releases them, and the stream is empty
    // again.
    publish(js, 7, 8);
    check(natsSubscription_Fetch(&list, billing, 2, 1000, &jerr), jerr, "fetch");
    for (int i = 0; i < list.Count; i++)
        check(natsMsg_AckSync(list.Msgs[i], NULL, &jerr), jerr, "ack");
    natsMsgList_Destroy(&list);
    show(js, "2 more, billing acked them:");
    check(js_DeleteConsumer(js, "ORDERS", "shipping", NULL, &jerr), jerr, "delete consumer");
    show(js, "shipping consumer deleted:");

    // Clean up. Since nats.c 3.4, destroying a subscription only frees it
    // and leaves its consumer on the server (unsubscribing or draining
    // would delete a consumer the subscribe call created); deleting the
    // stream deletes its consumers too. The JetStream context goes before
    // the connection it was made from.
    natsSubscription_Destroy(shipping);
    natsSubscription_Destroy(billing);
    delete_stream(js, "ORDERS");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
