// Acknowledging a JetStream message is itself a message, sent to the
// server on the message's reply subject. This example compares the C
// client's fire-and-forget `natsMsg_Ack` with `natsMsg_AckSync`, which
// waits for the server to confirm.
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

// Print the consumer's bookkeeping: how many messages it has delivered,
// how many of those still await an ack, the stream sequence below which
// everything is acked (the ack floor), and how many messages are still
// waiting to be delivered. The info is ours to destroy.
static void
show(jsCtx *js, const char *label)
{
    jsConsumerInfo *ci = NULL;
    jsErrCode jerr = 0;
    check(js_GetConsumerInfo(&ci, js, "TASKS", "worker", NULL, &jerr), jerr, "consumer info");
    printf("%s: delivered=%llu ack_pending=%lld ack_floor=%llu pending=%llu\n", label,
           (unsigned long long)ci->Delivered.Stream, (long long)ci->NumAckPending,
           (unsigned long long)ci->AckFloor.Stream, (unsigned long long)ci->NumPending);
    jsConsumerInfo_Destroy(ci);
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

    // Four tasks in a stream and a durable pull consumer that requires an
    // explicit ack for each message it delivers (the default ack policy).
    const char *subjects[] = {"tasks.>"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "TASKS";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream");
    for (int n = 1; n <= 4; n++) {
        char subject[16], data[16];
        snprintf(subject, sizeof(subject), "tasks.%d", n);
        int len = snprintf(data, sizeof(data), "task %d", n);
        check(js_Publish(NULL, js, subject, data, len, NULL, &jerr), jerr, "publish");
    }
    jsSubOptions_Init(&so);
    so.Stream = "TASKS";
    check(js_PullSubscribe(&sub, js, "tasks.>", "worker", NULL, &so, &jerr), jerr,
          "pull subscribe");

    // Fetch two messages. Both now count as delivered and unacknowledged.
    check(natsSubscription_Fetch(&list, sub, 2, 2000, &jerr), jerr, "fetch");
    show(js, "after fetching 2");

    // `natsMsg_Ack` publishes the ack and returns at once, before the
    // server has seen it. That is fast and usually fine, but if the ack is
    // lost (a network blip, a server restart) the program never knows, and
    // the message is delivered again after the ack wait.
    check(natsMsg_Ack(list.Msgs[0], NULL), 0, "ack");
    printf("Ack()     %s: sent, no reply expected\n", natsMsg_GetSubject(list.Msgs[0]));

    // `natsMsg_AckSync` sends the same ack as a request and waits for the
    // server to answer, which it does only once the ack is recorded. This
    // is the "double ack". Use it when processing a message twice would be
    // costly, for example before telling a user their payment went
    // through. (The `NULL` is for `jsOptions`, whose `Wait` would change
    // how long it waits.)
    check(natsMsg_AckSync(list.Msgs[1], NULL, &jerr), jerr, "ack sync");
    printf("AckSync() %s: confirmed by the server\n", natsMsg_GetSubject(list.Msgs[1]));
    natsMsgList_Destroy(&list);
    show(js, "after both acks");

    // The difference shows when the ack cannot land. Fetch the last two
    // messages, then delete the consumer, as if it had been removed or
    // its server lost while we were working.
    check(natsSubscription_Fetch(&list, sub, 2, 2000, &jerr), jerr, "fetch");
    check(js_DeleteConsumer(js, "TASKS", "worker", NULL, &jerr), jerr, "delete consumer");
    printf("consumer deleted\n");

    // The plain ack "succeeds": it was published, and nobody tells the
    // program it went nowhere. The confirmed ack fails at once with
    // `NATS_NO_RESPONDERS`, because no consumer is there to answer; the
    // program knows to retry the work or raise an alarm.
    check(natsMsg_Ack(list.Msgs[0], NULL), 0, "ack");
    printf("Ack()     %s: sent, no error returned\n", natsMsg_GetSubject(list.Msgs[0]));
    s = natsMsg_AckSync(list.Msgs[1], NULL, &jerr);
    if (s == NATS_NO_RESPONDERS)
        printf("AckSync() %s: failed, no consumer answered the ack\n",
               natsMsg_GetSubject(list.Msgs[1]));
    else
        check(s, jerr, "ack sync");
    natsMsgList_Destroy(&list);

    // Clean up: the subscription is destroyed, and deleting the stream
    // deletes its messages too.
    natsSubscription_Destroy(sub);
    check(js_DeleteStream(js, "TASKS", NULL, &jerr), jerr, "delete stream");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
