// JetStream in a super-cluster keeps one piece of shared state: the meta
// group, a Raft group of every JetStream server in every cluster, which
// decides where each stream and consumer lives and records every creation
// and deletion. Like every Raft group it acts only while a majority of its
// members can talk. With three regions, losing any one leaves a majority;
// with two, losing either does not. This example loses a region and shows
// what still works. Nothing in the C client is specific to it: the same
// JetStream calls, and their statuses when a region is gone.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

// The process's environment, as `NAME=value` strings.
extern char **environ;

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

// Delete a stream if it exists: a missing stream answers `NATS_NOT_FOUND`,
// which here is what we want.
static void
delete_stream(jsCtx *js, const char *name)
{
    jsErrCode jerr = 0;
    natsStatus s = js_DeleteStream(js, name, NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");
}

// A stream of three replicas, placed in one cluster with a `jsPlacement`
// (ours, on the stack, like the config that points to it), with either
// subjects or a mirror.
static natsStatus
add_stream(jsCtx *js, const char *name, const char *subject, const char *mirror_of,
           const char *cluster, jsErrCode *jerr)
{
    jsStreamConfig cfg;
    jsPlacement placement;
    jsStreamSource mirror;
    const char *subjects[] = {subject};
    jsPlacement_Init(&placement);
    placement.Cluster = cluster;
    jsStreamConfig_Init(&cfg);
    cfg.Name = name;
    cfg.Replicas = 3;
    cfg.Placement = &placement;
    if (subject != NULL) {
        cfg.Subjects = subjects;
        cfg.SubjectsLen = 1;
    }
    if (mirror_of != NULL) {
        jsStreamSource_Init(&mirror);
        mirror.Name = mirror_of;
        cfg.Mirror = &mirror;
    }
    return js_AddStream(NULL, js, &cfg, NULL, jerr);
}

// How many messages a stream holds; `js_GetStreamInfo` allocates the info
// we destroy.
static uint64_t
messages_in(jsCtx *js, const char *name)
{
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    check(js_GetStreamInfo(&si, js, name, NULL, &jerr), jerr, "stream info");
    uint64_t count = si->State.Msgs;
    jsStreamInfo_Destroy(si);
    return count;
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsStreamInfo *si = NULL;
    natsMsg *msg = NULL;
    jsErrCode jerr = 0;
    jsOptions o;
    natsStatus s;
    char subject[32], data[32];

    // The recorder runs three clusters of three servers, east, west and
    // central, joined by gateways, with JetStream on every server; it gives
    // each server a URL (`NATS_URL_EAST_1` ...). `NATS_URL` lists the east
    // servers: the client lives in east.
    int servers = 0;
    for (char **env = environ; *env != NULL; env++)
        if (strncmp(*env, "NATS_URL_EAST_", 14) == 0 || strncmp(*env, "NATS_URL_WEST_", 14) == 0 ||
            strncmp(*env, "NATS_URL_CENTRAL_", 17) == 0)
            servers++;
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");

    // Every server runs JetStream, so every server is a member of the meta
    // group. Here that is nine, and a majority is five.
    printf("meta group: %d servers, a majority is %d\n", servers, servers / 2 + 1);

    // JetStream API calls wait 2 s for an answer (`Wait` in the context's
    // options, in milliseconds), so that what no longer answers shows
    // quickly.
    jsOptions_Init(&o);
    o.Wait = 2000;
    check(natsConnection_JetStream(&js, nc, &o), 0, "JetStream context");

    // Start clean: delete the streams if an interrupted run left them.
    delete_stream(js, "ORDERS_MIRROR");
    delete_stream(js, "ORDERS");
    delete_stream(js, "AUDIT");

    // A stream lives in one cluster: all its replicas are servers of that
    // cluster, chosen with the placement. ORDERS lives in west, three
    // replicas, and takes the subjects `orders.>`. The client is in east:
    // its requests and publishes cross a gateway.
    check(add_stream(js, "ORDERS", "orders.>", NULL, "west", &jerr), jerr, "add stream ORDERS");

    // The new stream's interest in `orders.>` takes a moment to travel
    // through the gateway to east. Until it arrives, a publish from east
    // finds no responders (`js_Publish` returns `NATS_NO_RESPONDERS`) and
    // nothing is stored, so the first publish is tried again, until a
    // deadline.
    int64_t give_up = nats_Now() + 10000;
    while ((s = js_Publish(NULL, js, "orders.1", "order 1", 7, NULL, &jerr)) == NATS_NO_RESPONDERS &&
           nats_Now() < give_up)
        nats_Sleep(50);
    check(s, jerr, "publish");
    for (int n = 2; n <= 3; n++) {
        snprintf(subject, sizeof(subject), "orders.%d", n);
        int len = snprintf(data, sizeof(data), "order %d", n);
        check(js_Publish(NULL, js, subject, data, len, NULL, &jerr), jerr, "publish");
    }

    // A mirror keeps a read-only copy of another stream, here in east:
    // `Mirror` points to a `jsStreamSource` naming the stream. The servers
    // holding the mirror pull from ORDERS across the gateway; the copy
    // catches up on its own, so the program polls (with a deadline) until
    // it holds the three orders.
    check(add_stream(js, "ORDERS_MIRROR", NULL, "ORDERS", "east", &jerr), jerr,
          "add stream ORDERS_MIRROR");
    give_up = nats_Now() + 10000;
    while (messages_in(js, "ORDERS_MIRROR") < 3) {
        if (nats_Now() > give_up) {
            fprintf(stderr, "the mirror did not catch up within ten seconds\n");
            return 1;
        }
        nats_Sleep(50);
    }
    printf("ORDERS in west: 3 orders; ORDERS_MIRROR in east: 3 orders\n");

    // Central holds no stream. It is the arbiter: its servers take part in
    // the meta group's votes and store nothing. (In production an arbiter
    // can be a small cluster whose JetStream limits, or whose placement
    // tags, keep streams away.)
    //
    // Now the whole west region goes down: the recorder stops its three
    // servers when this line is printed. The client asks for ORDERS' info
    // until that fails: depending on what the other servers know by then,
    // the request goes unanswered (`NATS_TIMEOUT`) or is answered with an
    // error, "stream is offline". Either way, nothing is left that holds
    // ORDERS.
    printf("stopping region west\n");
    give_up = nats_Now() + 30000;
    while ((s = js_GetStreamInfo(&si, js, "ORDERS", NULL, &jerr)) == NATS_OK) {
        jsStreamInfo_Destroy(si);
        si = NULL;
        if (nats_Now() > give_up) {
            fprintf(stderr, "ORDERS still answers after thirty seconds\n");
            return 1;
        }
        nats_Sleep(100);
    }
    printf("ORDERS (west): stream info fails, every replica is down\n");

    // Publishing to `orders.>` fails: no stream takes those subjects any
    // more. `js_Publish` is a request, and the server answers it at once
    // with "no responders", which the C client returns as
    // `NATS_NO_RESPONDERS`. (A core NATS publish would succeed, and be
    // stored nowhere.)
    s = js_Publish(NULL, js, "orders.4", "order 4", 7, NULL, &jerr);
    if (s == NATS_OK) {
        fprintf(stderr, "orders.4 was stored\n");
        return 1;
    }
    printf("publish to orders.4 -> %s\n", natsStatus_GetText(s));

    // The mirror lives in east and answers as before: what ORDERS stored
    // before west went down can still be read, here with `js_GetMsg` by
    // sequence (a message we destroy).
    printf("ORDERS_MIRROR (east):");
    for (uint64_t seq = 1; seq <= 3; seq++) {
        check(js_GetMsg(&msg, js, "ORDERS_MIRROR", seq, NULL, &jerr), jerr, "get message");
        printf("%s %.*s", seq == 1 ? "" : ",", natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
        natsMsg_Destroy(msg);
        msg = NULL;
    }
    printf("\n");

    // And the meta group still has six of its nine members, more than the
    // five it needs, so JetStream can still create streams (and consumers,
    // and key-value buckets). If the meta group's leader was in west, the
    // six elect a new one first, which takes a few seconds: until then the
    // API answers "JetStream system temporarily unavailable" (or does not
    // answer at all), so the client tries again, until a deadline.
    give_up = nats_Now() + 30000;
    while ((s = add_stream(js, "AUDIT", "audit.>", NULL, "east", &jerr)) != NATS_OK &&
           nats_Now() < give_up)
        nats_Sleep(250);
    check(s, jerr, "add stream AUDIT");
    printf("new stream AUDIT in east: created, the meta group has 6 of 9\n");

    // With two regions, as on the super-cluster page, the same loss leaves
    // three of six: no majority, and that last step would fail everywhere
    // until the region came back.
    //
    // Clean up: delete the streams. Deleting is a meta group decision too,
    // so even ORDERS, whose servers are down, can be deleted; west's
    // servers learn of it when they return.
    delete_stream(js, "AUDIT");
    delete_stream(js, "ORDERS_MIRROR");
    delete_stream(js, "ORDERS");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
