// A request's reply travels on an ordinary subject, the requester's
// *inbox*, and anyone allowed to subscribe to it can read the reply. This
// program shows the leak and the fix: a private inbox prefix per user,
// enforced by permissions, and set in the C client with
// `natsOptions_SetCustomInboxPrefix`. POSIX threads (part of the C library
// on Linux) let `main` wait for the errors the server reports.
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

// Copy `text`, writing `<random>` in place of the random part of an inbox
// name (`_INBOX.` and 22 letters and digits), so that the output is the
// same on every run.
static void
hide_random(char *out, size_t size, const char *text)
{
    size_t n = 0;
    while (*text != '\0' && n + 1 < size) {
        size_t len = 0;
        if (strncmp(text, "_INBOX.", 7) == 0) {
            while (isalnum((unsigned char)text[7 + len]))
                len++;
        }
        if (len == 22) {
            n += (size_t)snprintf(out + n, size - n, "_INBOX.<random>");
            text += 7 + len;
        } else {
            out[n++] = *text++;
        }
    }
    out[n < size ? n : size - 1] = '\0';
}

// Permission violations are not failures of the call that caused them:
// the server reports them asynchronously, and the C client passes them to
// the connection's error handler, on a thread of its own, with the status
// `NATS_NOT_PERMITTED`; `natsConnection_GetLastError` has the server's
// text. Each connection gets a handler that prints them with the user's
// name in front and counts them, so `main` can wait until the report it
// expects has been printed.
typedef struct {
    const char *user;
    pthread_mutex_t mu;
    pthread_cond_t reported;
    int errors;
} reporter;

static void
report_error(natsConnection *nc, natsSubscription *sub, natsStatus err, void *closure)
{
    (void)sub;
    reporter *r = closure;
    const char *text = NULL;
    char shown[256];
    natsConnection_GetLastError(nc, &text);
    hide_random(shown, sizeof(shown), text != NULL ? text : "");
    pthread_mutex_lock(&r->mu);
    printf("  %s: error: %s: %s\n", r->user, natsStatus_GetText(err), shown);
    r->errors++;
    pthread_cond_signal(&r->reported);
    pthread_mutex_unlock(&r->mu);
}

// Wait, at most five seconds, until a connection has reported `count`
// errors in all.
static void
wait_for_errors(reporter *r, int count)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&r->mu);
    while (r->errors < count) {
        if (pthread_cond_timedwait(&r->reported, &r->mu, &deadline) != 0) {
            fprintf(stderr, "%s: no error reported\n", r->user);
            exit(1);
        }
    }
    pthread_mutex_unlock(&r->mu);
}

// Connect as a user (every password here is `<user>-secret`), with an
// inbox prefix when `prefix` is not `NULL`. The options are copied by the
// connection, so we destroy ours straight away.
static natsConnection *
connect_as(const char *url, const char *user, const char *prefix, reporter *r)
{
    natsOptions *opts = NULL;
    natsConnection *nc = NULL;
    char password[64];
    snprintf(password, sizeof(password), "%s-secret", user);
    check(natsOptions_Create(&opts), "options");
    check(set_servers(opts, url), "servers");
    check(natsOptions_SetUserInfo(opts, user, password), "user info");
    if (prefix != NULL)
        check(natsOptions_SetCustomInboxPrefix(opts, prefix), "inbox prefix");
    if (r != NULL)
        check(natsOptions_SetErrorHandler(opts, report_error, r), "error handler");
    check(natsConnection_Connect(&nc, opts), "connect");
    natsOptions_Destroy(opts);
    return nc;
}

