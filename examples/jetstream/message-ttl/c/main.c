// Since nats-server 2.11 a message can carry its own time to live, and a
// stream can leave a *delete marker* behind when the last message of a
// subject expires, so consumers hear about it. nats.c 3.4.1 predates both:
// it has no TTL publish option and its `jsStreamConfig` has no field for
// either setting. Neither needs one. The TTL is a header, which any
// message can carry, and the stream settings are fields of the JSON that
// the JetStream API takes, which a program can send itself with a plain
// request.
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

// Publish an announcement to the stream, with a `Nats-TTL` header when
// `ttl` is not `NULL`. A message with headers is a `natsMsg` we create,
// fill with `natsMsgHeader_Set` and publish with `js_PublishMsg`; it
// stays ours to destroy. The header takes a duration (`1s`, `90m`) or
// `never`.
static natsStatus
announce(jsCtx *js, const char *subject, const char *ttl, jsErrCode *jerr)
{
    natsMsg *msg = NULL;
    check(natsMsg_Create(&msg, subject, NULL, "online", 6), 0, "create message");
    if (ttl != NULL)
        check(natsMsgHeader_Set(msg, "Nats-TTL", ttl), 0, "set header");
    natsStatus s = js_PublishMsg(NULL, js, msg, NULL, jerr);
    natsMsg_Destroy(msg);
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
    natsSubscription *sub = NULL;
    natsMsg *reply = NULL;
    natsMsg *msg = NULL;
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    jsStreamConfig cfg;
    jsSubOptions so;
    jsOptions o;
    natsStatus s;

    // Connect, and get a JetStream context with the default options (the
    // JetStream introduction explains the context).
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");

    // Start clean: delete the stream if an interrupted run left it.
    delete_stream(js, "PRESENCE");

    // Devices announce that they are online on `presence.<device>`, and
    // the stream keeps the latest announcement of each. Per-message TTL is
    // off by default: a message with a TTL is refused, not stored without
    // one. `js_PublishMsg` then fails with `NATS_ERR`, and `jerr` holds
    // the JetStream error code (10166).
    const char *subjects[] = {"presence.>"};
    jsStreamConfig_Init(&cfg);
    cfg.Name = "PRESENCE";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.MaxMsgsPerSubject = 1;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), jerr, "add stream");
    s = announce(js, "presence.sensor-1", "1s", &jerr);
    if (s == NATS_OK || jerr == 0) {
        fprintf(stderr, "a TTL was not refused (%s)\n", natsStatus_GetText(s));
        return 1;
    }
    printf("publish with a TTL -> %s\n", server_text());

    // The stream is updated to allow it (`allow_msg_ttl`), with a stream
    // wide `max_age` of 3 s for messages without a TTL, and
    // `subject_delete_marker_ttl`: when the last message of a subject
    // expires, the server stores a marker in its place, kept for 1 s. (A
    // `max_age` this short needs a duplicate window no longer than it.)
    //
    // `js_UpdateStream` could not say any of this: it sends only the
    // fields its struct has. So the program sends the request itself.
    // Every JetStream call is a request on a `$JS.API.` subject with a
    // JSON body; an update goes to `$JS.API.STREAM.UPDATE.<stream>` with
    // the complete new configuration (durations in nanoseconds), and the
    // answer is JSON too: the stream's info, or an `error` object with the
    // server's code and description. With no JSON parser at hand, looking
    // for that key is enough to tell them apart. (Once TTLs are allowed,
    // the server refuses to turn them off, so a later `js_UpdateStream`
    // from this client version, which would send `allow_msg_ttl` as false,
    // fails instead of quietly undoing it.)
    const char *update = "{\"name\":\"PRESENCE\",\"subjects\":[\"presence.>\"],"
                         "\"retention\":\"limits\",\"storage\":\"file\",\"num_replicas\":1,"
                         "\"max_msgs_per_subject\":1,\"max_age\":3000000000,"
                         "\"duplicate_window\":1000000000,\"allow_msg_ttl\":true,"
                         "\"subject_delete_marker_ttl\":1000000000}";
    check(natsConnection_RequestString(&reply, nc, "$JS.API.STREAM.UPDATE.PRESENCE", update, 5000),
          0, "update request");
    if (strstr(natsMsg_GetData(reply), "\"error\"") != NULL) {
        fprintf(stderr, "update refused: %s\n", natsMsg_GetData(reply));
        return 1;
    }
    natsMsg_Destroy(reply);
    printf("PRESENCE: allow_msg_ttl, max_age=3s, subject_delete_marker_ttl=1s\n");

    // Three announcements. sensor-1 is good for 1 s and must announce
    // again to stay listed. sensor-2 sets no TTL, so the stream's
    // `max_age` applies. The gateway's TTL is `never`: it outlives
    // `max_age`.
    check(announce(js, "presence.sensor-1", "1s", &jerr), jerr, "publish");
    check(announce(js, "presence.sensor-2", NULL, &jerr), jerr, "publish");
    check(announce(js, "presence.gateway", "never", &jerr), jerr, "publish");

    // A consumer reading the stream sees the three announcements, then,
    // as the sensors expire, a delete marker for each: a message with no
    // data on the same subject, whose `Nats-Marker-Reason` header says
    // why (`MaxAge`, for a TTL or the stream's `max_age`) and whose
    // `Nats-TTL` is the marker's own lifetime. An ordered consumer
    // (`Ordered` in `jsSubOptions`) suits a reader like this one, which
    // only follows along. `natsMsgHeader_Get` answers `NATS_NOT_FOUND`
    // for a header the message does not have; the values it returns
    // belong to the message.
    jsSubOptions_Init(&so);
    so.Ordered = true;
    check(js_SubscribeSync(&sub, js, "presence.>", NULL, &so, &jerr), jerr, "subscribe");
    for (int i = 0; i < 5; i++) {
        jsMsgMetaData *meta = NULL;
        const char *reason = NULL, *ttl = NULL;
        check(natsSubscription_NextMsg(&msg, sub, 5000), 0, "next message");
        check(natsMsg_GetMetaData(&meta, msg), 0, "metadata");
        unsigned long long seq = (unsigned long long)meta->Sequence.Stream;
        jsMsgMetaData_Destroy(meta);
        s = natsMsgHeader_Get(msg, "Nats-Marker-Reason", &reason);
        if (s == NATS_OK) {
            check(natsMsgHeader_Get(msg, "Nats-TTL", &ttl), 0, "marker TTL");
            printf("  seq %llu %s: delete marker, reason %s, kept %s\n", seq,
                   natsMsg_GetSubject(msg), reason, ttl);
        } else if (s == NATS_NOT_FOUND) {
            printf("  seq %llu %s: '%.*s'\n", seq, natsMsg_GetSubject(msg),
                   natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
        } else {
            check(s, 0, "marker reason");
        }
        natsMsg_Destroy(msg);
    }
    natsSubscription_Destroy(sub);

    // The markers expire in turn. We poll the stream's subjects every
    // 100 ms until only one is left, for at most five seconds: the
    // gateway, which ignores `max_age`. `Stream.Info.SubjectsFilter` in
    // the JetStream options asks stream info for the subjects that match,
    // with their message counts, in `State.Subjects`.
    jsOptions_Init(&o);
    o.Stream.Info.SubjectsFilter = ">";
    int64_t give_up = nats_Now() + 5000;
    for (;;) {
        check(js_GetStreamInfo(&si, js, "PRESENCE", &o, &jerr), jerr, "stream info");
        jsStreamStateSubjects *left = si->State.Subjects;
        if (left != NULL && left->Count == 1)
            break;
        jsStreamInfo_Destroy(si);
        si = NULL;
        if (nats_Now() > give_up) {
            fprintf(stderr, "the markers did not expire within five seconds\n");
            return 1;
        }
        nats_Sleep(100);
    }
    printf("PRESENCE holds %s\n", si->State.Subjects->List[0].Subject);
    jsStreamInfo_Destroy(si);

    // Clean up: delete the stream, then destroy the JetStream context
    // before the connection it was made from, and release the library.
    delete_stream(js, "PRESENCE");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
