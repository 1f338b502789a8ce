// Accounts are NATS's unit of multi-tenancy: each account has its own
// subject namespace, and two accounts share only what one explicitly
// exports and the other explicitly imports. All of it is server
// configuration; the C client just logs in as a user of an account.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

// Stop at the first failed call, naming the status and the client's own
// description of the error.
static void
check(natsStatus s, const char *what)
{
    if (s == NATS_OK)
        return;
    fprintf(stderr, "%s failed: %s (%s)\n", what, natsStatus_GetText(s), nats_GetLastError(NULL));
    exit(1);
}

// `NATS_URL` may be a comma-separated list, and `natsOptions_SetURL` takes
// a single URL, so the list is split and passed to
// `natsOptions_SetServers`, which copies it.
static natsStatus
set_servers(natsOptions *opts, const char *list)
{
    char copy[1024];
    const char *urls[16];
    int count = 0;
    snprintf(copy, sizeof(copy), "%s", list);
    for (char *save = NULL, *url = strtok_r(copy, ",", &save); url != NULL && count < 16;
         url = strtok_r(NULL, ",", &save))
        urls[count++] = url;
    return natsOptions_SetServers(opts, urls, count);
}

// Connect as a user; the user a client logs in as decides its account:
// `shop` belongs to SHOP and `partner` to PARTNER (see server.conf). The
// connection copies the options, so ours are destroyed at once.
static natsConnection *
connect_as(const char *url, const char *user, const char *password)
{
    natsConnection *nc = NULL;
    natsOptions *opts = NULL;
    check(natsOptions_Create(&opts), "options");
    check(set_servers(opts, url), "servers");
    check(natsOptions_SetUserInfo(opts, user, password), "user info");
    check(natsConnection_Connect(&nc, opts), "connect");
    natsOptions_Destroy(opts);
    return nc;
}

// The shop's inventory service, answering on `inventory.check`. It also
// shows the reply subject it was given: for a request that crossed
// accounts the server substitutes a reply subject of its own (starting
// with `_R_.`), so the requester's inbox never leaks into the shop's
// account.
static void
inventory(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)sub;
    (void)closure;
    char answer[128];
    printf("shop: inventory.check '%.*s', reply subject starts with '%.4s'\n",
           natsMsg_GetDataLength(msg), natsMsg_GetData(msg), natsMsg_GetReply(msg));
    snprintf(answer, sizeof(answer), "%.*s: 12 in stock", natsMsg_GetDataLength(msg),
             natsMsg_GetData(msg));
    natsStatus s = natsConnection_PublishString(nc, natsMsg_GetReply(msg), answer);
    if (s != NATS_OK)
        fprintf(stderr, "answer failed: %s\n", natsStatus_GetText(s));
    natsMsg_Destroy(msg);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsSubscription *service = NULL;
    natsSubscription *subs[3] = {NULL};
    natsMsg *reply = NULL;
    natsStatus s;

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    natsConnection *shop = connect_as(url, "shop", "shop-secret");
    natsConnection *partner = connect_as(url, "partner", "partner-secret");

    // Start the service. The flush is a round trip: once it returns, the
    // server has the subscription, before the partner sends to it.
    check(natsConnection_Subscribe(&service, shop, "inventory.check", inventory, NULL),
          "subscribe");
    check(natsConnection_Flush(shop), "flush");

    // The partner calls the service under the name it chose when importing
    // it. The server forwards the request into SHOP's account and routes
    // the answer back to the partner's private inbox.
    check(natsConnection_RequestString(&reply, partner, "shop.inventory.check", "widget", 1000),
          "request");
    printf("partner: request shop.inventory.check -> %.*s\n", natsMsg_GetDataLength(reply),
           natsMsg_GetData(reply));
    natsMsg_Destroy(reply);

    // `inventory.check` in PARTNER's own namespace is a different subject
    // from the shop's, and nobody in PARTNER listens on it: the request
    // ends at once with `NATS_NO_RESPONDERS`.
    s = natsConnection_RequestString(&reply, partner, "inventory.check", "widget", 1000);
    if (s == NATS_NO_RESPONDERS)
        printf("partner: request inventory.check -> no responders (not in this account)\n");
    else {
        check(s, "request");
        natsMsg_Destroy(reply);
    }

    // Now the stream. The partner listens three ways: on the imported
    // subjects (`shop.orders.>`), on the shop's original subject name
    // (`orders.>`, which in PARTNER's namespace is unrelated), and on
    // `audit.>`, which the shop never exported. Flushes make sure the
    // server has the subscriptions, then has the shop's publishes.
    const char *patterns[3] = {"shop.orders.>", "orders.>", "audit.>"};
    for (int i = 0; i < 3; i++)
        check(natsConnection_SubscribeSync(&subs[i], partner, patterns[i]), "subscribe");
    check(natsConnection_Flush(partner), "flush");
    check(natsConnection_PublishString(shop, "orders.created", "order 1: 1 widget"), "publish");
    check(natsConnection_PublishString(shop, "audit.login", "admin logged in"), "publish");
    check(natsConnection_Flush(shop), "flush");
    printf("shop: published orders.created and audit.login\n");

    // Only the exported stream arrives, renamed with the partner's prefix.
    for (int i = 0; i < 3; i++) {
        natsMsg *msg = NULL;
        s = natsSubscription_NextMsg(&msg, subs[i], 500);
        if (s == NATS_TIMEOUT) {
            printf("partner: on %s nothing\n", patterns[i]);
            continue;
        }
        check(s, "next message");
        printf("partner: on %s received %s: %.*s\n", patterns[i], natsMsg_GetSubject(msg),
               natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
        natsMsg_Destroy(msg);
    }

    // Clean up: the subscriptions (the service drained first, so its
    // handler is done), the connections, then the library.
    for (int i = 0; i < 3; i++)
        natsSubscription_Destroy(subs[i]);
    check(natsSubscription_Drain(service), "drain");
    check(natsSubscription_WaitForDrainCompletion(service, 1000), "wait for drain");
    natsSubscription_Destroy(service);
    natsConnection_Destroy(partner);
    natsConnection_Destroy(shop);
    nats_Close();
    return 0;
}
