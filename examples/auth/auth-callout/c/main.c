// Auth callout hands the decision "who may connect, and with what
// permissions" to a service you write. The server still does the
// connection; for every client it sends the service what the client
// presented (user and password, a token, a JWT, its TLS certificate) and
// waits for a signed answer: a user JWT that says which account the client
// goes into and what it may do, or an error. Users can then live in your
// own database, LDAP or identity provider, not in the server's config.
//
// The C client has no JWT library and no JSON parser among its public
// calls, but it can sign: `nats_Sign` signs a text with an nkey seed. So
// the service below reads the request and writes its answers by hand, with
// a few small helpers, and everything else is ordinary nats.c code.
#define _GNU_SOURCE
#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
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

// The service's own directory of users. A real one would ask a database or
// an identity provider, and store password hashes, never passwords.
typedef struct {
    const char *user, *password, *account, *allow;
} entry;

static const entry DIRECTORY[] = {
    {"alice", "alice-secret", "APP", "orders.>"},
    {"bob", "bob-secret", "APP", "orders.>"},
};

// The request and the answer are NATS JWTs: three base64url parts, without
// padding, joined by dots. Base64url is base64 with `-` and `_` for `+` and
// `/`. The header says how the token is signed (Ed25519, with nkeys); the
// claims are JSON; the signature is the issuer's nkey signing the first two
// parts, as text. Both helpers return a buffer the caller frees, or `NULL`
// when memory runs out (or, decoding, on a character that is not base64url).
static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static char *
b64url_encode(const unsigned char *in, size_t len)
{
    char *out = malloc(len / 3 * 4 + 5);
    size_t n = 0;
    unsigned int bits = 0, count = 0;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        bits = (bits << 8) | in[i];
        count += 8;
        while (count >= 6) {
            count -= 6;
            out[n++] = B64URL[(bits >> count) & 0x3F];
        }
    }
    if (count > 0)
        out[n++] = B64URL[(bits << (6 - count)) & 0x3F];
    out[n] = '\0';
    return out;
}

static char *
b64url_decode(const char *in, size_t len)
{
    char *out = malloc(len / 4 * 3 + 4);
    size_t n = 0;
    unsigned int bits = 0, count = 0;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        const char *at = in[i] != '\0' ? strchr(B64URL, in[i]) : NULL;
        if (at == NULL) {
            free(out);
            return NULL;
        }
        bits = (bits << 6) | (unsigned int)(at - B64URL);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out[n++] = (char)((bits >> count) & 0xFF);
        }
    }
    out[n] = '\0';
    return out;
}

// Make a JWT. `claims` are the members of the claims object, without its
// braces; the issuer's public key (`iss`) and the time of issue (`iat`)
// are added here. `nats_Sign` signs the header and claims with the seed,
// into a buffer it allocates and we free. The token is the caller's to
// free.
typedef struct {
    const char *seed;
    const char *public_key;
} signer;

static natsStatus
encode_jwt(char **token, const char *claims, const signer *issuer)
{
    static const char HEADER[] = "{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}";
    char *json = NULL, *header = NULL, *body = NULL, *input = NULL, *sig64 = NULL;
    unsigned char *signature = NULL;
    int length = 0;
    natsStatus s = NATS_NO_MEMORY;

    *token = NULL;
    if (asprintf(&json, "{%s,\"iss\":\"%s\",\"iat\":%lld}", claims, issuer->public_key,
                 (long long)time(NULL)) < 0) {
        json = NULL;
        goto done;
    }
    header = b64url_encode((const unsigned char *)HEADER, strlen(HEADER));
    body = b64url_encode((const unsigned char *)json, strlen(json));
    if (header == NULL || body == NULL || asprintf(&input, "%s.%s", header, body) < 0) {
        input = NULL;
        goto done;
    }
    s = nats_Sign(issuer->seed, input, &signature, &length);
    if (s != NATS_OK)
        goto done;
    s = NATS_NO_MEMORY;
    sig64 = b64url_encode(signature, (size_t)length);
    if (sig64 == NULL || asprintf(token, "%s.%s", input, sig64) < 0) {
        *token = NULL;
        goto done;
    }
    s = NATS_OK;
done:
    free(json);
    free(header);
    free(body);
    free(input);
    free(signature);
    free(sig64);
    return s;
}

