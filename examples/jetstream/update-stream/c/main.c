// A stream's configuration is not fixed at creation: limits, subjects and
// policies can be changed while the stream is in use, and the server
// applies them to the messages it already holds. In the C client the
// configuration is a `jsStreamConfig` struct, sent with `js_AddStream` to
// create the stream and with `js_UpdateStream` to change it.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

// Stop at the first failed call. For a JetStream call, `jerr` holds the
// server's error code (0 when the failure happened before the server
// answered), and `nats_GetLastError` the server's description.
static void
check(natsStatus s, jsErrCode jerr, const char *what)
{
    if (s == NATS_OK)
        return;
    fprintf(stderr, "%s failed: %s, JetStream error %d (%s)\n", what, natsStatus_GetText(s),
            (int)jerr, nats_GetLastError(NULL));
    exit(1);
}

// `nats_GetLastError` describes the last failure in this thread. It starts
// with where in the library the error was noted, such as "(js.c:535): ";
// after that comes the server's own description.
static const char *
server_text(void)
{
    const char *text = nats_GetLastError(NULL);
    const char *after = text != NULL && text[0] == '(' ? strstr(text, "): ") : NULL;
    return after != NULL ? after + 3 : text;
}

// A publish or an update the server must refuse. A refusal is a failed
// call with a JetStream error code in `jerr`; print the server's reason
// after the label. Stop if the call succeeded, or failed before the
// server answered.
static void
refused(natsStatus s, jsErrCode jerr, const char *label)
{
    if (s == NATS_OK) {
        fprintf(stderr, "%s: accepted, though the server should have refused it\n", label);
        exit(1);
    }
    if (jerr == 0)
        check(s, jerr, label);
    printf("%s%s\n", label, server_text());
}