// The bank answers balance requests on `bank.balance`. It may publish
// nothing at all, except that `allow_responses` in its permissions lets
// it answer each request it receives, once, on its reply subject.
static void
balance(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)sub;
    (void)closure;
    char answer[64];
    const char *who = natsMsg_GetData(msg);
    snprintf(answer, sizeof(answer), "%s: %s", who, strcmp(who, "alice") == 0 ? "120 EUR" : "75 EUR");
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
    natsSubscription *snoop = NULL;
    natsSubscription *all = NULL;
    natsSubscription *alices = NULL;
    natsMsg *reply = NULL;
    natsMsg *leaked = NULL;
    reporter bob_errors = {"bob", PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    natsStatus s;

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";

    // The bank's service. The flush is a round trip: once it returns, the
    // server has the subscription.
    natsConnection *bank = connect_as(url, "bank", NULL, NULL);
    check(natsConnection_Subscribe(&service, bank, "bank.balance", balance, NULL), "subscribe");
    check(natsConnection_Flush(bank), "flush");

    // By default nats.c receives replies on `_INBOX.<random>.*`, and the
    // usual permission for that is `_INBOX.>`: every inbox. eve has it,
    // and subscribes to all of it, synchronously: `main` takes what she
    // overhears with `natsSubscription_NextMsg`. The random part hides
    // nothing from a wildcard.
    natsConnection *eve = connect_as(url, "eve", NULL, NULL);
    check(natsConnection_SubscribeSync(&snoop, eve, "_INBOX.>"), "subscribe");
    check(natsConnection_Flush(eve), "flush");

    // alice connects with the inbox prefix `_INBOX.alice`: her replies
    // come to `_INBOX.alice.<random>.<n>`, the only inboxes her permissions
    // let her subscribe to. Her request works, and eve reads the answer
    // too.
    natsConnection *alice = connect_as(url, "alice", "_INBOX.alice", NULL);
    check(natsConnection_RequestString(&reply, alice, "bank.balance", "alice", 1000), "request");
    printf("alice: request bank.balance -> '%.*s'\n", natsMsg_GetDataLength(reply),
           natsMsg_GetData(reply));
    natsMsg_Destroy(reply);
    check(natsSubscription_NextMsg(&leaked, snoop, 1000), "overhear");
    const char *subject = natsMsg_GetSubject(leaked);
    const char *third = strchr(strchr(subject, '.') + 1, '.');
    printf("eve, allowed _INBOX.>, overheard on %.*s.*.*: '%.*s'\n", (int)(third - subject),
           subject, natsMsg_GetDataLength(leaked), natsMsg_GetData(leaked));
    natsMsg_Destroy(leaked);

    // The fix is in the permissions: each user may subscribe to its own
    // prefix only, as bob may to `_INBOX.bob.>`. His attempts to listen to
    // every inbox, or to alice's, are refused by the server. The
    // subscribe calls themselves return `NATS_OK`: the refusal comes
    // later, to the error handler, and we wait for each one.
    printf("bob tries to listen to other inboxes:\n");
    natsConnection *bob = connect_as(url, "bob", NULL, &bob_errors);
    check(natsConnection_SubscribeSync(&all, bob, "_INBOX.>"), "subscribe");
    wait_for_errors(&bob_errors, 1);
    check(natsConnection_SubscribeSync(&alices, bob, "_INBOX.alice.>"), "subscribe");
    wait_for_errors(&bob_errors, 2);

    // The client has to play along. Without a prefix, bob's request
    // subscribes to a default inbox his permissions forbid: the server
    // refuses the subscription, the bank's answer has nowhere to go, and
    // the request returns `NATS_TIMEOUT` after its second.
    printf("bob requests without inbox_prefix:\n");
    s = natsConnection_RequestString(&reply, bob, "bank.balance", "bob", 1000);
    if (s != NATS_TIMEOUT) {
        check(s, "request");
        fprintf(stderr, "bob's request was answered\n");
        return 1;
    }
    wait_for_errors(&bob_errors, 3);
    printf("  bob: request bank.balance -> timed out\n");

    // With his prefix, it works, and no other customer can read it.
    natsConnection *bob_private = connect_as(url, "bob", "_INBOX.bob", NULL);
    check(natsConnection_RequestString(&reply, bob_private, "bank.balance", "bob", 1000),
          "request");
    printf("bob with inbox_prefix _INBOX.bob: request bank.balance -> '%.*s'\n",
           natsMsg_GetDataLength(reply), natsMsg_GetData(reply));
    natsMsg_Destroy(reply);

    // Clean up: every request has had its answer (or its timeout), so
    // nothing is in flight; destroy the subscriptions, then the
    // connections, then release the library.
    natsSubscription_Destroy(all);
    natsSubscription_Destroy(alices);
    natsSubscription_Destroy(snoop);
    natsSubscription_Destroy(service);
    natsConnection_Destroy(bob_private);
    natsConnection_Destroy(bob);
    natsConnection_Destroy(alice);
    natsConnection_Destroy(eve);
    natsConnection_Destroy(bank);
    nats_Close();
    return 0;
}
