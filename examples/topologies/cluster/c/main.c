// A NATS cluster is a set of nats-servers joined by routes. Clients can
// connect to any node and still reach every subscriber on every other
// node, and JetStream can keep each stream on several nodes at once, so
// losing a server loses neither connectivity nor data. Nothing in the C
// client is cluster-specific: the same calls, against any node.
#include <stdbool.h>
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

// The responder's handler, on n3's connection.
static void
answer(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)sub;
    (void)closure;
    char text[128];
    snprintf(text, sizeof(text), "hello from a client on n3, to %.*s",
             natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
    natsStatus s = natsConnection_PublishString(nc, natsMsg_GetReply(msg), text);
    if (s != NATS_OK)
        fprintf(stderr, "answer failed: %s\n", natsStatus_GetText(s));
    natsMsg_Destroy(msg);
}

static int
by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *conns[3] = {NULL};
    natsSubscription *responder = NULL;
    natsSubscription *psub = NULL;
    natsMsg *reply = NULL;
    jsCtx *js = NULL;
    jsCtx *js3 = NULL;
    jsStreamInfo *si = NULL;
    natsMsgList list = {0};
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    natsStatus s;
    char leader[64] = "";

    // Each node has its own client URL. Connecting to one explicitly shows
    // that it does not matter which node a client uses. (`NATS_URL` lists
    // all three; a real application passes that whole list, so it can fail
    // over to another node.)
    const char *vars[3] = {"NATS_URL_N1", "NATS_URL_N2", "NATS_URL_N3"};
    for (int i = 0; i < 3; i++) {
        const char *url = getenv(vars[i]);
        check(natsConnection_ConnectTo(&conns[i], url != NULL ? url : "nats://127.0.0.1:4222"),
              0, "connect");
    }
    natsConnection *n1 = conns[0], *n2 = conns[1], *n3 = conns[2];

    // Core NATS across the cluster: a responder on n3, a requester on n1.
    // The routes tell every node about each subscription, so n1 knows to
    // forward the request to n3, and n3 sends the reply back to n1. That
    // news travels asynchronously, though: the flush only tells us that n3
    // has the subscription, and for a moment n1 may not have heard yet and
    // answers `NATS_NO_RESPONDERS`. A client that starts at the same time
    // as its peers simply tries again, until a deadline.
    check(natsConnection_Subscribe(&responder, n3, "greet", answer, NULL), 0, "subscribe");
    check(natsConnection_Flush(n3), 0, "flush");
    int64_t give_up = nats_Now() + 5000;
    while ((s = natsConnection_RequestString(&reply, n1, "greet", "a client on n1", 1000)) ==
               NATS_NO_RESPONDERS &&
           nats_Now() < give_up)
        nats_Sleep(50);
    check(s, 0, "request");
    printf("client on n1 sent a request, reply: %.*s\n", natsMsg_GetDataLength(reply),
           natsMsg_GetData(reply));
    natsMsg_Destroy(reply);

    // JetStream: `Replicas = 3` keeps a copy of the stream on three nodes.
    // One of them is the stream's leader, elected with Raft; the other two
    // are replicas that follow it. (Start clean: delete the stream if an
    // interrupted run left it; a missing one is `NATS_NOT_FOUND`.)
    check(natsConnection_JetStream(&js, n1, NULL), 0, "JetStream context");
    s = js_DeleteStream(js, "ORDERS", NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");
    const char *subjects[] = {"orders.>"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "ORDERS";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Replicas = 3;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream");

    // Stream info shows the placement in `Cluster`: the leader's name, and
    // the replicas (`Replicas`, `ReplicasLen`), each saying whether it is
    // `Current`. The leader is whichever node won the election, so it
    // changes from run to run; we print the facts that do not: there is
    // one leader, two replicas, and together they are all three nodes. The
    // replicas may need a moment to catch up, so we poll every 100 ms until
    // all of them are current, for at most ten seconds.
    give_up = nats_Now() + 10000;
    for (;;) {
        check(js_GetStreamInfo(&si, js, "ORDERS", NULL, &jerr), jerr, "stream info");
        jsClusterInfo *cl = si->Cluster;
        bool ready = cl != NULL && cl->Leader != NULL && cl->ReplicasLen == 2;
        for (int i = 0; ready && i < cl->ReplicasLen; i++)
            ready = cl->Replicas[i]->Current;
        if (ready)
            break;
        jsStreamInfo_Destroy(si);
        si = NULL;
        if (nats_Now() > give_up) {
            fprintf(stderr, "the replicas did not catch up within ten seconds\n");
            return 1;
        }
        nats_Sleep(100);
    }
    const char *peers[3] = {si->Cluster->Leader, NULL, NULL};
    for (int i = 0; i < si->Cluster->ReplicasLen && i < 2; i++)
        peers[i + 1] = si->Cluster->Replicas[i]->Name;
    qsort(peers, 3, sizeof(peers[0]), by_name);
    printf("stream ORDERS: stored on %s,%s,%s\n", peers[0], peers[1], peers[2]);
    printf("stream ORDERS: 1 leader (one of those), %d replicas, all current\n",
           si->Cluster->ReplicasLen);
    snprintf(leader, sizeof(leader), "%s", si->Cluster->Leader);
    jsStreamInfo_Destroy(si);
    si = NULL;

    // Publish through n1. The acknowledgement comes only after a majority
    // of the three copies has stored the message.
    for (int i = 1; i <= 3; i++) {
        char subject[16], data[16];
        jsPubAck *ack = NULL;
        snprintf(subject, sizeof(subject), "orders.%d", i);
        int len = snprintf(data, sizeof(data), "order %d", i);
        check(js_Publish(&ack, js, subject, data, len, NULL, &jerr), jerr, "publish");
        printf("published %s via n1 -> stream %s, seq %llu\n", subject, ack->Stream,
               (unsigned long long)ack->Sequence);
        jsPubAck_Destroy(ack);
    }

    // Ask the leader to step down. The stream elects a new leader among the
    // replicas, as it would if the leader's server went away. nats.c 3.4.1
    // has no call for this, but every JetStream API call is a plain
    // request on a `$JS.API.` subject, with a JSON answer; we only look for
    // its success flag.
    check(natsConnection_Request(&reply, n2, "$JS.API.STREAM.LEADER.STEPDOWN.ORDERS", NULL, 0,
                                 5000),
          0, "step-down request");
    printf("leader step-down requested: success=%s\n",
           strstr(natsMsg_GetData(reply), "\"success\":true") != NULL ? "true" : "false");
    natsMsg_Destroy(reply);

    // While the election runs, the stream briefly has no leader and API
    // calls may fail or time out; we ask again, through n3, every 100 ms
    // for at most ten seconds, until another node leads.
    check(natsConnection_JetStream(&js3, n3, NULL), 0, "JetStream context");
    give_up = nats_Now() + 10000;
    bool elected = false;
    while (!elected && nats_Now() < give_up) {
        if (js_GetStreamInfo(&si, js3, "ORDERS", NULL, &jerr) == NATS_OK) {
            elected = si->Cluster != NULL && si->Cluster->Leader != NULL &&
                      strcmp(si->Cluster->Leader, leader) != 0;
            jsStreamInfo_Destroy(si);
            si = NULL;
        }
        if (!elected)
            nats_Sleep(100);
    }
    if (!elected) {
        fprintf(stderr, "no new leader within ten seconds\n");
        return 1;
    }
    printf("stream ORDERS: a new leader was elected on another node\n");

    // The data is all still there, on the new leader too, and a client on
    // n3 reads it. Wherever a client is connected, the routes carry its
    // JetStream requests to the nodes that lead the stream and consumer.
    check(js_PullSubscribe(&psub, js3, "orders.>", "reader", NULL, NULL, &jerr), jerr,
          "pull subscribe");
    check(natsSubscription_Fetch(&list, psub, 3, 2000, &jerr), jerr, "fetch");
    for (int i = 0; i < list.Count; i++) {
        printf("client on n3 fetched %s: %.*s\n", natsMsg_GetSubject(list.Msgs[i]),
               natsMsg_GetDataLength(list.Msgs[i]), natsMsg_GetData(list.Msgs[i]));
        check(natsMsg_Ack(list.Msgs[i], NULL), 0, "ack");
    }
    natsMsgList_Destroy(&list);

    // Clean up: deleting the stream removes all three copies and the
    // consumer. Then every object goes, in the reverse order of creation.
    natsSubscription_Destroy(psub);
    check(js_DeleteStream(js3, "ORDERS", NULL, &jerr), jerr, "delete stream");
    jsCtx_Destroy(js3);
    jsCtx_Destroy(js);
    check(natsSubscription_Drain(responder), 0, "drain");
    check(natsSubscription_WaitForDrainCompletion(responder, 1000), 0, "wait for drain");
    natsSubscription_Destroy(responder);
    for (int i = 2; i >= 0; i--)
        natsConnection_Destroy(conns[i]);
    nats_Close();
    return 0;
}
