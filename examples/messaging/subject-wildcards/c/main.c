// Wildcards are part of core NATS: the C client needs nothing beyond its one
// header. A subscription's subject may contain `*` and `>`, and the server
// does all the matching; the client just receives what matched.
#include <stdbool.h>
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

// The five concrete subjects we publish to, in the order of the table.
#define SUBJECTS 5
static const char *subjects[SUBJECTS] = {
    "orders",
    "orders.new",
    "orders.eu.shipped",
    "orders.us.shipped",
    "orders.eu.paris.shipped",
};

// What one subscription saw: its pattern, and a flag per subject. Each
// subscription gets its own `seen` record, handed to the client as the
// callback's closure (the `void *` a C callback carries instead of a
// captured variable).
typedef struct {
    const char *pattern;
    bool received[SUBJECTS];
} seen;

// The message handler. `natsMsg_GetSubject` is the concrete subject the
// message was published to, never the pattern, so one wildcard handler can
// tell its messages apart.
//
// By default the C client gives every asynchronous subscription its own
// delivery thread, so the four handlers may run at the same time. That is
// safe here because each one writes only to its own record. The handler
// owns the message and destroys it.
static void
on_message(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    seen *record = closure;
    for (int i = 0; i < SUBJECTS; i++) {
        if (strcmp(natsMsg_GetSubject(msg), subjects[i]) == 0)
            record->received[i] = true;
    }
    natsMsg_Destroy(msg);
}

// One row of the table: the subject in a column wide enough for the
// longest one, then a column of 18 characters per subscription, without
// trailing spaces.
static void
print_row(const char *first, const char *cells[4])
{
    char line[160];
    int at = snprintf(line, sizeof(line), "%-25s", first);
    for (int p = 0; p < 4; p++)
        at += snprintf(line + at, sizeof(line) - at, "%-18s", cells[p]);
    while (at > 0 && line[at - 1] == ' ')
        line[--at] = '\0';
    printf("%s\n", line);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    natsSubscription *subs[4] = {NULL};

    // Four subscriptions, each with a different pattern:
    //
    // - `orders.*`: `orders` followed by exactly one more token.
    // - `orders.*.shipped`: a `*` can stand in the middle, here for a region.
    // - `orders.>`: everything below `orders`, however deep.
    // - `*.eu.>`: wildcards combine; any first token, then `eu`, then at
    //   least one more token.
    seen records[4] = {
        {.pattern = "orders.*"},
        {.pattern = "orders.*.shipped"},
        {.pattern = "orders.>"},
        {.pattern = "*.eu.>"},
    };

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), "connect");

    // `natsConnection_Subscribe` takes the pattern, the handler and the
    // closure. The pattern is checked by the client before it is sent: a
    // malformed one such as `orders.>.eu` fails with `NATS_INVALID_SUBJECT`.
    for (int i = 0; i < 4; i++)
        check(natsConnection_Subscribe(&subs[i], nc, records[i].pattern, on_message,
                                       &records[i]),
              "subscribe");

    // Publish one empty message to each subject. The server compares each
    // subject with every pattern and delivers a copy to each subscription
    // that matches. A subject may match several patterns, or none at all.
    for (int i = 0; i < SUBJECTS; i++)
        check(natsConnection_Publish(nc, subjects[i], NULL, 0), "publish");

    // Drain each subscription: the client asks the server to stop sending,
    // makes sure the server got that request, and lets the handler finish
    // every message already delivered. `WaitForDrainCompletion` blocks
    // until that is done (or a second has passed). After it returns the
    // handler threads will not touch the records again, so reading them
    // from `main` is safe.
    for (int i = 0; i < 4; i++) {
        check(natsSubscription_Drain(subs[i]), "drain");
        check(natsSubscription_WaitForDrainCompletion(subs[i], 1000), "wait for drain");
    }

    // Print one row per subject and one column per subscription. Notice:
    //
    // - `orders` matches nothing: `*` and `>` both need at least one token.
    // - `orders.eu.paris.shipped` has one token too many for
    //   `orders.*.shipped`; a `*` never spans two tokens.
    // - Only `orders.>` sees every order event.
    const char *cells[4];
    for (int p = 0; p < 4; p++)
        cells[p] = records[p].pattern;
    print_row("subject", cells);
    for (int i = 0; i < SUBJECTS; i++) {
        for (int p = 0; p < 4; p++)
            cells[p] = records[p].received[i] ? "yes" : "-";
        print_row(subjects[i], cells);
    }

    // Clean up in the reverse order of creation: the drained
    // subscriptions, the connection, and then the library's own threads
    // and state with `nats_Close`.
    for (int i = 0; i < 4; i++)
        natsSubscription_Destroy(subs[i]);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