// Reading the request's claims. They are one JSON object; a short walk
// over the text is enough: `member` finds where the value of a key starts
// at the top level of an object, and `skip` steps over one value (a
// string, or an object or array with whatever is inside).
static const char *
skip_space(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

static const char *
skip_string(const char *p)
{
    for (p++; *p != '\0' && *p != '"'; p++)
        if (*p == '\\' && p[1] != '\0')
            p++;
    return *p == '"' ? p + 1 : p;
}

static const char *
skip(const char *p)
{
    if (*p == '"')
        return skip_string(p);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        do {
            if (*p == '"') {
                p = skip_string(p);
                continue;
            }
            if (*p == '{' || *p == '[')
                depth++;
            else if (*p == '}' || *p == ']')
                depth--;
            p++;
        } while (*p != '\0' && depth > 0);
        return p;
    }
    while (*p != '\0' && *p != ',' && *p != '}' && *p != ']')
        p++;
    return p;
}

static const char *
member(const char *obj, const char *key)
{
    const char *p = obj != NULL ? skip_space(obj) : "";
    if (*p != '{')
        return NULL;
    p = skip_space(p + 1);
    while (*p == '"') {
        const char *name = p + 1;
        const char *end = skip_string(p);
        p = skip_space(end);
        if (*p != ':')
            return NULL;
        const char *value = skip_space(p + 1);
        if ((size_t)(end - 1 - name) == strlen(key) && strncmp(name, key, strlen(key)) == 0)
            return value;
        p = skip_space(skip(value));
        if (*p != ',')
            return NULL;
        p = skip_space(p + 1);
    }
    return NULL;
}

// Copy a string value into `out`, undoing JSON's escapes; `false` if the
// value is missing, not a string, too long, or holds a character this
// reader refuses. The password must be compared exactly as the client
// typed it, so escapes matter: the server (written in Go) sends `<`, `>`,
// `&` and control characters as `\u` escapes, and other characters,
// UTF-8 included, as they are. It never needs a surrogate pair, so those
// are refused, and so is `\u0000`, which would end a C string early (a
// password "alice-secret\u0000x" must not pass as "alice-secret").
static bool
string_value(const char *value, char *out, size_t size)
{
    size_t n = 0;
    if (value == NULL || *value != '"')
        return false;
    for (const char *p = value + 1; *p != '"'; p++) {
        unsigned int c = (unsigned char)*p;
        if (c == '\0' || n + 4 > size)
            return false;
        if (c != '\\') {
            out[n++] = (char)c;
            continue;
        }
        switch (*++p) {
        case '"':
        case '\\':
        case '/':
            out[n++] = *p;
            continue;
        case 'b':
            out[n++] = '\b';
            continue;
        case 'f':
            out[n++] = '\f';
            continue;
        case 'n':
            out[n++] = '\n';
            continue;
        case 'r':
            out[n++] = '\r';
            continue;
        case 't':
            out[n++] = '\t';
            continue;
        case 'u':
            break;
        default:
            return false;
        }
        c = 0;
        for (int i = 0; i < 4; i++) {
            int h = (unsigned char)*++p;
            if (!isxdigit(h))
                return false;
            c = c * 16 + (unsigned int)(isdigit(h) ? h - '0' : tolower(h) - 'a' + 10);
        }
        if (c == 0 || (c >= 0xD800 && c <= 0xDFFF))
            return false;
        if (c < 0x80) {
            out[n++] = (char)c;
        } else if (c < 0x800) {
            out[n++] = (char)(0xC0 | c >> 6);
            out[n++] = (char)(0x80 | (c & 0x3F));
        } else {
            out[n++] = (char)(0xE0 | c >> 12);
            out[n++] = (char)(0x80 | (c >> 6 & 0x3F));
            out[n++] = (char)(0x80 | (c & 0x3F));
        }
    }
    out[n] = '\0';
    return true;
}

