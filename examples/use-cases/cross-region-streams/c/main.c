// A service that takes orders in several regions wants two things that
// pull against each other: every write fast and local, even when the other
// regions are unreachable, and every region able to read every order. With
// JetStream in a super-cluster, each region writes only to a stream of its
// own, in its own cluster, and each region also keeps a global stream that
// sources all the regional ones. No stream is written from two regions, so
// nothing conflicts; the copying happens in the background, across the
// gateways, and catches up by itself after an interruption. POSIX threads
// (part of the C library on Linux) let `main` wait for a connection
// callback.
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nats/nats.h>

#define REGIONS 3
static const char *regions[REGIONS] = {"east", "west", "central"};
static const char *upper[REGIONS] = {"EAST", "WEST", "CENTRAL"};

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
// which here is what we want. After a region is lost, deleting may have to
// wait: if the meta group's leader was in that region, the servers left
// elect a new one first, which takes a few seconds, and until then the API
// does not answer (`NATS_TIMEOUT`) or answers "JetStream system temporarily
// unavailable" (`JSClusterNotAvailErr`). So those two are tried again,
// until a deadline. A stream already gone counts as deleted: a try that
// timed out may still have gone through.
static void
delete_stream(jsCtx *js, const char *name)
{
    int64_t give_up = nats_Now() + 30000;
    for (;;) {
        jsErrCode jerr = 0;
        natsStatus s = js_DeleteStream(js, name, NULL, &jerr);
        if (s == NATS_OK || s == NATS_NOT_FOUND)
            return;
        if ((s != NATS_TIMEOUT && jerr != JSClusterNotAvailErr) || nats_Now() > give_up)
            check(s, jerr, "delete stream");
        nats_Sleep(250);
    }
}

// The recorder runs three clusters of three servers, one per region,
// joined by gateways, and gives each server a URL (`NATS_URL_EAST_1` ...).
static const char *
url(int region)
{
    char name[32];
    snprintf(name, sizeof(name), "NATS_URL_%s_1", upper[region]);
    const char *found = getenv(name);
    return found != NULL ? found : "nats://127.0.0.1:4222";
}

// The west client is told when it loses its server, through the
// disconnected callback, which runs on a thread of the client; it sets a
// flag that `main` waits on.
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t changed;
    bool gone;
} lost;

static void
on_disconnected(natsConnection *nc, void *closure)
{
    (void)nc;
    lost *l = closure;
    pthread_mutex_lock(&l->mu);
    l->gone = true;
    pthread_cond_signal(&l->changed);
    pthread_mutex_unlock(&l->mu);
}

// Each region takes an order, on its own subjects. The publish is answered
// by the regional stream, in the client's own cluster: the write never
// waits on another region. A new stream's interest takes a moment to reach
// every server; until then a publish finds no responders (`js_Publish`
// returns `NATS_NO_RESPONDERS`, and nothing is stored), so it is tried
// again until a deadline. The acknowledgement (`jsPubAck`, which we
// destroy) names the stream that stored the order.
static void
take_order(jsCtx *js, int region, int n)
{
    jsPubAck *ack = NULL;
    jsErrCode jerr = 0;
    natsStatus s;
    char subject[32];
    snprintf(subject, sizeof(subject), "orders.%s.%d", regions[region], n);
    int64_t give_up = nats_Now() + 10000;
    while ((s = js_Publish(&ack, js, subject, "an order", 8, NULL, &jerr)) == NATS_NO_RESPONDERS &&
           nats_Now() < give_up)
        nats_Sleep(50);
    check(s, jerr, "publish");
    printf("%s client: %s -> stored in %s\n", regions[region], subject, ack->Stream);
    jsPubAck_Destroy(ack);
}

