// The NATS C client is one header. Every call returns a `natsStatus`:
// `NATS_OK` on success, otherwise a code such as `NATS_TIMEOUT` or
// `NATS_NO_RESPONDERS`, and objects come back through out-parameters.
// Whatever the client hands you (the connection, a subscription, a
// message) is yours to destroy with the matching `..._Destroy` call.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

// Stop at the first failed call. `natsStatus_GetText` names the status, and
// `nats_GetLastError` has the client's own, more detailed, description of
// what went wrong in this thread. Exiting without destroying anything is
// fine here: the operating system reclaims it all.
static void
check(natsStatus s, const char *what)
{
    if (s == NATS_OK)
        return;
    fprintf(stderr, "%s failed: %s (%s)\n", what, natsStatus_GetText(s),
            nats_GetLastError(NULL));
    exit(1);
}

// The greeting service. A service is nothing more than a subscription whose
// handler answers: each request carries a reply subject
// (`natsMsg_GetReply`), an inbox only the requester listens on, and the
// answer is an ordinary publish to it. A message without one was
// published, not requested, and gets no answer.
//
// This is the message handler of an asynchronous subscription: the client
// calls it for every message on one of its own threads, so it runs while
// `main` is blocked waiting for a reply. It cannot return an error to
// anyone, so it reports a failure on stderr. The message is ours, and the
// handler must destroy it. (The unused parameters are the subscription
// and the pointer we could have passed when subscribing.)
static void
greet(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)sub;
    (void)closure;

    // The service subscribes to the wildcard `greet.*`, so one handler
    // serves `greet.joe`, `greet.sue` and any other single-token name; the
    // last token of the subject is the name to greet.
    const char *subject = natsMsg_GetSubject(msg);
    const char *dot = strrchr(subject, '.');
    const char *name = dot != NULL ? dot + 1 : subject;
    const char *reply = natsMsg_GetReply(msg);

    if (reply != NULL) {
        char answer[128];
        snprintf(answer, sizeof(answer), "hello, %s", name);
        natsStatus s = natsConnection_PublishString(nc, reply, answer);
        if (s != NATS_OK)
            fprintf(stderr, "answer to %s failed: %s\n", subject, natsStatus_GetText(s));
    }
    natsMsg_Destroy(msg);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    natsSubscription *sub = NULL;
    natsMsg *reply = NULL;
    natsStatus s;
    const char *names[] = {"joe", "sue", "bob"};

    // Every example reads the server list from `NATS_URL` (one URL or a
    // comma-separated list), so the same program runs against the
    // recorder's servers, one on your laptop or a cluster. When it is unset
    // we fall back to the default local port.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), "connect");

    // Start the service: `natsConnection_Subscribe` registers `greet` as
    // the handler for `greet.*`.
    check(natsConnection_Subscribe(&sub, nc, "greet.*", greet, NULL), "subscribe");

    // `natsConnection_Request` publishes the payload (none here: `NULL`,
    // length 0) with a fresh reply subject, blocks until the first answer
    // arrives, and hands it back as a message we must destroy. If nothing
    // comes within the timeout, one second here, it returns `NATS_TIMEOUT`.
    for (int i = 0; i < 3; i++) {
        char subject[64];
        snprintf(subject, sizeof(subject), "greet.%s", names[i]);
        check(natsConnection_Request(&reply, nc, subject, NULL, 0, 1000), "request");
        printf("request %s -> reply: %.*s\n", subject, natsMsg_GetDataLength(reply),
               natsMsg_GetData(reply));
        natsMsg_Destroy(reply);
    }

    // Stop the service. Draining the subscription removes our interest
    // from the server while the handler finishes any request already
    // delivered to it. The drain runs in the background, so we wait for
    // it to complete (for at most a second); it has then also confirmed
    // with the server that the unsubscribe arrived. Only then is it safe
    // to destroy the subscription. From now on nobody listens on `greet.*`.
    check(natsSubscription_Drain(sub), "drain");
    check(natsSubscription_WaitForDrainCompletion(sub, 1000), "wait for drain");
    natsSubscription_Destroy(sub);

    // With no subscriber, the server does not let a request wait for its
    // timeout: it answers at once with a "no responders" status, which the
    // C client returns as `NATS_NO_RESPONDERS`. A caller can tell "nobody
    // is there" apart from "somebody is there but slow" (`NATS_TIMEOUT`).
    s = natsConnection_Request(&reply, nc, "greet.joe", NULL, 0, 1000);
    if (s == NATS_NO_RESPONDERS) {
        printf("request greet.joe -> error: %s\n", natsStatus_GetText(s));
    } else {
        check(s, "request");
        printf("request greet.joe -> reply: %.*s\n", natsMsg_GetDataLength(reply),
               natsMsg_GetData(reply));
        natsMsg_Destroy(reply);
    }

    // Every request has had its answer, so nothing is in flight.
    // Destroying the connection closes it, and `nats_Close` then releases
    // what the library itself holds (its threads and global state), which
    // is only possible once every object has been destroyed.
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
