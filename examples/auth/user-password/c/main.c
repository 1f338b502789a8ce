// Users and passwords: the server knows each user by name, checks the
// password when the client connects, then applies that user's permissions
// to every publish and subscribe. In the C client, credentials and the
// callbacks that report errors are settings of a `natsOptions` object,
// which `natsConnection_Connect` copies when it connects.
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

// `nats_GetLastError` describes the last failure in this thread. It starts
// with where in the library the error was noted, such as "(conn.c:1905): ";
// after that comes the server's own description.
static const char *
server_text(void)
{
    const char *text = nats_GetLastError(NULL);
    const char *after = text != NULL && text[0] == '(' ? strstr(text, "): ") : NULL;
    return after != NULL ? after + 3 : text;
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

// Violations are not failures of the call that caused them: the server
// reports them asynchronously with an `-ERR` line, and the C client
// passes them to the connection's error handler, on a thread of its own,
// with the status `NATS_NOT_PERMITTED`; `natsConnection_GetLastError`
// has the server's text. Each connection gets a handler that prints them
// with the user's name in front and counts them, so `main` can wait until
// the report it expects has been printed.
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
    natsConnection_GetLastError(nc, &text);
    pthread_mutex_lock(&r->mu);
    printf("%s: error: %s: %s\n", r->user, natsStatus_GetText(err), text);
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

// Connect as a user. `natsOptions_SetUserInfo` puts the user and password
// into the CONNECT message (so use TLS when the network is not trusted);
// they can also be written in the URL as `nats://web:web-secret@host:4222`.
// Reconnecting is turned off, so a refused connection fails at once
// instead of being retried. The options are copied by the connection, so
// we destroy ours straight away.
static natsStatus
connect_as(natsConnection **nc, const char *url, const char *user, const char *password,
           reporter *r)
{
    natsOptions *opts = NULL;
    check(natsOptions_Create(&opts), "options");
    check(set_servers(opts, url), "servers");
    check(natsOptions_SetUserInfo(opts, user, password), "user info");
    check(natsOptions_SetAllowReconnect(opts, false), "reconnect");
    if (r != NULL)
        check(natsOptions_SetErrorHandler(opts, report_error, r), "error handler");
    natsStatus s = natsConnection_Connect(nc, opts);
    natsOptions_Destroy(opts);
    return s;
}

// The order service's handler. It may publish nothing at all, except that
// `allow_responses` in its permissions lets it answer each request it
// receives, once, on that request's reply subject.
static void
handle(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)sub;
    (void)closure;
    char answer[128];
    snprintf(answer, sizeof(answer), "order accepted: %.*s", natsMsg_GetDataLength(msg),
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
    natsConnection *bad = NULL;
    natsConnection *web = NULL;
    natsConnection *orders = NULL;
    natsSubscription *service = NULL;
    natsSubscription *payments = NULL;
    natsMsg *reply = NULL;
    reporter web_errors = {"web", PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    reporter orders_errors = {"orders", PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    natsStatus s;

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";

    // First, a wrong password. The server answers the CONNECT with
    // "Authorization Violation" and closes the connection;
    // `natsConnection_Connect` returns `NATS_CONNECTION_AUTH_FAILED`, and
    // no connection object is made.
    s = connect_as(&bad, url, "web", "not-the-password", NULL);
    if (s == NATS_CONNECTION_AUTH_FAILED)
        printf("connect as web with a wrong password -> %s\n", server_text());
    else
        check(s, "connect with a wrong password");

    // Now connect both users with their real passwords.
    check(connect_as(&web, url, "web", "web-secret", &web_errors), "connect as web");
    check(connect_as(&orders, url, "orders", "orders-secret", &orders_errors),
          "connect as orders");
    printf("connected as web and as orders\n");

    // The order service subscribes to `orders.>`, which its permissions
    // allow. The flush is a round trip: once it returns, the server has
    // the subscription.
    check(natsConnection_Subscribe(&service, orders, "orders.>", handle, NULL), "subscribe");
    check(natsConnection_Flush(orders), "flush");

    // The web user may publish to `orders.>` and subscribe to `_INBOX.>`,
    // which is exactly what a request needs: publish the question, receive
    // the answer on a private inbox.
    check(natsConnection_RequestString(&reply, web, "orders.new", "2 coffees", 1000), "request");
    printf("web: request orders.new -> %.*s\n", natsMsg_GetDataLength(reply),
           natsMsg_GetData(reply));
    natsMsg_Destroy(reply);

    // Publishing outside its permissions does not fail the call: it
    // returns `NATS_OK`. The server drops the message and reports a
    // permissions violation, and we wait until the handler has printed it.
    check(natsConnection_PublishString(web, "admin.shutdown", "now"), "publish");
    wait_for_errors(&web_errors, 1);

    // The same goes for subscribing: the order service may not listen on
    // `payments.>`. The subscription is made on our side but never gets a
    // message; the connection stays open, and the messages it may handle
    // keep flowing.
    check(natsConnection_SubscribeSync(&payments, orders, "payments.>"), "subscribe");
    wait_for_errors(&orders_errors, 1);

    // Even with `allow_responses`, the service cannot publish on its own.
    check(natsConnection_PublishString(orders, "orders.shipped", "order 1"), "publish");
    wait_for_errors(&orders_errors, 2);

    // Clean up: the subscriptions (the service's drained first, so its
    // handler is done), the connections, then the library.
    check(natsSubscription_Drain(service), "drain");
    check(natsSubscription_WaitForDrainCompletion(service, 1000), "wait for drain");
    natsSubscription_Destroy(service);
    natsSubscription_Destroy(payments);
    natsConnection_Destroy(orders);
    natsConnection_Destroy(web);
    nats_Close();
    return 0;
}
