// TLS encrypts the connection and lets each side check who is on the other
// end. In mutual TLS the client checks the server's certificate, and the
// server checks the client's: a client without a certificate from the
// right authority cannot even start talking NATS. The C client does TLS
// with OpenSSL, configured through its `natsOptions` object.
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

// Options for one connection attempt. `natsOptions_SetSecure` turns TLS
// on. `natsOptions_LoadCATrustedCertificates` names the authority whose
// signature we accept on the server's certificate (a private CA here, so
// the system's trust store would not do), and
// `natsOptions_LoadCertificatesChain` adds our own certificate and key for
// the server to check. (`natsOptions_SetExpectedHostname` would also check
// the name in the server's certificate.) Reconnecting is off, so a refused
// connection fails at once.
static natsOptions *
tls_options(const char *url, const char *ca, const char *cert, const char *key)
{
    natsOptions *opts = NULL;
    check(natsOptions_Create(&opts), "options");
    check(set_servers(opts, url), "servers");
    check(natsOptions_SetAllowReconnect(opts, false), "reconnect");
    check(natsOptions_SetSecure(opts, true), "secure");
    if (ca != NULL)
        check(natsOptions_LoadCATrustedCertificates(opts, ca), "trusted CA");
    if (cert != NULL)
        check(natsOptions_LoadCertificatesChain(opts, cert, key), "certificate");
    return opts;
}

// The echo handler: answer on the request's reply subject.
static void
echo(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)sub;
    (void)closure;
    char answer[128];
    snprintf(answer, sizeof(answer), "echo: %.*s", natsMsg_GetDataLength(msg),
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
    natsConnection *nc = NULL;
    natsConnection *refused = NULL;
    natsSubscription *sub = NULL;
    natsMsg *reply = NULL;
    natsStatus s;

    // The recorder makes a CA, and a client certificate and key signed by
    // it, for each run, and names the files in these variables.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    const char *ca = getenv("NATS_CA");
    const char *cert = getenv("NATS_CERT");
    const char *key = getenv("NATS_KEY");
    if (ca == NULL || cert == NULL || key == NULL) {
        fprintf(stderr, "NATS_CA, NATS_CERT and NATS_KEY must name the TLS files\n");
        return 1;
    }

    // The URL can stay `nats://`: the server's first message says TLS is
    // required, and the client upgrades the connection before it sends
    // anything else. (`tls://` URLs work the same way.)
    //
    // That first message, the server's INFO, travels in plain text. A
    // server whose `tls` block sets `handshake_first: true` (nats-server
    // 2.10.4 or later) skips it and expects the TLS handshake on the first
    // byte, as an HTTPS server does, which suits load balancers and
    // security scanners that insist on TLS from the start. Clients must
    // ask for it too; nats.c 3.4.1 cannot (later releases add an option
    // for it), so a server serving such clients would set a delay such as
    // "300ms" instead of `true`, after which it still lets them in.
    opts = tls_options(url, ca, cert, key);
    check(natsConnection_Connect(&nc, opts), "connect");
    natsOptions_Destroy(opts);
    printf("connected with a client certificate\n");

    check(natsConnection_Subscribe(&sub, nc, "echo", echo, NULL), "subscribe");
    check(natsConnection_RequestString(&reply, nc, "echo", "over TLS", 1000), "request");
    printf("request echo -> %.*s\n", natsMsg_GetDataLength(reply), natsMsg_GetData(reply));
    natsMsg_Destroy(reply);

    // Options that trust the CA but carry no client certificate. The
    // server answers with a "certificate required" alert and hangs up.
    // Under TLS 1.3 that alert comes just after the handshake, so the
    // client's connect fails while it waits for the server's first answer
    // (`NATS_PROTOCOL_ERROR` or an I/O error, depending on timing). Any
    // failure here means "refused".
    opts = tls_options(url, ca, NULL, NULL);
    s = natsConnection_Connect(&refused, opts);
    natsOptions_Destroy(opts);
    if (s != NATS_OK)
        printf("connect without a client certificate -> refused by the server\n");
    else
        natsConnection_Destroy(refused);

    // TLS on, but no trusted authority given. OpenSSL falls back to the
    // system's authorities, so now the *client* refuses: nothing it trusts
    // signed the server's certificate. The status is `NATS_SSL_ERROR`,
    // and the error text carries OpenSSL's reason after its code
    // ("...handshake error: 20:unable to get local issuer certificate:...").
    opts = tls_options(url, NULL, NULL, NULL);
    s = natsConnection_Connect(&refused, opts);
    natsOptions_Destroy(opts);
    if (s == NATS_SSL_ERROR) {
        char reason[128] = "";
        const char *text = nats_GetLastError(NULL);
        const char *start = text != NULL ? strstr(text, "error: ") : NULL;
        if (start != NULL) {
            start += strlen("error: ");
            start += strspn(start, "0123456789:");
            snprintf(reason, sizeof(reason), "%.*s", (int)strcspn(start, ":"), start);
        }
        printf("connect with default TLS settings -> %s: %s\n", natsStatus_GetText(s), reason);
    } else {
        check(s, "connect with default TLS settings");
        natsConnection_Destroy(refused);
    }

    // Clean up: drain the echo subscription so its handler is done, then
    // destroy the connection and release the library.
    check(natsSubscription_Drain(sub), "drain");
    check(natsSubscription_WaitForDrainCompletion(sub, 1000), "wait for drain");
    natsSubscription_Destroy(sub);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
