// Say in a sentence or two what this program shows and why it matters.
// Every comment block becomes a paragraph of the page, shown beside the
// code that follows it, so write for a reader who is learning NATS with
// the C client: what each call does, who owns what it returns, and which
// `..._Destroy` call releases it.
#include <stdio.h>
#include <stdlib.h>

#include <nats/nats.h>

// Every call returns a `natsStatus`. Check each one: print what failed,
// the status text and the client's last error, and exit non-zero so the
// recorder reports a failed run.
static void
check(natsStatus s, const char *what)
{
    if (s == NATS_OK)
        return;
    fprintf(stderr, "%s failed: %s (%s)\n", what, natsStatus_GetText(s),
            nats_GetLastError(NULL));
    exit(1);
}

int
main(void)
{
    natsConnection *nc = NULL;

    // Connect to the servers the recorder started (`NATS_URL`, one URL or
    // a comma-separated list), or to a local server when it is unset.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), "connect");

    // Explain each step before its code. Print labelled, deterministic
    // lines: the output is shown on the page, replayed at half speed, and
    // checked against the `expect` patterns in meta.yaml. Wait for messages
    // with a timeout (`natsSubscription_NextMsg`), so a missing message
    // fails the run instead of hanging it, and destroy every `natsMsg`.
    printf("connected\n");

    // Clean up: remove any stream, consumer, bucket or object you created,
    // so a second run prints exactly what the first did. Destroy every
    // subscription, then the connection, then call `nats_Close` so the
    // library frees the rest. Run the program under valgrind
    // (`--leak-check=full`) to make sure nothing leaks.
    natsConnection_Destroy(nc);
    nats_Close();
    printf("done\n");
    return 0;
}
