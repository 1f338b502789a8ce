// A NATS connection outlives the TCP connection under it. When its server
// goes away, the C client reconnects on a thread of its own, to another
// server of the cluster or to the same one when it is back, sends its
// subscriptions again and carries on; meanwhile, publishes wait in a
// buffer inside the client. The program hears of it all through callbacks
// set on the `natsOptions` it connects with. This example makes a server
// leave in each of the two ways servers leave: politely, in lame-duck
// mode, and abruptly.
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nats/nats.h>

// The buffer for publishes made while disconnected. nats.c keeps 8 MiB by
// default; this example makes it small enough to fill.
#define BUFFER 1024

// Stop at the first failed call, naming the status and the client's own
// description of the error. Exiting without destroying anything is fine
// here: the operating system reclaims it all.
static void
check(natsStatus s, const char *what)
{
    if (s == NATS_OK)
        return;
    fprintf(stderr, "%s failed: %s (%s)\n", what, natsStatus_GetText(s), nats_GetLastError(NULL));
    exit(1);
}

// nats.c runs every connection callback on one thread of its own, in the
// order the events happen. Here each callback only adds the event's name
// to a queue, guarded by a mutex; `wait_for` prints the events as `main`
// takes them off the queue, until the one it waits for, with a deadline,
// instead of guessing how long a reconnect takes.
#define MAX_EVENTS 16

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t added;
    const char *names[MAX_EVENTS];
    int count;
    int read;
} event_queue;

static void
add_event(event_queue *q, const char *name)
{
    pthread_mutex_lock(&q->mu);
    if (q->count < MAX_EVENTS)
        q->names[q->count++] = name;
    pthread_cond_signal(&q->added);
    pthread_mutex_unlock(&q->mu);
}

static void
wait_for(event_queue *q, const char *name)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 30;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (q->read < q->count) {
            const char *got = q->names[q->read++];
            printf("  callback: %s\n", got);
            if (strcmp(got, name) == 0) {
                pthread_mutex_unlock(&q->mu);
                return;
            }
        }
        if (pthread_cond_timedwait(&q->added, &q->mu, &deadline) != 0) {
            fprintf(stderr, "no %s event within 30 s\n", name);
            exit(1);
        }
    }
}

// The four connection callbacks share one signature: the connection, and
// the pointer given when the callback was set (the queue).
static void
on_disconnected(natsConnection *nc, void *queue)
{
    (void)nc;
    add_event(queue, "disconnected");
}

static void
on_reconnected(natsConnection *nc, void *queue)
{
    (void)nc;
    add_event(queue, "reconnected");
}

static void
on_closed(natsConnection *nc, void *queue)
{
    (void)nc;
    add_event(queue, "closed");
}

static void
on_lame_duck(natsConnection *nc, void *queue)
{
    (void)nc;
    add_event(queue, "lame duck mode");
}

// The names of the cluster's three servers, and their URLs.
static const char *names[3] = {"n1", "n2", "n3"};
static const char *urls[3];

// `natsConnection_GetConnectedUrl` copies the URL of the server the client
// is connected to into our buffer; its port says which server that is.
static const char *
server_name(natsConnection *nc)
{
    char url[256];
    check(natsConnection_GetConnectedUrl(nc, url, sizeof(url)), "connected URL");
    const char *port = strrchr(url, ':');
    for (int i = 0; port != NULL && i < 3; i++) {
        const char *own = strrchr(urls[i], ':');
        if (own != NULL && strcmp(own, port) == 0)
            return names[i];
    }
    return "an unknown server";
}