// The keys the answer names go into its JSON as they are, so each is first
// checked to have an nkey's form: 56 characters of base32 (capitals and the
// digits 2 to 7), the first one saying what kind of key it is.
static bool
key_value(const char *value, char kind, char *out, size_t size)
{
    if (!string_value(value, out, size) || strlen(out) != 56 || out[0] != kind)
        return false;
    return strspn(out, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == 56;
}

// The decision. The request's claims carry, under `nats`: the
// `connect_opts` the client sent (user, pass, auth_token, jwt, name, lang,
// version), `client_info` (its address, its connection id), the
// `server_id`, and `user_nkey`: a user key the server made for this one
// connection attempt, so that an answer cannot be replayed for another.
// `decision` gets the members the answer carries: the user JWT, or the
// error; the caller frees it.
static natsStatus
authorize(char **decision, const char *request, const char *user_nkey, const signer *issuer)
{
    const char *opts = member(request, "connect_opts");
    const entry *found = NULL;
    char user[128], password[256];
    bool has_user = string_value(member(opts, "user"), user, sizeof(user));
    bool has_password = string_value(member(opts, "pass"), password, sizeof(password));
    for (size_t i = 0; has_user && i < sizeof(DIRECTORY) / sizeof(DIRECTORY[0]); i++)
        if (strcmp(DIRECTORY[i].user, user) == 0)
            found = &DIRECTORY[i];
    if (found == NULL || !has_password || strcmp(found->password, password) != 0) {
        printf("auth service: %s, wrong password -> refused\n", has_user ? user : "(no user)");
        *decision = strdup("\"error\":\"wrong user or password\"");
        return *decision != NULL ? NATS_OK : NATS_NO_MEMORY;
    }

    // Let in: a user JWT for the server's key, signed by the issuer.
    // Outside operator mode its audience (`aud`) names the account the
    // client goes into; `name` is the user name the server shows for the
    // connection; `pub` and `sub` are its permissions (-1 means no limit
    // on subscriptions, data and payload size). An `exp` claim would end
    // the session at that time.
    printf("auth service: %s, password correct -> account %s, may use %s\n", found->user,
           found->account, found->allow);
    char *claims = NULL, *user_jwt = NULL;
    if (asprintf(&claims,
                 "\"sub\":\"%s\",\"aud\":\"%s\",\"name\":\"%s\",\"nats\":{\"type\":\"user\","
                 "\"version\":2,\"pub\":{\"allow\":[\"%s\"]},\"sub\":{\"allow\":[\"%s\"]},"
                 "\"subs\":-1,\"data\":-1,\"payload\":-1}",
                 user_nkey, found->account, found->user, found->allow, found->allow) < 0)
        return NATS_NO_MEMORY;
    natsStatus s = encode_jwt(&user_jwt, claims, issuer);
    free(claims);
    if (s != NATS_OK)
        return s;
    if (asprintf(decision, "\"jwt\":\"%s\"", user_jwt) < 0) {
        *decision = NULL;
        s = NATS_NO_MEMORY;
    }
    free(user_jwt);
    return s;
}

// The service's message handler, called by the client on a thread of its
// own for each request on `$SYS.REQ.USER.AUTH`. The request is a JWT
// signed by the server; the answer is a JWT of type
// `authorization_response`, about the request's user key (`sub`) and for
// that server (`aud`), signed by the issuer, carrying the user JWT or the
// error. The handler has nobody to return a failure to, so it reports it
// on stderr and sends no answer: the server then refuses the client when
// its wait for the service times out.
//
// This service checks only what it can: that the message has the form of
// an authorization request. It reads the claims without checking the
// server's signature, because nats.c has no call that verifies an Ed25519
// signature; here that is tolerable only because nobody but the server
// and the service's own user can publish in account AUTH. A production
// service must verify the signature with the key in the request's `iss`
// (the server's own key, starting with N) and accept only servers it
// knows; then check that `aud` is `nats-authorization-request` and that
// the request has not expired (its `exp` is when the server stops
// waiting, two seconds after `iat` here); and it should have the server
// encrypt requests (the `xkey` option, below).
static void
on_request(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)sub;
    const signer *issuer = closure;
    const char *token = natsMsg_GetData(msg);
    const char *end = token != NULL ? token + natsMsg_GetDataLength(msg) : NULL;
    const char *dot1 = token != NULL ? memchr(token, '.', (size_t)(end - token)) : NULL;
    const char *dot2 = dot1 != NULL ? memchr(dot1 + 1, '.', (size_t)(end - dot1 - 1)) : NULL;
    char *claims = dot2 != NULL ? b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1)) : NULL;
    const char *request = member(claims, "nats");
    char type[64], user_nkey[64], server_id[64];
    char *decision = NULL, *answer = NULL, *response = NULL;
    natsStatus s = NATS_OK;

    if (!string_value(member(request, "type"), type, sizeof(type)) ||
        strcmp(type, "authorization_request") != 0 ||
        !key_value(member(request, "user_nkey"), 'U', user_nkey, sizeof(user_nkey)) ||
        !key_value(member(member(request, "server_id"), "id"), 'N', server_id, sizeof(server_id)) ||
        natsMsg_GetReply(msg) == NULL) {
        fprintf(stderr, "auth service: not an authorization request\n");
        goto done;
    }
    s = authorize(&decision, request, user_nkey, issuer);
    if (s == NATS_OK &&
        asprintf(&answer,
                 "\"sub\":\"%s\",\"aud\":\"%s\",\"nats\":{\"type\":\"authorization_response\","
                 "\"version\":2,%s}",
                 user_nkey, server_id, decision) < 0) {
        answer = NULL;
        s = NATS_NO_MEMORY;
    }
    if (s == NATS_OK)
        s = encode_jwt(&response, answer, issuer);
    if (s == NATS_OK)
        s = natsConnection_PublishString(nc, natsMsg_GetReply(msg), response);
    if (s != NATS_OK)
        fprintf(stderr, "auth service: no answer: %s\n", natsStatus_GetText(s));
