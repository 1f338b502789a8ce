// The NATS C client is one header. Every call returns a `natsStatus`:
// `NATS_OK` on success, otherwise a code such as `NATS_TIMEOUT`, and
// objects come back through out-parameters. What the client creates (the
// connection, a subscription, each message) is yours to destroy with the
// matching `..._Destroy` call.
#include <stdio.h>
#include <stdlib.h>

#include <nats/nats.h>

// Stop at the first failed call. `natsStatus_GetText` names the status, and
// `nats_GetLastError` has the client's own, more detailed, description of
// what went wrong in this thread (for example which server refused the
// connection). Exiting without destroying anything is fine here: the
// operating system reclaims it all.
static void
check(natsStatus s, const char *what)
{
    if (s == NATS_OK)
        return;
    fprintf(stderr, "%s failed: %s (%s)\n", what, natsStatus_GetText(s),
            nats_GetLastError(NULL));
    exit(1);
}

// A received message is a `natsMsg`. Its payload is not a C string, so we
// print exactly `natsMsg_GetDataLength` bytes of it.
static void
print_received(const char *name, natsMsg *msg)
{
    printf("subscriber %s received %s: %.*s\n", name, natsMsg_GetSubject(msg),
           natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    natsSubscription *subA = NULL;
    natsSubscription *subB = NULL;
    natsMsg *msg = NULL;
    natsStatus s;

    // Read the server list from `NATS_URL`, falling back to a local server
    // on the default port. `natsConnection_ConnectTo` takes one URL or a
    // comma-separated list, and connects to one of them; the first call
    // into the client also initialises the library.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), "connect");

    // Publishers and subscribers are usually separate programs, each with
    // its own connection. One connection plays every role here, so the
    // order below is exact: the client writes our publishes and subscribes
    // to the server in the order we make the calls.
    //
    // Publish while nobody is subscribed. The server finds no interest in
    // `weather.oslo` and drops the message, and the call still returns
    // `NATS_OK`: a core NATS publisher never learns who, if anyone, got it.
    check(natsConnection_PublishString(nc, "weather.oslo", "12°C fog"), "publish");
    printf("published weather.oslo: 12°C fog (nobody subscribed yet)\n");

    // Subscriber A subscribes. A synchronous subscription has no callback:
    // the client queues the messages that arrive for it, and we take them
    // one by one with `natsSubscription_NextMsg`.
    check(natsConnection_SubscribeSync(&subA, nc, "weather.oslo"), "subscribe A");

    // The message published a moment ago is not waiting for A, so
    // `natsSubscription_NextMsg` returns `NATS_TIMEOUT` after the 500 ms we
    // allow. A subscriber only sees what is published after it subscribed;
    // a JetStream stream is what keeps messages for later. Any other
    // status is a real failure.
    s = natsSubscription_NextMsg(&msg, subA, 500);
    if (s == NATS_OK) {
        print_received("A", msg);
        natsMsg_Destroy(msg);
    } else if (s == NATS_TIMEOUT) {
        printf("subscriber A: nothing received\n");
    } else {
        check(s, "next message for A");
    }

    // A message published now reaches A. Each message `NextMsg` hands us
    // belongs to us, so we destroy it once we have printed it.
    check(natsConnection_PublishString(nc, "weather.oslo", "14°C rain"), "publish");
    printf("published weather.oslo: 14°C rain\n");
    check(natsSubscription_NextMsg(&msg, subA, 1000), "next message for A");
    print_received("A", msg);
    natsMsg_Destroy(msg);

    // Subscriber B subscribes to the same subject. Now one publish is
    // delivered twice, a copy to each subscriber. That fan-out lets a
    // single event feed a dashboard, an alerting service and an archive at
    // once, while the publisher knows none of them.
    check(natsConnection_SubscribeSync(&subB, nc, "weather.oslo"), "subscribe B");

    check(natsConnection_PublishString(nc, "weather.oslo", "16°C sun"), "publish");
    printf("published weather.oslo: 16°C sun\n");
    check(natsSubscription_NextMsg(&msg, subA, 1000), "next message for A");
    print_received("A", msg);
    natsMsg_Destroy(msg);
    check(natsSubscription_NextMsg(&msg, subB, 1000), "next message for B");
    print_received("B", msg);
    natsMsg_Destroy(msg);

    // Clean up in the reverse order of creation. Destroying a subscription
    // that is still active unsubscribes it first; destroying the
    // connection closes it. `nats_Close` then releases what the library
    // itself holds (its threads and global state), which is only possible
    // once every object has been destroyed.
    natsSubscription_Destroy(subB);
    natsSubscription_Destroy(subA);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