// The global streams fill in the background. A region waits, with a
// deadline, until its own global stream holds what it expects, then counts
// its orders by region of origin, from their subjects (`orders.<region>.<n>`),
// reading each with `js_GetMsg` (a message we destroy).
static void
global_view(jsCtx *js, int region, uint64_t expected)
{
    jsStreamInfo *si = NULL;
    natsMsg *msg = NULL;
    jsErrCode jerr = 0;
    char stream[32];
    int origins[REGIONS] = {0};
    snprintf(stream, sizeof(stream), "GLOBAL_%s", upper[region]);
    int64_t give_up = nats_Now() + 15000;
    for (;;) {
        check(js_GetStreamInfo(&si, js, stream, NULL, &jerr), jerr, "stream info");
        uint64_t count = si->State.Msgs;
        jsStreamInfo_Destroy(si);
        si = NULL;
        if (count >= expected)
            break;
        if (nats_Now() > give_up) {
            fprintf(stderr, "%s holds %llu orders after fifteen seconds\n", stream,
                    (unsigned long long)count);
            exit(1);
        }
        nats_Sleep(100);
    }
    for (uint64_t seq = 1; seq <= expected; seq++) {
        check(js_GetMsg(&msg, js, stream, seq, NULL, &jerr), jerr, "get message");
        const char *origin = strchr(natsMsg_GetSubject(msg), '.') + 1;
        for (int r = 0; r < REGIONS; r++)
            if (strncmp(origin, regions[r], strlen(regions[r])) == 0 &&
                origin[strlen(regions[r])] == '.')
                origins[r]++;
        natsMsg_Destroy(msg);
        msg = NULL;
    }
    printf("%s: %llu orders (east %d, west %d, central %d)\n", stream,
           (unsigned long long)expected, origins[0], origins[1], origins[2]);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *clients[REGIONS] = {NULL};
    jsCtx *js[REGIONS] = {NULL};
    natsOptions *opts = NULL;
    lost west = {.mu = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    jsPlacement placement;
    char name[32], subject[32];

    // One client per region connects to a server of its own region, as an
    // application running there would. The west client's options set the
    // disconnected callback; after losing its server it tries to
    // reconnect, in vain, until it is closed.
    check(natsConnection_ConnectTo(&clients[0], url(0)), 0, "connect east");
    check(natsConnection_ConnectTo(&clients[2], url(2)), 0, "connect central");
    check(natsOptions_Create(&opts), 0, "options");
    check(natsOptions_SetURL(opts, url(1)), 0, "URL");
    check(natsOptions_SetDisconnectedCB(opts, on_disconnected, &west), 0, "disconnected callback");
    check(natsConnection_Connect(&clients[1], opts), 0, "connect west");
    natsOptions_Destroy(opts);
    for (int r = 0; r < REGIONS; r++)
        check(natsConnection_JetStream(&js[r], clients[r], NULL), 0, "JetStream context");
    jsCtx *east = js[0];

    // Start clean: delete the streams if an interrupted run left them.
    for (int r = 0; r < REGIONS; r++) {
        snprintf(name, sizeof(name), "GLOBAL_%s", upper[r]);
        delete_stream(east, name);
        snprintf(name, sizeof(name), "ORDERS_%s", upper[r]);
        delete_stream(east, name);
    }

    // A regional stream per region: ORDERS_EAST takes `orders.east.>` and
    // lives in cluster east (a `jsPlacement`), three replicas, and so on.
    // Any client may create any of them; placement decides where they
    // live. `js_AddStream` reads the config and what it points to only
    // during the call, so stack memory is fine.
    for (int r = 0; r < REGIONS; r++) {
        const char *subjects[] = {subject};
        snprintf(name, sizeof(name), "ORDERS_%s", upper[r]);
        snprintf(subject, sizeof(subject), "orders.%s.>", regions[r]);
        jsPlacement_Init(&placement);
        placement.Cluster = regions[r];
        jsStreamConfig_Init(&cfg);
        cfg.Name = name;
        cfg.Subjects = subjects;
        cfg.SubjectsLen = 1;
        cfg.Replicas = 3;
        cfg.Placement = &placement;
        check(js_AddStream(NULL, east, &cfg, NULL, &jerr), jerr, "add regional stream");
    }

    // And a global stream per region: GLOBAL_EAST, in east, sources the
    // three regional streams, and so do GLOBAL_WEST and GLOBAL_CENTRAL in
    // their regions. `Sources` is an array of pointers to `jsStreamSource`
    // structs, each naming a stream. A source copies each message with its
    // subject, so a global stream knows where every order came from.
    jsStreamSource sources[REGIONS];
    jsStreamSource *source_list[REGIONS];
    char source_names[REGIONS][32];
    for (int s = 0; s < REGIONS; s++) {
        snprintf(source_names[s], sizeof(source_names[s]), "ORDERS_%s", upper[s]);
        jsStreamSource_Init(&sources[s]);
        sources[s].Name = source_names[s];
        source_list[s] = &sources[s];
    }
    for (int r = 0; r < REGIONS; r++) {
        snprintf(name, sizeof(name), "GLOBAL_%s", upper[r]);
        jsPlacement_Init(&placement);
        placement.Cluster = regions[r];
        jsStreamConfig_Init(&cfg);
        cfg.Name = name;
        cfg.Replicas = 3;
        cfg.Placement = &placement;
        cfg.Sources = source_list;
        cfg.SourcesLen = REGIONS;
        check(js_AddStream(NULL, east, &cfg, NULL, &jerr), jerr, "add global stream");
    }

    for (int r = 0; r < REGIONS; r++)
        take_order(js[r], r, 1);
    for (int r = 0; r < REGIONS; r++)
        global_view(js[r], r, 3);

    // Now the west region is lost: the recorder stops its three servers
    // when this line is printed. The program waits (for at most fifteen
    // seconds) until the west client has lost its server, then closes it
    // and destroys it with its JetStream context.
    printf("stopping region west\n");
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 15;
    pthread_mutex_lock(&west.mu);
    while (!west.gone) {
        if (pthread_cond_timedwait(&west.changed, &west.mu, &deadline) != 0) {
            fprintf(stderr, "the west client did not lose its server\n");
            return 1;
        }
    }
    pthread_mutex_unlock(&west.mu);
    natsConnection_Close(clients[1]);
    jsCtx_Destroy(js[1]);
    natsConnection_Destroy(clients[1]);
    printf("west client: disconnected, its region is gone\n");

    // East and central go on taking orders: their regional streams and
    // their global streams live in their own regions, and copying between
    // them goes on. West's order, copied before the loss, is still in
    // every global stream that is left. When west comes back, its global
    // stream picks up where it stopped: a source remembers the last
    // message it copied.
    take_order(js[0], 0, 2);
    take_order(js[2], 2, 2);
    global_view(js[0], 0, 5);
    global_view(js[2], 2, 5);

    // Losing a region also loses its servers' votes in JetStream's meta
    // group: creating, changing or deleting streams needs a majority of
    // all JetStream servers, which three regions keep. See [Super-Cluster
    // JetStream Quorum](../../topologies/supercluster-jetstream-arbiter/index.md).
    //
    // Clean up: delete the streams, the lost region's included (a deletion
    // is the meta group's decision; west's servers learn of it when they
    // return).
    for (int r = 0; r < REGIONS; r++) {
        snprintf(name, sizeof(name), "GLOBAL_%s", upper[r]);
        delete_stream(east, name);
        snprintf(name, sizeof(name), "ORDERS_%s", upper[r]);
        delete_stream(east, name);
    }
    jsCtx_Destroy(js[0]);
    jsCtx_Destroy(js[2]);
    natsConnection_Destroy(clients[0]);
    natsConnection_Destroy(clients[2]);
    nats_Close();
    return 0;
}
