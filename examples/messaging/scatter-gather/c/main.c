// Scatter-gather is built from core NATS pieces: a publish with a reply
// subject, and a synchronous subscription on that subject whose
// `natsSubscription_NextMsg` returns `NATS_TIMEOUT` when nothing arrives in
// time.
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

// A shop: its name, how long it takes to answer, and its price.
typedef struct {
    const char *name;
    int64_t delay_ms;
    const char *price;
} shop;

// A shop's handler. It waits its delay, then publishes "<name> <price>" to
// the request's reply subject. Each asynchronous subscription has its own
// delivery thread in the C client, so the four shops wait at the same
// time, though each one handles its own requests one after another. The
// handler owns the request and destroys it.
static void
answer(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)sub;
    shop *s = closure;
    char quote[64];
    nats_Sleep(s->delay_ms);
    snprintf(quote, sizeof(quote), "%s %s", s->name, s->price);
    natsStatus st = natsConnection_PublishString(nc, natsMsg_GetReply(msg), quote);
    if (st != NATS_OK)
        fprintf(stderr, "%s could not answer: %s\n", s->name, natsStatus_GetText(st));
    natsMsg_Destroy(msg);
}

// One gathered reply, split into the shop's name and its price.
typedef struct {
    char name[32];
    char price[16];
} quote;

static int
by_name(const void *a, const void *b)
{
    return strcmp(((const quote *)a)->name, ((const quote *)b)->name);
}

// The gather side. `natsInbox_Create` makes a unique subject (`_INBOX.`
// plus a random ID) that only this requester listens on; it is a string
// the client allocated, freed with `natsInbox_Destroy`. Subscribing to it
// *before* publishing ensures no early reply is missed. The request goes
// out with `natsConnection_PublishRequest`, whose reply subject is what
// the responders see as `natsMsg_GetReply`.
//
// Replies are read with `NextMsg`, each wait bounded by the time left
// until the deadline (`nats_Now` is the time in milliseconds), and the
// loop also stops once `max_replies` arrive (0: no limit).
//
// If nobody at all is subscribed to the subject, the server says so at
// once: it sends the inbox a message with no payload and a `Status`
// header of 503. `natsConnection_Request` turns that into
// `NATS_NO_RESPONDERS`, and so does `NextMsg` on a synchronous
// subscription to the reply subject of a `PublishRequest`, as here. (An
// asynchronous handler is given the status message itself and asks
// `natsMsg_IsNoResponders`.)
static int
scatter_gather(natsConnection *nc, const char *subject, int64_t deadline_ms, int max_replies,
               quote *replies, int capacity)
{
    natsInbox *inbox = NULL;
    natsSubscription *sub = NULL;
    natsMsg *msg = NULL;
    int count = 0;

    check(natsInbox_Create(&inbox), "inbox");
    check(natsConnection_SubscribeSync(&sub, nc, inbox), "subscribe");
    check(natsConnection_PublishRequest(nc, subject, inbox, NULL, 0), "publish request");

    int64_t end = nats_Now() + deadline_ms;
    while (count < capacity && (max_replies == 0 || count < max_replies)) {
        int64_t remaining = end - nats_Now();
        if (remaining <= 0)
            break;
        natsStatus s = natsSubscription_NextMsg(&msg, sub, remaining);
        if (s == NATS_TIMEOUT)
            break;
        if (s == NATS_NO_RESPONDERS) {
            printf("nobody answers %s: no responders\n", subject);
            break;
        }
        check(s, "next reply");
        if (sscanf(natsMsg_GetData(msg), "%31s %15s", replies[count].name,
                   replies[count].price) == 2)
            count++;
        natsMsg_Destroy(msg);
    }

    // Stop listening. Destroying an active subscription unsubscribes it;
    // any reply that arrives later finds no interest on the inbox and is
    // dropped by the server.
    natsSubscription_Destroy(sub);
    natsInbox_Destroy(inbox);
    return count;
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *shops = NULL;
    natsConnection *client = NULL;
    natsSubscription *subs[4] = {NULL};
    quote quotes[8];
    int n;

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&shops, url), "connect");

    // Four shops answer price requests on `quote.coffee`. They use plain
    // subscriptions, not a queue group, so every one of them receives each
    // request. (They share one connection here; they could just as well be
    // four separate programs.) Each takes a different time to answer;
    // `slow-brew` is so slow that it will miss the requester's deadline.
    // The flush is a round trip: once it returns, the server knows all
    // four subscriptions.
    shop list[4] = {
        {"cafe-corner", 50, "3.40"},
        {"daily-grind", 100, "2.90"},
        {"bean-barn", 200, "3.10"},
        {"slow-brew", 1000, "2.50"},
    };
    for (int i = 0; i < 4; i++)
        check(natsConnection_Subscribe(&subs[i], shops, "quote.coffee", answer, &list[i]),
              "subscribe");
    check(natsConnection_Flush(shops), "flush");

    // The requester is a separate client with its own connection.
    check(natsConnection_ConnectTo(&client, url), "connect");

    // First round: wait 0.5 s and take whatever has arrived. Three shops
    // make it; `slow-brew` does not, and the requester does not wait for
    // it. Replies arrive in whatever order the shops finish, so sort them
    // before printing.
    n = scatter_gather(client, "quote.coffee", 500, 0, quotes, 8);
    qsort(quotes, n, sizeof(quote), by_name);
    printf("gathered %d quotes before the deadline:\n", n);
    int cheapest = 0;
    for (int i = 0; i < n; i++) {
        printf("  %s: %s\n", quotes[i].name, quotes[i].price);
        if (strtod(quotes[i].price, NULL) < strtod(quotes[cheapest].price, NULL))
            cheapest = i;
    }
    if (n > 0)
        printf("cheapest: %s at %s\n", quotes[cheapest].name, quotes[cheapest].price);

    // Second round: stop as soon as two replies are in. This trades
    // completeness for latency, for example when any two answers are
    // enough to go on. The two fastest shops answer first.
    n = scatter_gather(client, "quote.coffee", 500, 2, quotes, 8);
    qsort(quotes, n, sizeof(quote), by_name);
    printf("gathered the first %d quotes:", n);
    for (int i = 0; i < n; i++)
        printf("%s %s", i == 0 ? "" : ",", quotes[i].name);
    printf("\n");

    // Third round: no shop sells tea. Instead of waiting out the deadline,
    // the gatherer learns at once that nobody is listening.
    n = scatter_gather(client, "quote.tea", 500, 0, quotes, 8);
    printf("gathered %d tea quotes\n", n);

    // Draining each shop's subscription waits for its handler to finish,
    // including `slow-brew`'s late answers (two of them, a second each),
    // which nobody receives anymore. Then everything is destroyed and the
    // library released.
    natsConnection_Destroy(client);
    for (int i = 0; i < 4; i++) {
        check(natsSubscription_Drain(subs[i]), "drain");
        check(natsSubscription_WaitForDrainCompletion(subs[i], 5000), "wait for drain");
        natsSubscription_Destroy(subs[i]);
    }
    natsConnection_Destroy(shops);
    nats_Close();
    return 0;
}
