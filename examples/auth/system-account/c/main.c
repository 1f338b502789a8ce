// The system account is where nats-servers talk about themselves. Every
// server answers monitoring requests on `$SYS.REQ.>` subjects and publishes
// events (connects, disconnects, stats) on `$SYS.>`, all over plain NATS.
// A client in the system account can watch a whole deployment, every
// server of every cluster, through a single connection. From the C client
// it is ordinary subscribing and requesting; the answers are JSON.
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

// The answers and events are JSON documents. The C examples link only the
// NATS client, so instead of a JSON library this helper copies the value
// of the first `"key":` found from `from` on: a string without its quotes,
// or a number as written. It returns where the value ends, or `NULL` when
// the key is not there. That is enough for the few flat fields read here,
// each looked up after the object that holds it; real code should parse
// with a JSON library such as jansson or cJSON.
static const char *
json_value(const char *from, const char *key, char *out, size_t size)
{
    char pattern[64];
    snprintf(pattern, sizeof(pattern), "\"%s\":", key);
    out[0] = '\0';
    const char *at = from != NULL ? strstr(from, pattern) : NULL;
    if (at == NULL)
        return NULL;
    at += strlen(pattern);
    size_t len;
    if (*at == '"') {
        at++;
        len = strcspn(at, "\"");
    } else {
        len = strcspn(at, ",}]");
    }
    snprintf(out, size, "%.*s", (int)len, at);
    return at + len;
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

// Connect as a user, under a connection name (`natsOptions_SetName`),
// which the server shows in its events and monitoring.
static natsConnection *
connect_as(const char *url, const char *user, const char *password, const char *name)
{
    natsConnection *nc = NULL;
    natsOptions *opts = NULL;
    check(natsOptions_Create(&opts), "options");
    check(set_servers(opts, url), "servers");
    check(natsOptions_SetUserInfo(opts, user, password), "user info");
    check(natsOptions_SetName(opts, name), "name");
    check(natsConnection_Connect(&nc, opts), "connect");
    natsOptions_Destroy(opts);
    return nc;
}

// Servers announce every client that connects or disconnects, on
// `$SYS.ACCOUNT.<account>.CONNECT` and `.DISCONNECT`. The event describes
// the client: its account, user, name, address and more. The handler
// prints the kind (the end of the event's `type`) and the client, and
// counts events so `main` can wait for the ones it expects, with a
// deadline, instead of sleeping.
static struct {
    pthread_mutex_t mu;
    pthread_cond_t arrived;
    int count;
} events = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};

static void
on_event(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    (void)closure;
    char type[128], acc[64], user[64], name[64];
    const char *doc = natsMsg_GetData(msg);
    json_value(doc, "type", type, sizeof(type));
    const char *client = strstr(doc, "\"client\":");
    json_value(client, "acc", acc, sizeof(acc));
    json_value(client, "user", user, sizeof(user));
    json_value(client, "name", name, sizeof(name));
    const char *kind = strrchr(type, '.');
    pthread_mutex_lock(&events.mu);
    printf("event %s: account %s, user %s, %s\n", kind != NULL ? kind + 1 : type, acc, user,
           name);
    events.count++;
    pthread_cond_signal(&events.arrived);
    pthread_mutex_unlock(&events.mu);
    natsMsg_Destroy(msg);
}

static void
wait_for_events(int total)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&events.mu);
    while (events.count < total) {
        if (pthread_cond_timedwait(&events.arrived, &events.mu, &deadline) != 0) {
            fprintf(stderr, "event %d did not come\n", total);
            exit(1);
        }
    }
    pthread_mutex_unlock(&events.mu);
}

// Requests on `$SYS.REQ.SERVER.PING...` go to every server, and each one
// answers, so this is scatter-gather rather than a plain request: publish
// with a reply inbox, then collect answers until half a second passes
// without one (or `expected` have come). The answers are copied into
// `out`, one string each, which the caller frees.
static int
ping(natsConnection *nc, const char *subject, const char *payload, int expected, char **out,
     int capacity)
{
    natsInbox *inbox = NULL;
    natsSubscription *sub = NULL;
    int count = 0;
    check(natsInbox_Create(&inbox), "inbox");
    check(natsConnection_SubscribeSync(&sub, nc, inbox), "subscribe");
    check(natsConnection_PublishRequestString(nc, subject, inbox, payload), "publish");
    while (count < capacity && (expected == 0 || count < expected)) {
        natsMsg *msg = NULL;
        natsStatus s = natsSubscription_NextMsg(&msg, sub, 500);
        if (s == NATS_TIMEOUT)
            break;
        check(s, "answer");
        out[count++] = strdup(natsMsg_GetData(msg));
        natsMsg_Destroy(msg);
    }
    natsSubscription_Destroy(sub);
    natsInbox_Destroy(inbox);
    return count;
}

