// JetStream can drop a message it has already stored, as long as the
// publisher gives each message a unique ID. In the C client the ID is a
// field of the publish options (`jsPubOptions.MsgId`), which the client
// sends as the `Nats-Msg-Id` header.
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

// Publish an order, with a message ID or without (`NULL`). The ID should
// come from the data itself (an order number, an event ID), so that a
// retry of the same message carries the same ID. `jsPubOptions_Init`
// sets every option to its default; passing the options struct to
// `js_Publish` adds the ID. The ack (`jsPubAck`, ours to destroy) says at
// which sequence the message is stored and whether it was a duplicate.
static void
publish(jsCtx *js, int order, const char *msg_id)
{
    jsPubAck *ack = NULL;
    jsErrCode jerr = 0;
    jsPubOptions po;
    char data[32], label[32];
    int len = snprintf(data, sizeof(data), "order %d", order);
    jsPubOptions_Init(&po);
    po.MsgId = msg_id;
    check(js_Publish(&ack, js, "orders.new", data, len, &po, &jerr), jerr, "publish");
    if (msg_id != NULL)
        snprintf(label, sizeof(label), "id %s", msg_id);
    else
        snprintf(label, sizeof(label), "no id");
    printf("publish order %d (%s) -> seq %llu, duplicate=%s\n", order, label,
           (unsigned long long)ack->Sequence, ack->Duplicate ? "true" : "false");
    jsPubAck_Destroy(ack);
}

static void
count(jsCtx *js)
{
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    check(js_GetStreamInfo(&si, js, "ORDERS", NULL, &jerr), jerr, "stream info");
    printf("stream holds %llu message(s)\n", (unsigned long long)si->State.Msgs);
    jsStreamInfo_Destroy(si);
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
    // (and the IDs it remembers) if an interrupted run left it; a missing
    // stream is `NATS_NOT_FOUND`.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");
    s = js_DeleteStream(js, "ORDERS", NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");

    // The stream remembers message IDs for its *duplicate window*
    // (`Duplicates`, in nanoseconds), two minutes by default. We shorten
    // it to one second so the example can show what happens when the
    // window has passed.
    const char *subjects[] = {"orders.>"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "ORDERS";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Duplicates = 1000000000;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream");

    // Two orders, two IDs, two stored messages.
    publish(js, 1001, "order-1001");
    publish(js, 1002, "order-1002");

    // Now the publisher retries order 1001, as it would if the first
    // publish had timed out waiting for its ack. The server recognises the
    // ID, stores nothing, and answers with the sequence of the original
    // message and `Duplicate` set. The retry is safe.
    publish(js, 1001, "order-1001");
    count(js);

    // Deduplication looks only at the ID, not at the content. Publishing
    // the same payload without an ID stores it each time.
    publish(js, 1003, NULL);
    publish(js, 1003, NULL);
    count(js);

    // The server forgets an ID once the duplicate window has passed (the
    // wait is what this step shows). After that, the same ID is accepted
    // as a new message, so pick a window longer than your publishers may
    // keep retrying.
    nats_Sleep(1500);
    printf("duplicate window passed\n");
    publish(js, 1001, "order-1001");
    count(js);

    // Clean up: deleting the stream deletes its messages too.
    check(js_DeleteStream(js, "ORDERS", NULL, &jerr), jerr, "delete stream");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
