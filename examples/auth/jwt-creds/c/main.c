// In operator mode, the server's config names no users at all. It trusts an
// operator key; the operator signs account JWTs, and each account signs
// the JWTs of its own users. A user connects with a creds file holding its
// JWT and its private key, and the server checks the chain of signatures
// back to the operator. Adding a user is signing a JWT: no server is
// touched. The C client takes a creds file as an option of `natsOptions`,
// or two callbacks that hand it a JWT and sign for it.
#include <ctype.h>
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

// A creds file is text: the user's JWT and, below it, the user's seed (its
// private nkey), each on the line after a marker line. `read_creds` reads
// the whole file into a buffer we free, and `line_after` copies the line
// that follows a marker.
static char *
read_creds(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    char *text = calloc(1, 16384);
    if (text == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    size_t n = fread(text, 1, 16383, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void
line_after(const char *text, const char *marker, char *out, size_t size)
{
    const char *at = strstr(text, marker);
    const char *start = at != NULL ? strchr(at, '\n') : NULL;
    if (start == NULL) {
        fprintf(stderr, "no %s in the creds file\n", marker);
        exit(1);
    }
    start++;
    size_t len = strcspn(start, "\r\n");
    snprintf(out, size, "%.*s", (int)len, start);
}

// A JWT is three base64url parts joined by dots: a header, the claims, and
// a signature of the first two. Base64url is base64 with `-` and `_` for
// `+` and `/`, and no `=` padding. These two helpers decode a part into a
// text and encode a text back.
static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void
b64url_decode(const char *in, size_t len, char *out, size_t size)
{
    size_t n = 0;
    unsigned int bits = 0, count = 0;
    for (size_t i = 0; i < len && n + 1 < size; i++) {
        const char *at = strchr(B64URL, in[i]);
        if (at == NULL || in[i] == '\0')
            break;
        bits = (bits << 6) | (unsigned int)(at - B64URL);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out[n++] = (char)((bits >> count) & 0xFF);
        }
    }
    out[n] = '\0';
}

static void
b64url_encode(const char *in, char *out, size_t size)
{
    size_t n = 0;
    unsigned int bits = 0, count = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p != '\0' && n + 2 < size; p++) {
        bits = (bits << 8) | *p;
        count += 8;
        while (count >= 6 && n + 1 < size) {
            count -= 6;
            out[n++] = B64URL[(bits >> count) & 0x3F];
        }
    }
    if (count > 0)
        out[n++] = B64URL[(bits << (6 - count)) & 0x3F];
    out[n] = '\0';
}

// The C examples link no JSON library, and nats.c 3.4.1 has no public JSON
// parser. The claims of a JWT are a small object, so a short walk over the
// text is enough: `members` calls `visit` for each member at the top level
// of the object at `obj`, with the key and where its value starts; `skip`
// steps over one value (a string, or an object or array with whatever is
// inside).
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

typedef void (*visitor)(const char *key, size_t key_len, const char *value, void *closure);

static void
members(const char *obj, visitor visit, void *closure)
{
    const char *p = skip_space(obj);
    if (*p != '{')
        return;
    p = skip_space(p + 1);
    while (*p == '"') {
        const char *key = p + 1;
        const char *end = skip_string(p);
        p = skip_space(end);
        if (*p != ':')
            return;
        const char *value = skip_space(p + 1);
        visit(key, (size_t)(end - 1 - key), value, closure);
        p = skip_space(skip(value));
        if (*p != ',')
            return;
        p = skip_space(p + 1);
    }
}

// Two visitors: one collects the keys, one finds the value of a key.
typedef struct {
    char keys[16][32];
    int count;
} key_list;

static void
collect_key(const char *key, size_t len, const char *value, void *closure)
{
    (void)value;
    key_list *list = closure;
    if (list->count < 16)
        snprintf(list->keys[list->count++], sizeof(list->keys[0]), "%.*s", (int)len, key);
}

typedef struct {
    const char *key;
    const char *value;
} lookup;

static void
find_key(const char *key, size_t len, const char *value, void *closure)
{
    lookup *l = closure;
    if (strlen(l->key) == len && strncmp(key, l->key, len) == 0)
        l->value = value;
}

// Where the value of `key` starts in the object at `obj`, or `NULL`.
static const char *
member(const char *obj, const char *key)
{
    lookup l = {key, NULL};
    if (obj != NULL)
        members(obj, find_key, &l);
    return l.value;
}

// Copy a string value (these have no escapes) without its quotes.
static const char *
string_of(const char *value, char *out, size_t size)
{
    if (value == NULL || *value != '"')
        snprintf(out, size, "?");
    else
        snprintf(out, size, "%.*s", (int)(skip_string(value) - value - 2), value + 1);
    return out;
}

static int
by_name(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

// Print the keys of an object after a label, sorted.
static void
print_keys(const char *label, const char *obj)
{
    key_list list = {.count = 0};
    members(obj, collect_key, &list);
    qsort(list.keys, list.count, sizeof(list.keys[0]), by_name);
    printf("%s", label);
    for (int i = 0; i < list.count; i++)
        printf("%s %s", i == 0 ? "" : ",", list.keys[i]);
    printf("\n");
}

// `natsOptions_SetUserCredentialsFromFiles` takes the path of a creds
// file (and, for a JWT without its seed in the same file, a seed file).
// nats.c reads the file each time it connects (reconnects included),
// sends the JWT, and signs the server's nonce with the seed, proving it
// holds the key the JWT was issued to. The seed never leaves the client.
static natsConnection *
connect_with_creds(const char *url, const char *creds)
{
    natsOptions *opts = NULL;
    natsConnection *nc = NULL;
    check(natsOptions_Create(&opts), "options");
    check(set_servers(opts, url), "servers");
    check(natsOptions_SetUserCredentialsFromFiles(opts, creds, NULL), "creds");
    check(natsConnection_Connect(&nc, opts), "connect");
    natsOptions_Destroy(opts);
    return nc;
}

// Credentials held in memory rather than in a file go through two
// callbacks of `natsOptions_SetUserCredentialsCallbacks`, both called at
// each connect: one hands over a copy of the JWT (the client frees it),
// and one signs the server's nonce, here with `nats_Sign`, which
// allocates the signature (the client frees it too).
typedef struct {
    const char *jwt;
    const char *seed;
} credentials;

static natsStatus
give_jwt(char **jwt, char **error_text, void *closure)
{
    (void)error_text;
    *jwt = strdup(((credentials *)closure)->jwt);
    return *jwt != NULL ? NATS_OK : NATS_NO_MEMORY;
}

static natsStatus
sign_nonce(char **error_text, unsigned char **signature, int *length, const char *nonce,
           void *closure)
{
    (void)error_text;
    return nats_Sign(((credentials *)closure)->seed, nonce, signature, length);
}

// Try to connect with credentials that should be refused. The server
// answers the CONNECT with "Authorization Violation", which
// `natsConnection_Connect` returns as `NATS_CONNECTION_AUTH_FAILED`.
// Reconnecting is off, so nothing is retried.
static void
try_creds(const char *url, const char *label, credentials *creds)
{
    natsOptions *opts = NULL;
    natsConnection *nc = NULL;
    check(natsOptions_Create(&opts), "options");
    check(set_servers(opts, url), "servers");
    check(natsOptions_SetAllowReconnect(opts, false), "reconnect");
    check(natsOptions_SetUserCredentialsCallbacks(opts, give_jwt, creds, sign_nonce, creds),
          "credentials callbacks");
    natsStatus s = natsConnection_Connect(&nc, opts);
    natsOptions_Destroy(opts);
    if (s == NATS_OK) {
        printf("%s: accepted\n", label);
        natsConnection_Destroy(nc);
    } else {
        printf("%s: refused, %s: %s\n", label, natsStatus_GetText(s), server_text());
    }
}

// Bob's handler: answer each request on its reply subject.
static void
greet(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)sub;
    (void)closure;
    char answer[128];
    snprintf(answer, sizeof(answer), "hello %.*s, from bob", natsMsg_GetDataLength(msg),
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
    natsMsg *reply = NULL;
    char jwt[4096], seed[128], bob_seed[128];
    char header[512], claims[4096], edited[4096], encoded[4096];
    char forged[sizeof(jwt) + sizeof(encoded)];
    char a[64], b[64], c[64], d[64];

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";

    // The recorder writes a creds file for each user of the run and names
    // it in an environment variable: alice and bob of account APP. With
    // `nsc` you would make them with `nsc add user` and
    // `nsc generate creds`.
    const char *alice_creds = getenv("NATS_CREDS_APP_ALICE");
    const char *bob_creds = getenv("NATS_CREDS_APP_BOB");
    if (alice_creds == NULL || bob_creds == NULL) {
        fprintf(stderr, "set NATS_CREDS_APP_ALICE and NATS_CREDS_APP_BOB to creds files\n");
        return 1;
    }

    // Read alice's JWT and seed. A creds file is a secret, like a
    // password: whoever holds it is this user.
    char *text = read_creds(alice_creds);
    line_after(text, "-----BEGIN NATS USER JWT-----", jwt, sizeof(jwt));
    line_after(text, "-----BEGIN USER NKEY SEED-----", seed, sizeof(seed));
    free(text);
    const char *dot1 = strchr(jwt, '.');
    const char *dot2 = dot1 != NULL ? strchr(dot1 + 1, '.') : NULL;
    if (dot2 == NULL || strchr(dot2 + 1, '.') != NULL) {
        fprintf(stderr, "alice's JWT is not three parts\n");
        return 1;
    }
    printf("creds file: a JWT of 3 parts and a seed of kind %.2s\n", seed);

    // What alice's JWT carries. The header names the signature's
    // algorithm: Ed25519, with nkeys. In the claims, the subject (`sub`)
    // is alice's public nkey (it starts with U, for user) and the issuer
    // (`iss`) the public key of the account that signed the JWT (A, for
    // account); `iat` is when it was issued and `jti` its unique id.
    // Under `nats` are the claims NATS adds: the kind of JWT, and the
    // user's permissions and limits. A JWT may also carry an expiry
    // (`exp`); this one does not. Reading the claims needs no key (they
    // are signed, not encrypted); the server checks the signature. The
    // keys are made afresh for each run, so only their first letters are
    // printed.
    b64url_decode(jwt, (size_t)(dot1 - jwt), header, sizeof(header));
    b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), claims, sizeof(claims));
    printf("header: typ %s, alg %s\n", string_of(member(header, "typ"), a, sizeof(a)),
           string_of(member(header, "alg"), b, sizeof(b)));
    print_keys("claims:", claims);
    const char *nats_claims = member(claims, "nats");
    print_keys("  nats:", nats_claims);
    printf("  type %s, name %s, sub %.1s..., iss %.1s...\n",
           string_of(member(nats_claims, "type"), a, sizeof(a)),
           string_of(member(claims, "name"), b, sizeof(b)),
           string_of(member(claims, "sub"), c, sizeof(c)),
           string_of(member(claims, "iss"), d, sizeof(d)));

    // Connect alice and bob with their creds files.
    natsConnection *alice = connect_with_creds(url, alice_creds);
    natsConnection *bob = connect_with_creds(url, bob_creds);

    // Every user may ask the server who it is, on `$SYS.REQ.USER.INFO`.
    // The account is the JWT's issuer; the server knows its name from the
    // account's own JWT. The answer is JSON, with the facts under `data`.
    check(natsConnection_RequestString(&reply, alice, "$SYS.REQ.USER.INFO", "", 2000), "user info");
    const char *data = member(natsMsg_GetData(reply), "data");
    printf("alice connected: user %s of account %s\n",
           string_of(member(data, "user_name"), a, sizeof(a)),
           string_of(member(data, "account_name"), b, sizeof(b)));
    natsMsg_Destroy(reply);

    // Alice and bob share the account APP, so they share its subjects. Bob
    // answers on `greet`; the flush, a round trip, makes sure the server
    // has his subscription before alice asks.
    check(natsConnection_Subscribe(&service, bob, "greet", greet, NULL), "subscribe");
    check(natsConnection_Flush(bob), "flush");
    check(natsConnection_RequestString(&reply, alice, "greet", "alice", 2000), "request");
    printf("alice asked bob: %.*s\n", natsMsg_GetDataLength(reply), natsMsg_GetData(reply));
    natsMsg_Destroy(reply);

    // Two forged creds, both refused.
    //
    // 1. Alice's JWT with a seed that is not hers: the signature of the
    // nonce does not match the JWT's subject. nats.c 3.4.1 cannot make a
    // new key, so the other seed is bob's, read from his creds file: a
    // real key, just not the one alice's JWT was issued to. A stolen JWT
    // alone is useless.
    text = read_creds(bob_creds);
    line_after(text, "-----BEGIN USER NKEY SEED-----", bob_seed, sizeof(bob_seed));
    free(text);
    credentials other_seed = {jwt, bob_seed};
    try_creds(url, "alice's JWT, another seed", &other_seed);

    // 2. Alice's JWT with its claims edited (her name made "mallory") and
    // alice's real seed: the account's signature no longer matches the
    // claims. Nobody can change what a JWT grants without the account's
    // key.
    const char *name = member(claims, "name");
    if (name == NULL) {
        fprintf(stderr, "alice's JWT has no name\n");
        return 1;
    }
    const char *after = skip(name);
    snprintf(edited, sizeof(edited), "%.*s\"mallory\"%s", (int)(name - claims), claims, after);
    b64url_encode(edited, encoded, sizeof(encoded));
    snprintf(forged, sizeof(forged), "%.*s.%s.%s", (int)(dot1 - jwt), jwt, encoded, dot2 + 1);
    credentials edited_claims = {forged, seed};
    try_creds(url, "alice's JWT edited", &edited_claims);

    // Clean up: bob's service, both connections, the library.
    natsSubscription_Destroy(service);
    natsConnection_Destroy(alice);
    natsConnection_Destroy(bob);
    nats_Close();
    return 0;
}