static int
by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsSubscription *connects = NULL;
    natsSubscription *disconnects = NULL;
    natsMsg *reply = NULL;
    char *answers[8];
    char name[64], ver[32], connections[16], accounts[16], account[64], user[64], status[32];
    natsStatus s;

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";

    // Log in as `admin`, a user of the SYS account (server.conf names SYS
    // as `system_account`), and watch the APP account's connects and
    // disconnects. (A `*` for the account would watch all of them, and
    // could even catch the announcement of this monitor's own connection,
    // which the server sends a moment after it connected.) The flush makes
    // sure the server has both subscriptions.
    natsConnection *sys_nc = connect_as(url, "admin", "admin-secret", "monitor");
    check(natsConnection_Subscribe(&connects, sys_nc, "$SYS.ACCOUNT.APP.CONNECT", on_event,
                                   NULL),
          "subscribe");
    check(natsConnection_Subscribe(&disconnects, sys_nc, "$SYS.ACCOUNT.APP.DISCONNECT",
                                   on_event, NULL),
          "subscribe");
    check(natsConnection_Flush(sys_nc), "flush");

    // Two application clients connect; the events above report them.
    natsConnection *orders = connect_as(url, "app", "app-secret", "orders");
    wait_for_events(1);
    natsConnection *billing = connect_as(url, "app", "app-secret", "billing");
    wait_for_events(2);

    // The bare PING returns each server's identity and current statistics
    // (`statsz`). Server IDs and timestamps change on every run, so we
    // print the stable fields: name, version, connection counts.
    int servers = ping(sys_nc, "$SYS.REQ.SERVER.PING", "", 0, answers, 8);
    printf("PING: %d server(s) answered\n", servers);
    for (int i = 0; i < servers; i++) {
        const char *server = strstr(answers[i], "\"server\":");
        json_value(server, "name", name, sizeof(name));
        json_value(server, "ver", ver, sizeof(ver));
        const char *statsz = strstr(answers[i], "\"statsz\":");
        json_value(statsz, "connections", connections, sizeof(connections));
        json_value(statsz, "active_accounts", accounts, sizeof(accounts));
        printf("  %s: version %s, %s connections, %s active accounts\n", name, ver, connections,
               accounts);
        free(answers[i]);
    }

    // `PING.<ENDPOINT>` asks every server for one of its monitoring
    // endpoints, the same data the HTTP monitoring port serves (VARZ,
    // CONNZ, ACCOUNTZ, JSZ, HEALTHZ...). The payload carries the
    // endpoint's options: for CONNZ, `auth` adds each connection's account
    // and user. Connections are listed in the order they connected; each
    // entry starts with its `cid`.
    int n = ping(sys_nc, "$SYS.REQ.SERVER.PING.CONNZ", "{\"auth\": true}", servers, answers, 8);
    for (int i = 0; i < n; i++) {
        json_value(strstr(answers[i], "\"server\":"), "name", name, sizeof(name));
        printf("CONNZ from %s:\n", name);
        const char *conn = strstr(answers[i], "\"connections\":");
        while (conn != NULL && (conn = strstr(conn, "\"cid\":")) != NULL) {
            json_value(conn, "name", name, sizeof(name));
            json_value(conn, "account", account, sizeof(account));
            json_value(conn, "authorized_user", user, sizeof(user));
            printf("  %s: account %s, user %s\n", name, account, user);
            conn++;
        }
        free(answers[i]);
    }

    n = ping(sys_nc, "$SYS.REQ.SERVER.PING.HEALTHZ", "", servers, answers, 8);
    for (int i = 0; i < n; i++) {
        json_value(strstr(answers[i], "\"server\":"), "name", name, sizeof(name));
        json_value(strstr(answers[i], "\"data\":"), "status", status, sizeof(status));
        printf("HEALTHZ from %s: %s\n", name, status);
        free(answers[i]);
    }

    // What can an application account ask? Every account gets three
    // system requests imported by the server, each answered about that
    // account only: `$SYS.REQ.SERVER.PING.CONNZ` and
    // `$SYS.REQ.ACCOUNT.PING.CONNZ` list its own connections, and
    // `$SYS.REQ.ACCOUNT.PING.STATZ` gives its own message and connection
    // counts. (`$SYS.REQ.USER.INFO`, who am I and with what permissions,
    // is there too.) Asking with `auth` still only shows the caller's
    // account: here the monitor's connection in SYS does not appear.
    check(natsConnection_RequestString(&reply, orders, "$SYS.REQ.ACCOUNT.PING.CONNZ",
                                       "{\"auth\": true}", 1000),
          "request");
    char *names[8];
    int count = 0;
    const char *conn = strstr(natsMsg_GetData(reply), "\"connections\":");
    while (conn != NULL && count < 8 && (conn = strstr(conn, "\"cid\":")) != NULL) {
        json_value(conn, "name", name, sizeof(name));
        names[count++] = strdup(name);
        conn++;
    }
    natsMsg_Destroy(reply);
    qsort(names, count, sizeof(names[0]), by_name);
    printf("orders (account APP): $SYS.REQ.ACCOUNT.PING.CONNZ ->");
    for (int i = 0; i < count; i++) {
        printf("%s %s", i == 0 ? "" : ",", names[i]);
        free(names[i]);
    }
    printf("\n");

    // Everything else under `$SYS` is out of reach. The server-wide PING,
    // VARZ, HEALTHZ, JSZ, the events: in APP those are ordinary subjects
    // that nobody serves, so a request ends with `NATS_NO_RESPONDERS`.
    s = natsConnection_RequestString(&reply, orders, "$SYS.REQ.SERVER.PING", "", 1000);
    if (s == NATS_NO_RESPONDERS)
        printf("orders (account APP): $SYS.REQ.SERVER.PING -> no responders\n");
    else {
        check(s, "request");
        natsMsg_Destroy(reply);
    }

    // Closing a client produces a DISCONNECT event.
    natsConnection_Destroy(billing);
    wait_for_events(3);

    // The monitor stops listening before the last client leaves, so its
    // disconnect is not part of the output: drain both subscriptions (so
    // the handler is done), then destroy everything.
    check(natsSubscription_Drain(connects), "drain");
    check(natsSubscription_WaitForDrainCompletion(connects, 1000), "wait for drain");
    check(natsSubscription_Drain(disconnects), "drain");
    check(natsSubscription_WaitForDrainCompletion(disconnects, 1000), "wait for drain");
    natsSubscription_Destroy(disconnects);
    natsSubscription_Destroy(connects);
    natsConnection_Destroy(sys_nc);
    natsConnection_Destroy(orders);
    nats_Close();
    return 0;
}