// Delete the stream if it exists: a missing stream answers
// `NATS_NOT_FOUND`, which here is what we want.
static void
delete_stream(jsCtx *js, const char *name)
{
    jsErrCode jerr = 0;
    natsStatus s = js_DeleteStream(js, name, NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");
}

// After each step, print what the stream holds: how many messages, and the
// range of sequence numbers they span. `js_GetStreamInfo` allocates the
// `jsStreamInfo`; `jsStreamInfo_Destroy` frees it.
static void
show(jsCtx *js, const char *label)
{
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    check(js_GetStreamInfo(&si, js, "ORDERS", NULL, &jerr), jerr, "stream info");
    printf("%-34s messages=%llu first_seq=%llu last_seq=%llu\n", label,
           (unsigned long long)si->State.Msgs, (unsigned long long)si->State.FirstSeq,
           (unsigned long long)si->State.LastSeq);
    jsStreamInfo_Destroy(si);
}

// `js_UpdateStream` sends a complete configuration: a field left at its
// default goes back to the server's default. A config with only `Name`
// and `MaxMsgs` set would also reset the subjects to the stream's name
// and stop it from storing `orders.*`. So every change starts from the
// current configuration, which stream info carries in `Config`.
//
// `current` copies that struct into `cfg`, field by field. The copy is
// shallow: its strings and arrays (the name, the subjects) still belong
// to the `jsStreamInfo`, which must live until the update has been sent.
// So `current` returns the info, and `apply` sends the update and only
// then destroys it. A field we change in the copy, even one pointing to
// an array of our own, leaves the info's own memory alone.
//
// A server field that nats.c 3.4.1 does not know (newer ones such as
// compression or message TTLs) has no place in the struct, so an update
// from this client sends it at its default. This stream uses none.
static jsStreamInfo *
current(jsCtx *js, jsStreamConfig *cfg)
{
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    check(js_GetStreamInfo(&si, js, "ORDERS", NULL, &jerr), jerr, "stream info");
    *cfg = *si->Config;
    return si;
}

// Passing `NULL` for the returned `jsStreamInfo` means we do not want it.
static natsStatus
apply(jsCtx *js, jsStreamInfo *si, jsStreamConfig *cfg, jsErrCode *jerr)
{
    natsStatus s = js_UpdateStream(NULL, js, cfg, NULL, jerr);
    jsStreamInfo_Destroy(si);
    return s;
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    char subject[32], data[32];
    natsStatus s;

    // Connect, and get a JetStream context with the default options (the
    // JetStream introduction explains the context).
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");

    // Start clean: delete the stream if an interrupted run left it.
    delete_stream(js, "ORDERS");

    // A stream with no limits, and ten orders from three regions.
    // `jsStreamConfig_Init` sets every field to its default first.
    const char *orders[] = {"orders.*"};
    const char *regions[] = {"eu", "us", "asia"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "ORDERS";
    cfg.Subjects = orders;
    cfg.SubjectsLen = 1;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream");
    for (int i = 1; i <= 10; i++) {
        snprintf(subject, sizeof(subject), "orders.%s", regions[i % 3]);
        int len = snprintf(data, sizeof(data), "order %d", i);
        check(js_Publish(NULL, js, subject, data, len, NULL, &jerr), jerr, "publish");
    }
    show(js, "created, 10 orders:");

    // Lowering a limit applies at once to what is stored: the five oldest
    // orders are removed to get down to `MaxMsgs = 5`. The sequence
    // numbers of the rest do not change.
    si = current(js, &cfg);
    cfg.MaxMsgs = 5;
    check(apply(js, si, &cfg, &jerr), jerr, "update");
    show(js, "max_msgs=5:");

    // With `js_DiscardNew`, a full stream refuses new messages instead of
    // dropping old ones. The stream holds 5 of 5, so the next publish is
    // rejected: `js_Publish` fails with `NATS_ERR`, `jerr` is the
    // JetStream error code (10077), and the text says why.
    si = current(js, &cfg);
    cfg.Discard = js_DiscardNew;
    check(apply(js, si, &cfg, &jerr), jerr, "update");
    s = js_Publish(NULL, js, "orders.eu", "order 11", 8, NULL, &jerr);
    refused(s, jerr, "discard=new, 5 of 5 stored: publish -> ");

    // `MaxMsgsPerSubject = 1` keeps only the newest message of each
    // subject: the latest order per region.
    si = current(js, &cfg);
    cfg.MaxMsgsPerSubject = 1;
    check(apply(js, si, &cfg, &jerr), jerr, "update");
    show(js, "max_msgs_per_subject=1:");

    // Subjects can change too. After adding `returns.*` the stream stores
    // returns as well; the stored orders are untouched. The new list is an
    // array of our own, on the stack.
    const char *orders_and_returns[] = {"orders.*", "returns.*"};
    si = current(js, &cfg);
    cfg.Subjects = orders_and_returns;
    cfg.SubjectsLen = 2;
    check(apply(js, si, &cfg, &jerr), jerr, "update");
    check(js_Publish(NULL, js, "returns.eu", "return of order 9", 17, NULL, &jerr), jerr,
          "publish");
    show(js, "subjects + returns.*, 1 return:");

    // Some settings are fixed once the stream exists: its name, its
    // storage type, and whether it is a work queue. The server refuses the
    // update (`NATS_ERR`, with the JetStream code 10052 for an invalid
    // configuration) and nothing changes.
    si = current(js, &cfg);
    cfg.Storage = js_MemoryStorage;
    s = apply(js, si, &cfg, &jerr);
    refused(s, jerr, "storage file -> memory: refused: ");

    // A change must also be consistent with the rest of the configuration.
    // The duplicate window (`Duplicates`, 2 minutes by default, see
    // [Deduplication](../deduplication/index.md)) may not be longer than
    // `MaxAge`, so a 1-second `MaxAge` alone is refused... Durations in
    // these structs are nanoseconds.
    si = current(js, &cfg);
    cfg.MaxAge = 1000000000; // one second
    s = apply(js, si, &cfg, &jerr);
    refused(s, jerr, "max_age=1s: refused: ");

    // ...and accepted together with a 1-second duplicate window. `MaxAge`
    // counts from when each message was stored, not from the update, so
    // the stored messages expire as soon as they are a second old. We poll
    // the stream state every 100 ms until it is empty, for at most five
    // seconds. An empty stream reports `first_seq` one past `last_seq`:
    // sequence numbers are never reused.
    si = current(js, &cfg);
    cfg.MaxAge = 1000000000;
    cfg.Duplicates = 1000000000;
    check(apply(js, si, &cfg, &jerr), jerr, "update");
    int64_t give_up = nats_Now() + 5000;
    for (;;) {
        check(js_GetStreamInfo(&si, js, "ORDERS", NULL, &jerr), jerr, "stream info");
        uint64_t left = si->State.Msgs;
        jsStreamInfo_Destroy(si);
        si = NULL;
        if (left == 0)
            break;
        if (nats_Now() > give_up) {
            fprintf(stderr, "%llu messages still stored after five seconds\n",
                    (unsigned long long)left);
            return 1;
        }
        nats_Sleep(100);
    }
    show(js, "max_age=1s, a moment later:");

    // Clean up: delete the stream, then destroy the JetStream context
    // before the connection it was made from, and release the library.
    delete_stream(js, "ORDERS");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
