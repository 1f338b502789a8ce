// A super-cluster joins whole clusters with gateways, typically one
// cluster per region or cloud. Clients connect to their local cluster, and
// gateways carry messages to other clusters only when someone there is
// interested. Queue groups prefer members in the local cluster and fall
// back to other clusters, which gives services geo-affinity and failover
// for free. The C client needs nothing special for any of it.
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

// The recorder runs the clusters `east` and `west`, three nodes each, and
// gives every node a URL of its own. `NATS_URL` lists the east nodes; our
// requesting client lives there.
static const char *
url(const char *node)
{
    char name[32];
    snprintf(name, sizeof(name), "NATS_URL_%s", node);
    const char *found = getenv(name);
    return found != NULL ? found : "nats://127.0.0.1:4222";
}

// A responder is an ordinary queue subscriber. The C client does not say
// which cluster a connection landed in, so each responder is told at
// start-up (here, the cluster of the URL it connects to), through its
// closure, and puts it in its answers, to make the routing visible.
static void
handle(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)sub;
    char text[64];
    snprintf(text, sizeof(text), "answered by a responder in %s", (const char *)closure);
    natsStatus s = natsConnection_PublishString(nc, natsMsg_GetReply(msg), text);
    if (s != NATS_OK)
        fprintf(stderr, "answer failed: %s\n", natsStatus_GetText(s));
    natsMsg_Destroy(msg);
}

// Start a responder: connect to a node, join the `weather-service` queue
// group, and flush, a round trip after which that server has the
// subscription.
static void
start_responder(natsConnection **nc, natsSubscription **sub, const char *cluster,
                const char *node)
{
    check(natsConnection_ConnectTo(nc, url(node)), 0, "connect");
    check(natsConnection_QueueSubscribe(sub, *nc, "weather", "weather-service", handle,
                                        (void *)cluster),
          0, "queue subscribe");
    check(natsConnection_Flush(*nc), 0, "flush");
}

// The flush only tells a responder that its own server has the
// subscription. News of it takes a moment more to travel through routes
// and gateways; until it reaches the east client's server, a request there
// finds `NATS_NO_RESPONDERS`, so `ask` tries again after a short pause,
// until a deadline.
static void
ask(natsConnection *client, const char *label)
{
    natsMsg *reply = NULL;
    natsStatus s;
    int64_t give_up = nats_Now() + 5000;
    while ((s = natsConnection_Request(&reply, client, "weather", NULL, 0, 1000)) ==
               NATS_NO_RESPONDERS &&
           nats_Now() < give_up)
        nats_Sleep(50);
    check(s, 0, "request");
    printf("%s -> %.*s\n", label, natsMsg_GetDataLength(reply), natsMsg_GetData(reply));
    natsMsg_Destroy(reply);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *client = NULL;
    natsConnection *west = NULL;
    natsConnection *east = NULL;
    natsSubscription *west_sub = NULL;
    natsSubscription *east_sub = NULL;
    jsCtx *js = NULL;
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    jsPlacement placement;
    natsStatus s;
    char label[96];

    check(natsConnection_ConnectTo(&client, url("EAST_1")), 0, "connect");

    // 1. The only responder is in the west. The east client's request
    // crosses the gateway, and the answer comes back the same way.
    start_responder(&west, &west_sub, "west", "WEST_2");
    ask(client, "only a west responder: east client's request");

    // 2. A responder joins the same queue group in the east. The east
    // servers now have a member nearby, so the requests stay in the east
    // cluster, with no gateway hop.
    start_responder(&east, &east_sub, "east", "EAST_1");
    for (int i = 1; i <= 3; i++) {
        snprintf(label, sizeof(label), "responders in both: east client's request %d", i);
        ask(client, label);
    }

    // 3. The east responder leaves the group (`Unsubscribe`, confirmed by
    // a flush). The queue group still has a member in the west, so
    // requests fail over across the gateway.
    check(natsSubscription_Unsubscribe(east_sub), 0, "unsubscribe");
    check(natsConnection_Flush(east), 0, "flush");
    ask(client, "east responder gone: east client's request");

    // JetStream spans the super-cluster too. A stream can be placed in a
    // chosen cluster with a `jsPlacement` struct; here the east client
    // creates one in the west, and the stream's info names the cluster
    // that holds it. (Start clean: delete it first if an interrupted run
    // left it; a missing one is `NATS_NOT_FOUND`.)
    check(natsConnection_JetStream(&js, client, NULL), 0, "JetStream context");
    s = js_DeleteStream(js, "WEST_EVENTS", NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");
    const char *subjects[] = {"west.events.>"};
    jsPlacement_Init(&placement);
    placement.Cluster = "west";
    jsStreamConfig_Init(&cfg);
    cfg.Name = "WEST_EVENTS";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Placement = &placement;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream");
    check(js_GetStreamInfo(&si, js, "WEST_EVENTS", NULL, &jerr), jerr, "stream info");
    printf("stream WEST_EVENTS created from the east, placed in cluster %s\n",
           si->Cluster != NULL ? si->Cluster->Name : "(unknown)");
    jsStreamInfo_Destroy(si);

    // A warning about this layout. Every stream and consumer is created,
    // changed and deleted through JetStream's meta group: one Raft group
    // of all six servers, in both clusters, which acts only with a
    // majority, four of six. If one region goes down, the other has three:
    // no majority. Streams that live in the surviving region keep storing
    // and delivering messages, but creating or deleting any stream or
    // consumer (ephemeral consumers and KV watchers included) fails
    // everywhere until the lost region returns. Two regions cannot outvote
    // each other; with JetStream, run three, or two and a small third
    // cluster whose only job is to vote.
    //
    // Clean up: delete the stream, then every object, in the reverse order
    // of creation (the west responder drained first, so its handler is
    // done).
    check(js_DeleteStream(js, "WEST_EVENTS", NULL, &jerr), jerr, "delete stream");
    jsCtx_Destroy(js);
    natsSubscription_Destroy(east_sub);
    natsConnection_Destroy(east);
    check(natsSubscription_Drain(west_sub), 0, "drain");
    check(natsSubscription_WaitForDrainCompletion(west_sub, 1000), 0, "wait for drain");
    natsSubscription_Destroy(west_sub);
    natsConnection_Destroy(west);
    natsConnection_Destroy(client);
    nats_Close();
    return 0;
}
