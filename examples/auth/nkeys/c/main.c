// NKeys are Ed25519 key pairs. The server's config holds only the public
// key of each user; the client proves it owns the matching private key by
// signing a random challenge, so no secret crosses the network and none is
// stored on the server. The C client takes the public key and either a
// seed file or a signing callback, both set on a `natsOptions` object.
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

// `user.nk` holds the user's *seed*: the private key, encoded so it starts
// with `SU` (seed, user). It sits next to this program only so the example
// runs as is. A real seed is a secret, like a password: never commit it;
// give it to the program through a secret store, a mounted file or an
// environment variable.
//
// The public key starts with `U` and is exactly what server.conf lists
// under `nkey`. nats.c 3.4.1 cannot derive it from the seed, so the program
// is given both; `nk -inkey user.nk -pubout` prints it.
static const char *USER_PUBLIC = "UDEB54V7ZE2L2T6XZ32O3JRGPVIZ2S3YDL3WI3UDZR3XAHUOCFEGI2Y6";

// The signing callback of `natsOptions_SetNKey`, for a seed the program
// holds in memory (its closure). On every connect the server sends a
// random nonce in its INFO message; `nats_Sign` signs it with the seed into
// a buffer it allocates, which the client sends (base64-encoded) in
// CONNECT and then frees.
static natsStatus
sign_nonce(char **error_text, unsigned char **signature, int *length, const char *nonce,
           void *closure)
{
    (void)error_text;
    return nats_Sign((const char *)closure, nonce, signature, length);
}

// Connect with an options object prepared by the caller, and destroy the
// options: the connection keeps its own copy. Reconnecting is off, so a
// refused connection fails at once instead of being retried.
static natsStatus
connect_with(natsConnection **nc, natsOptions *opts, const char *url)
{
    check(set_servers(opts, url), "servers");
    check(natsOptions_SetAllowReconnect(opts, false), "reconnect");
    natsStatus s = natsConnection_Connect(nc, opts);
    natsOptions_Destroy(opts);
    return s;
}

// The greeting service's handler: answer on the request's reply subject.
static void
greet(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)sub;
    (void)closure;
    char answer[128];
    snprintf(answer, sizeof(answer), "hello, %.*s", natsMsg_GetDataLength(msg),
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
    natsOptions *opts = NULL;
    natsConnection *service = NULL;
    natsConnection *client = NULL;
    natsConnection *refused = NULL;
    natsSubscription *sub = NULL;
    natsMsg *reply = NULL;
    char seed[128] = "";
    natsStatus s;

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    printf("public key given with user.nk: %s\n", USER_PUBLIC);

    // `natsOptions_SetNKeyFromSeed` takes the public key and the path of
    // the seed file. The client reads the seed only when it must sign a
    // nonce, and wipes it from memory afterwards. The server checks the
    // signature against the public key in its config.
    check(natsOptions_Create(&opts), "options");
    check(natsOptions_SetNKeyFromSeed(opts, USER_PUBLIC, "user.nk"), "nkey from seed");
    check(connect_with(&service, opts, url), "connect the service");
    printf("service: connected with natsOptions_SetNKeyFromSeed (a seed file)\n");
    check(natsConnection_Subscribe(&sub, service, "greet", greet, NULL), "subscribe");
    check(natsConnection_Flush(service), "flush");

    // `natsOptions_SetNKey` takes the public key and a callback that signs
    // the nonce, for when the seed comes from somewhere other than a file
    // (an environment variable, a secret store) or when the private key
    // never leaves a signing device. Here the seed is read into memory
    // first. Both connections authenticate as the same user.
    FILE *f = fopen("user.nk", "r");
    if (f == NULL || fgets(seed, sizeof(seed), f) == NULL) {
        fprintf(stderr, "cannot read user.nk\n");
        exit(1);
    }
    fclose(f);
    seed[strcspn(seed, "\r\n")] = '\0';
    check(natsOptions_Create(&opts), "options");
    check(natsOptions_SetNKey(opts, USER_PUBLIC, sign_nonce, seed), "nkey");
    check(connect_with(&client, opts, url), "connect the client");
    printf("client: connected with natsOptions_SetNKey (a signing callback)\n");

    check(natsConnection_RequestString(&reply, client, "greet", "nkeys", 1000), "request");
    printf("client: request greet -> %.*s\n", natsMsg_GetDataLength(reply),
           natsMsg_GetData(reply));
    natsMsg_Destroy(reply);

    // A key pair the server has never heard of is refused, however valid
    // its signature: `NATS_CONNECTION_AUTH_FAILED`, and no connection.
    // This pair was made for the example (`nk -gen user -pubout` makes
    // one) and is listed in no server's config.
    static const char *stranger_seed = "SUAANZ3ZANAR2XH5TDYXTPX4XBKVT3GZDSLYFWM2HREEWOPZCCF3BGF7IQ";
    static const char *stranger_public = "UDRXMS4EA7WZHWC4PYQ5YRIQTANCYSURJ536JD5I53LWXZIAM4UAZYWB";
    check(natsOptions_Create(&opts), "options");
    check(natsOptions_SetNKey(opts, stranger_public, sign_nonce, (void *)stranger_seed), "nkey");
    s = connect_with(&refused, opts, url);
    if (s == NATS_CONNECTION_AUTH_FAILED)
        printf("connect with an unknown nkey -> %s\n", server_text());
    else
        check(s, "connect with an unknown nkey");

    // Clean up: drain the service's subscription so its handler is done,
    // then destroy the connections and release the library.
    check(natsSubscription_Drain(sub), "drain");
    check(natsSubscription_WaitForDrainCompletion(sub, 1000), "wait for drain");
    natsSubscription_Destroy(sub);
    natsConnection_Destroy(client);
    natsConnection_Destroy(service);
    nats_Close();
    return 0;
}