// Publish a message on the subject the client subscribes to, and wait for
// it to come back, for at most five seconds.
static void
send_and_receive(natsConnection *nc, natsSubscription *sub, const char *text)
{
    natsMsg *msg = NULL;
    check(natsConnection_PublishString(nc, "orders", text), "publish");
    check(natsSubscription_NextMsg(&msg, sub, 5000), "next message");
    printf("published and received: %.*s\n", natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
    natsMsg_Destroy(msg);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsOptions *opts = NULL;
    natsConnection *nc = NULL;
    natsSubscription *sub = NULL;
    natsMsg *msg = NULL;
    event_queue events = {.mu = PTHREAD_MUTEX_INITIALIZER, .added = PTHREAD_COND_INITIALIZER};
    const char *vars[3] = {"NATS_URL_N1", "NATS_URL_N2", "NATS_URL_N3"};
    char text[64];
    natsStatus s;

    // The recorder runs a cluster of three servers, n1, n2 and n3, and
    // gives each one a URL of its own (`NATS_URL` lists all three, but
    // this example needs to know which is which).
    for (int i = 0; i < 3; i++) {
        urls[i] = getenv(vars[i]);
        if (urls[i] == NULL)
            urls[i] = "nats://127.0.0.1:4222";
    }

    // Everything about reconnecting is a setting of the options object,
    // which `natsConnection_Connect` copies.
    // - `natsOptions_SetServers` takes the list of servers (copied too),
    //   and `natsOptions_SetNoRandomize` keeps it in the order given:
    //   nats.c shuffles it by default, so that clients spread over the
    //   cluster. So the client starts on n1, then n2, then n3.
    // - `natsOptions_SetMaxReconnect` is how many failed attempts in a row
    //   a server may have before the client strikes it off its list (60 by
    //   default; -1, never). At 0, a server that drops the client is struck
    //   off at once and never tried again: the client moves on to the
    //   others. (The servers of a cluster tell their clients about each
    //   other, so a server that comes back is added to the list again.)
    // - nats.c tries the servers on its list one after the other, without
    //   a pause, and waits `natsOptions_SetReconnectWait` (2 s by default,
    //   1 s here, plus up to 0.1 s of random jitter) only before the
    //   attempt that completes a round of the list. With n1 and n2 struck
    //   off, n3 is alone on the list, and the client waits that second
    //   before trying it: the moment without a connection is long enough
    //   to see.
    // - `natsOptions_SetReconnectBufSize` bounds the buffer.
    check(natsOptions_Create(&opts), "options");
    check(natsOptions_SetServers(opts, urls, 3), "servers");
    check(natsOptions_SetNoRandomize(opts, true), "no randomize");
    check(natsOptions_SetMaxReconnect(opts, 0), "max reconnect");
    check(natsOptions_SetReconnectWait(opts, 1000), "reconnect wait");
    check(natsOptions_SetReconnectBufSize(opts, BUFFER), "reconnect buffer size");
    check(natsOptions_SetDisconnectedCB(opts, on_disconnected, &events), "disconnected callback");
    check(natsOptions_SetReconnectedCB(opts, on_reconnected, &events), "reconnected callback");
    check(natsOptions_SetClosedCB(opts, on_closed, &events), "closed callback");
    check(natsOptions_SetLameDuckModeCB(opts, on_lame_duck, &events), "lame duck callback");
    check(natsConnection_Connect(&nc, opts), "connect");
    natsOptions_Destroy(opts);
    printf("connected to %s\n", server_name(nc));

    // The client subscribes to the subject it publishes on, so it sees
    // its own messages come back (NATS echoes them unless
    // `natsOptions_SetNoEcho`). A synchronous subscription: `main` takes
    // its messages with `natsSubscription_NextMsg`.
    check(natsConnection_SubscribeSync(&sub, nc, "orders"), "subscribe");
    send_and_receive(nc, sub, "order 1");

    // 1. Lame-duck mode: the orderly way to take a server down, for an
    // upgrade say (`nats-server --signal ldm`). The server refuses new
    // connections at once and announces it to the clients it has, which
    // run their lame-duck callback. It waits out a grace period (10 s by
    // default), then closes the remaining connections gradually over
    // `lame_duck_duration` (2 minutes), so that a server with thousands
    // of clients does not send them all to its neighbours at once.
    //
    // The recorder puts n1 into lame-duck mode when this line is printed.
    printf("asking n1 to enter lame-duck mode\n");
    wait_for(&events, "lame duck mode");

    // nats.c only reports it. Other clients can drop the connection on
    // request and reconnect at once (later nats.c releases add
    // `natsConnection_Reconnect`); in 3.4.1 the client stays until n1
    // closes the connection at the end of its grace period. Then the
    // usual reconnect path runs, with both callbacks: n1 is struck off
    // the list, the client takes the next server, n2, and its
    // subscription comes along.
    printf("staying on n1 until it closes the connection\n");
    wait_for(&events, "reconnected");
    printf("now connected to %s\n", server_name(nc));
    send_and_receive(nc, sub, "order 2");

    // 2. A server that simply goes away: a crash, a machine that fails.
    // The recorder stops n2 when this line is printed, and the client
    // finds its connection gone.
    printf("stopping n2\n");
    wait_for(&events, "disconnected");

    // `natsConnection_Status` is the connection's state:
    // `NATS_CONN_STATUS_RECONNECTING` now, `NATS_CONN_STATUS_CONNECTED`
    // once a server has taken the client back.
    printf("is_connected: %s, is_reconnecting: %s\n",
           natsConnection_Status(nc) == NATS_CONN_STATUS_CONNECTED ? "true" : "false",
           natsConnection_IsReconnecting(nc) ? "true" : "false");

    // Until a server takes the client back, a publish neither fails nor
    // waits: it appends the message to the client's buffer and returns.
    // Here another server is up and the wait is short; with every server
    // down it lasts until one is back, or until the client gives up.
    // (While the client is in the middle of an attempt, it holds the
    // connection's lock, and a publish waits for the attempt to end.)
    for (int n = 3; n <= 5; n++) {
        snprintf(text, sizeof(text), "order %d", n);
        check(natsConnection_PublishString(nc, "orders", text), "publish");
    }
    printf("published order 3, 4 and 5: they wait in the buffer\n");

    // The size limit is checked before a message is added, not after: a
    // publish is refused only once the buffer is already full. So a
    // 1000-byte message still goes in, taking the buffer past its 1024
    // bytes, and the next publish fails with `NATS_INSUFFICIENT_BUFFER`.
    // That message is dropped; the ones already buffered stay.
    char payload[1000];
    memset(payload, 'x', sizeof(payload));
    check(natsConnection_Publish(nc, "orders", payload, sizeof(payload)), "publish");
    printf("a 1000-byte publish still goes in, taking the buffer past its %d bytes\n", BUFFER);
    s = natsConnection_PublishString(nc, "orders", "order 6");
    if (s != NATS_INSUFFICIENT_BUFFER) {
        fprintf(stderr, "a full buffer took one more message (%s)\n", natsStatus_GetText(s));
        return 1;
    }
    printf("the next publish does not fit: %s\n", natsStatus_GetText(s));

    // Once a server takes the client, nats.c sends its subscriptions
    // first and the buffer after them, so the messages published while
    // disconnected arrive, in order: the three orders, then the 1000
    // bytes.
    wait_for(&events, "reconnected");
    printf("now connected to %s\n", server_name(nc));
    printf("received after the reconnect:");
    for (int i = 0; i < 3; i++) {
        check(natsSubscription_NextMsg(&msg, sub, 5000), "next message");
        printf("%s %.*s", i == 0 ? "" : ",", natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
        natsMsg_Destroy(msg);
    }
    check(natsSubscription_NextMsg(&msg, sub, 5000), "next message");
    printf(", then %d bytes\n", natsMsg_GetDataLength(msg));
    natsMsg_Destroy(msg);

    // The buffer lives in this process's memory: what is in it when the
    // process ends, or when the program closes the connection, is lost.
    // A message that must not be lost goes to a JetStream stream, whose
    // publish waits for the server's acknowledgement.
    //
    // `natsConnection_Close` ends the connection for good. nats.c runs
    // the disconnected callback once more, then the closed one, which a
    // program also gets when the client gives up reconnecting. The
    // callbacks run on the client's thread, so we wait for the last one
    // before the queue they write to goes away; then the subscription
    // and the connection are destroyed, and `nats_Close` releases the
    // library's own threads.
    printf("closing\n");
    natsConnection_Close(nc);
    wait_for(&events, "closed");
    natsSubscription_Destroy(sub);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