done:
    free(claims);
    free(decision);
    free(answer);
    free(response);
    natsMsg_Destroy(msg);
}

// A permissions violation is not a failure of the publish that caused it:
// the server reports it asynchronously with an `-ERR` line, and the C
// client passes it to the connection's error handler, on a thread of its
// own, with the status `NATS_NOT_PERMITTED`; `natsConnection_GetLastError`
// has the server's text. The handler prints it and counts it, so `main`
// can wait until the report it expects has been printed.
typedef struct {
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
    printf("alice: error handler: %s: %s\n", natsStatus_GetText(err), text);
    r->errors++;
    pthread_cond_signal(&r->reported);
    pthread_mutex_unlock(&r->mu);
}

// Wait, at most five seconds, for the first report.
static void
wait_for_error(reporter *r)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&r->mu);
    while (r->errors == 0) {
        if (pthread_cond_timedwait(&r->reported, &r->mu, &deadline) != 0) {
            fprintf(stderr, "alice: no violation reported\n");
            exit(1);
        }
    }
    pthread_mutex_unlock(&r->mu);
}

// Connect with a user and password, and an error handler if one is given.
// The options are copied by the connection, so ours are destroyed at
// once. A first connect that fails is not retried (unless
// `natsOptions_SetRetryOnFailedConnect` asks for it): the call returns the
// failure.
static natsStatus
connect_as(natsConnection **nc, const char *url, const char *user, const char *password,
           reporter *r)
{
    natsOptions *opts = NULL;
    check(natsOptions_Create(&opts), "options");
    check(set_servers(opts, url), "servers");
    check(natsOptions_SetUserInfo(opts, user, password), "user info");
    if (r != NULL)
        check(natsOptions_SetErrorHandler(opts, report_error, r), "error handler");
    natsStatus s = natsConnection_Connect(nc, opts);
    natsOptions_Destroy(opts);
    return s;
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *service = NULL, *alice = NULL, *bob = NULL;
    natsSubscription *callout = NULL, *orders = NULL;
    natsMsg *msg = NULL;
    reporter alice_errors = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    unsigned char *signature = NULL;
    int length = 0;

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";

    // The service signs with an account nkey. Its public key is the
    // `issuer` in server.conf; the seed (which starts with SA) is the
    // service's secret, here from the environment. nats.c 3.4.1 cannot
    // derive a public key from a seed, so the program is given both
    // (`nk -inkey issuer.nk -pubout` prints the public one). The public key
    // goes into each JWT as its issuer; if it is not the seed's, the
    // server finds the signatures wrong and refuses every client.
    signer issuer = {getenv("NATS_SEED_ISSUER"), getenv("NATS_KEY_ISSUER")};
    if (issuer.seed == NULL || strncmp(issuer.seed, "SA", 2) != 0 || issuer.public_key == NULL ||
        issuer.public_key[0] != 'A') {
        fprintf(stderr, "set NATS_SEED_ISSUER to an account seed and NATS_KEY_ISSUER to its "
                        "public key\n");
        return 1;
    }

    // The service's own user, `auth`, is one of the config's
    // `auth_users`, which skip the callout.
    check(connect_as(&service, url, "auth", "auth", NULL), "connect as auth");

    // A seed that does not decode is found now, not at the first client:
    // sign a word and throw the signature away (it is ours to free). This
    // must come after the library is open, which the first
    // `natsOptions_Create` (in `connect_as`) did: called before, nats.c
    // 3.4.1 fails even a good seed with "invalid seed".
    check(nats_Sign(issuer.seed, "check", &signature, &length), "sign with the issuer seed");
    free(signature);

    // The service is an ordinary subscriber on `$SYS.REQ.USER.AUTH` in
    // account AUTH, with `on_request` as its handler and the signer as
    // the handler's closure. The flush is a round trip: once it returns,
    // the server has the subscription.
    check(natsConnection_Subscribe(&callout, service, "$SYS.REQ.USER.AUTH", on_request, &issuer),
          "subscribe");
    check(natsConnection_Flush(service), "flush");
    printf("auth service: listening on $SYS.REQ.USER.AUTH\n");

    // Clients connect as they always do. nats.c knows nothing of the
    // callout: it sends its user and password, and the server holds the
    // connection until the service has answered, so `natsConnection_Connect`
    // returns after the service has decided.
    check(connect_as(&alice, url, "alice", "alice-secret", &alice_errors), "connect as alice");
    printf("alice: connected\n");

    // Alice's permissions are those the service granted: she may publish
    // and subscribe on `orders.>`. A synchronous subscription queues its
    // messages until `natsSubscription_NextMsg` takes one (waiting at most
    // two seconds here); the message is ours to destroy.
    check(natsConnection_SubscribeSync(&orders, alice, "orders.>"), "subscribe");
    check(natsConnection_PublishString(alice, "orders.new", "one book"), "publish");
    check(natsSubscription_NextMsg(&msg, orders, 2000), "next message");
    printf("alice: received on %s: %.*s\n", natsMsg_GetSubject(msg), natsMsg_GetDataLength(msg),
           natsMsg_GetData(msg));
    natsMsg_Destroy(msg);

    // Anything else is refused. The publish itself returns `NATS_OK`; the
    // server answers with a permissions violation, which reaches alice's
    // error handler, and the connection stays open.
    check(natsConnection_Publish(alice, "admin.shutdown", NULL, 0), "publish");
    wait_for_error(&alice_errors);

    // Bob gives a wrong password. The service says no, and the client is
    // told only "Authorization Violation", which `natsConnection_Connect`
    // returns as `NATS_CONNECTION_AUTH_FAILED`: the reason stays in the
    // service (and in the server's log), not with a stranger.
    natsStatus s = connect_as(&bob, url, "bob", "guess", NULL);
    if (s == NATS_OK) {
        fprintf(stderr, "bob got in with a wrong password\n");
        return 1;
    }
    if (s != NATS_CONNECTION_AUTH_FAILED)
        check(s, "connect as bob");
    printf("bob: refused, %s: %s\n", natsStatus_GetText(s), server_text());

    // The request carries the client's password in clear, inside account
    // AUTH. With the `xkey` option of `auth_callout`, the server encrypts
    // each request for the service (and the service may encrypt its
    // answer): a production service should use it.
    //
    // Clean up: alice's subscription and connection; the service's
    // subscription, drained first so its handler is done, and its
    // connection; then the library.
    natsSubscription_Destroy(orders);
    natsConnection_Destroy(alice);
    check(natsSubscription_Drain(callout), "drain");
    check(natsSubscription_WaitForDrainCompletion(callout, 1000), "wait for drain");
    natsSubscription_Destroy(callout);
    natsConnection_Destroy(service);
    nats_Close();
    return 0;
}
