// Headers are part of core NATS (servers 2.2 and later). In the C client
// they live on a `natsMsg`: you create the message yourself, set its
// headers with the `natsMsgHeader_...` calls, and publish it with
// `natsConnection_PublishMsg` instead of the plain `Publish` calls, which
// only take a subject and a payload.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

// Stop at the first failed call, naming the status and the client's own
// description of the error. Exiting without destroying anything is fine
// here: the operating system reclaims it all.
static void
check(natsStatus s, const char *what)
{
    if (s == NATS_OK)
        return;
    fprintf(stderr, "%s failed: %s (%s)\n", what, natsStatus_GetText(s),
            nats_GetLastError(NULL));
    exit(1);
}

// `qsort` comparator for an array of C strings.
static int
by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// The pricing service, an asynchronous subscription: the client calls it
// on its own delivery thread while `main` waits for the reply.
//
// A common use of headers is a trace ID that every service copies along,
// so one request can be followed through the logs of many services.
// `natsMsgHeader_Get` points `trace` at the first value stored under the
// name; the string belongs to the message, so it is valid only until the
// message is destroyed. It returns `NATS_NOT_FOUND` when the name is
// absent, and names are case-sensitive: `trace-id` would not be found.
//
// To answer with headers of its own, the service creates a reply message
// addressed to the request's reply subject and publishes it with
// `natsConnection_PublishMsg`. Publishing does not take ownership, so the
// service destroys the reply it created as well as the request it was
// given. A handler cannot return an error, so it reports one on stderr.
static void
pricing(natsConnection *nc, natsSubscription *sub, natsMsg *request, void *closure)
{
    (void)sub;
    (void)closure;
    const char *trace = NULL;
    natsMsg *reply = NULL;

    natsStatus s = natsMsgHeader_Get(request, "Trace-Id", &trace);
    if (s == NATS_OK) {
        printf("service saw Trace-Id: %s\n", trace);
        s = natsMsg_Create(&reply, natsMsg_GetReply(request), NULL, "3.50", 4);
    }
    if (s == NATS_OK)
        s = natsMsgHeader_Set(reply, "Trace-Id", trace);
    if (s == NATS_OK)
        s = natsMsgHeader_Set(reply, "Served-By", "pricing-1");
    if (s == NATS_OK)
        s = natsConnection_PublishMsg(nc, reply);
    if (s != NATS_OK)
        fprintf(stderr, "pricing failed: %s\n", natsStatus_GetText(s));
    natsMsg_Destroy(reply);
    natsMsg_Destroy(request);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`. (`natsMsg_Destroy` and the other destroy
// calls accept `NULL`, which keeps the cleanup paths simple.)
int
main(void)
{
    natsConnection *nc = NULL;
    natsSubscription *orders = NULL;
    natsSubscription *service = NULL;
    natsMsg *msg = NULL;
    natsMsg *reply = NULL;
    const char **keys = NULL;
    const char **values = NULL;
    const char *value = NULL;
    int count = 0;
    natsStatus s;

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), "connect");

    check(natsConnection_SubscribeSync(&orders, nc, "orders.new"), "subscribe");

    // `natsMsg_Create` makes a message for a subject (no reply subject
    // here) with a payload and its length. Headers are set on it one name
    // at a time; here they say how to decode the payload and which order
    // it is about, so a consumer can route or log the message without
    // parsing the body. Against a server older than 2.2, publishing it
    // would fail with `NATS_NO_SERVER_SUPPORT`.
    const char *body = "{\"item\": \"coffee\", \"quantity\": 2}";
    check(natsMsg_Create(&msg, "orders.new", NULL, body, (int)strlen(body)), "create message");
    check(natsMsgHeader_Set(msg, "Content-Type", "application/json"), "set header");
    check(natsMsgHeader_Set(msg, "Order-Id", "42"), "set header");
    check(natsConnection_PublishMsg(nc, msg), "publish");
    natsMsg_Destroy(msg);

    // On the receiving side, `natsMsgHeader_Keys` lists the names. The
    // array is ours to `free`, the strings in it belong to the message.
    // The client keeps headers in a hash map, so the names come back in
    // no particular order; we sort them to print a stable list.
    check(natsSubscription_NextMsg(&msg, orders, 1000), "next message");
    printf("received %s with headers:\n", natsMsg_GetSubject(msg));
    check(natsMsgHeader_Keys(msg, &keys, &count), "header names");
    qsort(keys, count, sizeof(keys[0]), by_name);
    for (int i = 0; i < count; i++) {
        check(natsMsgHeader_Get(msg, keys[i], &value), "header value");
        printf("  %s: %s\n", keys[i], value);
    }
    free((void *)keys);
    printf("payload: %.*s\n", natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
    natsMsg_Destroy(msg);

    // A message published without headers has none to list:
    // `natsMsgHeader_Keys` returns `NATS_NOT_FOUND` rather than an empty
    // array. That status is an answer, not a failure, so we test for it
    // instead of passing it to `check`.
    check(natsConnection_PublishString(nc, "orders.new", "{}"), "publish");
    check(natsSubscription_NextMsg(&msg, orders, 1000), "next message");
    s = natsMsgHeader_Keys(msg, &keys, &count);
    if (s == NATS_NOT_FOUND) {
        printf("received without headers: natsMsgHeader_Keys says %s\n", natsStatus_GetText(s));
    } else {
        check(s, "header names");
        printf("received %d headers\n", count);
        free((void *)keys);
    }
    natsMsg_Destroy(msg);

    // Headers work on requests and replies too. `natsConnection_RequestMsg`
    // sends a message we built (its headers included) and waits, here up
    // to a second, for the reply, which is a message with headers of its
    // own. We create the request, so we destroy it; the reply is handed
    // to us, so we destroy that too.
    check(natsConnection_Subscribe(&service, nc, "price.coffee", pricing, NULL), "subscribe");
    check(natsMsg_Create(&msg, "price.coffee", NULL, NULL, 0), "create request");
    check(natsMsgHeader_Set(msg, "Trace-Id", "trace-7f3a"), "set header");
    check(natsConnection_RequestMsg(&reply, nc, msg, 1000), "request");
    natsMsg_Destroy(msg);
    printf("reply: %.*s\n", natsMsg_GetDataLength(reply), natsMsg_GetData(reply));
    const char *trace = NULL;
    const char *served_by = NULL;
    check(natsMsgHeader_Get(reply, "Trace-Id", &trace), "reply header");
    check(natsMsgHeader_Get(reply, "Served-By", &served_by), "reply header");
    printf("reply headers: Trace-Id: %s, Served-By: %s\n", trace, served_by);
    natsMsg_Destroy(reply);

    // The NATS protocol allows a header name to appear more than once, and
    // the C client supports it: `natsMsgHeader_Add` appends a value where
    // `Set` replaces them all, and `natsMsgHeader_Values` returns every
    // value in the order they were added (`Get` only the first). Again
    // the array is ours to free, the strings are the message's.
    check(natsMsg_Create(&msg, "orders.new", NULL, "{}", 2), "create message");
    check(natsMsgHeader_Add(msg, "Tags", "fragile"), "add header");
    check(natsMsgHeader_Add(msg, "Tags", "gift"), "add header");
    check(natsConnection_PublishMsg(nc, msg), "publish");
    natsMsg_Destroy(msg);
    check(natsSubscription_NextMsg(&msg, orders, 1000), "next message");
    check(natsMsgHeader_Values(msg, "Tags", &values, &count), "header values");
    printf("Tags has %d values:", count);
    for (int i = 0; i < count; i++)
        printf("%s %s", i == 0 ? "" : ",", values[i]);
    printf("\n");
    free((void *)values);
    natsMsg_Destroy(msg);

    // Stop the service and wait until its handler is done, then destroy
    // what is left in the reverse order of creation and release the
    // library with `nats_Close`.
    check(natsSubscription_Drain(service), "drain");
    check(natsSubscription_WaitForDrainCompletion(service, 1000), "wait for drain");
    natsSubscription_Destroy(service);
    natsSubscription_Destroy(orders);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
