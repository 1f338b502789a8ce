// A stream with the default *limits* retention keeps messages until one of
// its limits says otherwise. In the C client, JetStream is part of the same
// library and header as core NATS: a `jsCtx` (the JetStream context) made
// from a connection sends the JetStream API requests, and every `js_...`
// call returns a `natsStatus` like the rest of the client, plus, through
// its last argument, the server's JetStream error code (`jsErrCode`) when
// the server refused the request.
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

// Delete a stream if it exists. A stream that is not there is reported as
// `NATS_NOT_FOUND` (with the JetStream code `JSStreamNotFoundErr`), which
// here is what we want, not a failure.
static void
delete_stream(jsCtx *js, const char *name)
{
    jsErrCode jerr = 0;
    natsStatus s = js_DeleteStream(js, name, NULL, &jerr);
    if (s != NATS_NOT_FOUND)
        check(s, jerr, "delete stream");
}

// Print the part of the stream state that tells the story: how many
// messages and bytes are stored, and the sequence numbers of the oldest
// and the newest one still kept. `js_GetStreamInfo` allocates a
// `jsStreamInfo` that we must free with `jsStreamInfo_Destroy`.
static void
show(jsCtx *js, const char *label, const char *stream)
{
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    check(js_GetStreamInfo(&si, js, stream, NULL, &jerr), jerr, "stream info");
    char bytes[16];
    snprintf(bytes, sizeof(bytes), "%llu", (unsigned long long)si->State.Bytes);
    printf("%-22s messages=%-2llu bytes=%-4s first_seq=%-2llu last_seq=%llu\n", label,
           (unsigned long long)si->State.Msgs, bytes, (unsigned long long)si->State.FirstSeq,
           (unsigned long long)si->State.LastSeq);
    jsStreamInfo_Destroy(si);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsPubAck *ack = NULL;
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    char subject[32];
    char large[400];
    natsStatus s;

    // Connect, and get a JetStream context. `NULL` options mean the
    // defaults: the `$JS.API` prefix of this account, and five seconds to
    // wait for each API answer.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");

    // Start clean: delete the streams if an interrupted run left them.
    delete_stream(js, "EVENTS");
    delete_stream(js, "ORDERS");

    // Create a stream capturing `events.>` with three limits at once: at
    // most 10 messages, at most 1000 bytes, and nothing older than one
    // second. A stream configuration is a plain struct on the stack:
    // `jsStreamConfig_Init` sets every field to its default, then we set
    // the ones we need. Durations in these structs are nanoseconds.
    // Limits retention is the default, and so is the discard policy,
    // `js_DiscardOld`: when a new message would break a limit, the oldest
    // messages are removed to make room. Passing `NULL` for the returned
    // `jsStreamInfo` means we do not want it (nothing to free).
    const char *events_subjects[] = {"events.>"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "EVENTS";
    cfg.Subjects = events_subjects;
    cfg.SubjectsLen = 1;
    cfg.MaxMsgs = 10;
    cfg.MaxBytes = 1000;
    cfg.MaxAge = 1000000000; // one second, in nanoseconds
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream EVENTS");

    // Publish 15 small messages. `js_Publish` waits for the stream's
    // acknowledgement; we pass `NULL` for the ack because we do not need
    // it here. Every message is accepted, but only the last 10 are kept:
    // in the output, `first_seq` has moved on to 6 while `last_seq` is 15.
    // Sequence numbers are never reused.
    for (int i = 1; i <= 15; i++) {
        char data[16];
        snprintf(subject, sizeof(subject), "events.click.%d", i);
        snprintf(data, sizeof(data), "click %d", i);
        check(js_Publish(NULL, js, subject, data, (int)strlen(data), NULL, &jerr), jerr,
              "publish");
    }
    show(js, "after 15 small msgs:", "EVENTS");

    // Now two larger messages of 400 bytes each. Stored size counts the
    // subject, headers and payload plus some overhead, so the byte limit
    // bites first: the stream drops old messages until the total fits under
    // 1000 bytes, leaving far fewer than 10 messages.
    memset(large, 'x', sizeof(large));
    for (int i = 1; i <= 2; i++) {
        snprintf(subject, sizeof(subject), "events.upload.%d", i);
        check(js_Publish(NULL, js, subject, large, (int)sizeof(large), NULL, &jerr), jerr,
              "publish");
    }
    show(js, "after 2 large msgs:", "EVENTS");

    // Finally the age limit. Wait a little longer than one second (the
    // wait is what this step shows) and every message has expired. The
    // stream is empty, and `first_seq` points one past `last_seq`: the
    // next message published will get sequence 18.
    nats_Sleep(1500);
    show(js, "after 1.5 s:", "EVENTS");

    // The other discard policy, `js_DiscardNew`, turns a limit into
    // back-pressure: a full stream keeps what it has and rejects the new
    // message instead. `js_Publish` then fails with `NATS_ERR`, and `jerr`
    // says which JetStream error it was (`JSStreamStoreFailedErr`, 10077). On success the ack (`jsPubAck`) carries the
    // stream sequence the message was stored at; it is ours to free with
    // `jsPubAck_Destroy`.
    const char *orders_subjects[] = {"orders.>"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "ORDERS";
    cfg.Subjects = orders_subjects;
    cfg.SubjectsLen = 1;
    cfg.MaxMsgs = 3;
    cfg.Discard = js_DiscardNew;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream ORDERS");
    for (int i = 1; i <= 4; i++) {
        snprintf(subject, sizeof(subject), "orders.%d", i);
        s = js_Publish(&ack, js, subject, "order", 5, NULL, &jerr);
        if (s == NATS_OK) {
            printf("%s stored as seq %llu\n", subject, (unsigned long long)ack->Sequence);
            jsPubAck_Destroy(ack);
            ack = NULL;
        } else if (jerr != 0) {
            printf("%s rejected: %s\n", subject, server_text());
        } else {
            check(s, jerr, "publish");
        }
    }
    show(js, "ORDERS:", "ORDERS");

    // Clean up: deleting a stream deletes its messages too. Then destroy
    // the JetStream context before the connection it was made from, and
    // release the library.
    delete_stream(js, "EVENTS");
    delete_stream(js, "ORDERS");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
