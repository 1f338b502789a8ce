// A bucket can forget its values after a while: a TTL for the whole
// bucket, or for one key. What a watcher hears when a value expires
// depends on one more setting, the limit markers of nats-server 2.11 and
// later. nats.c 3.4.1 has the bucket TTL (`TTL` in `kvConfig`) but
// predates the other two: this program reaches them through what a bucket
// is underneath, a stream named `KV_<bucket>` whose messages are the
// values, on subjects `$KV.<bucket>.<key>` (see
// [A KV Bucket Is a Stream](../kv-is-a-stream/index.md)).
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

// Stop at the first failed call. For a JetStream call, `jerr` holds the
// server's error code (0 when the failure happened before the server
// answered), and `nats_GetLastError` the description.
static void
check(natsStatus s, jsErrCode jerr, const char *what)
{
    if (s == NATS_OK)
        return;
    fprintf(stderr, "%s failed: %s, JetStream error %d (%s)\n", what, natsStatus_GetText(s),
            (int)jerr, nats_GetLastError(NULL));
    exit(1);
}

// Delete a bucket if it exists: a missing bucket is `NATS_NOT_FOUND`,
// which here is what we want.
static void
delete_bucket(jsCtx *js, const char *bucket)
{
    natsStatus s = js_DeleteKeyValue(js, bucket);
    if (s != NATS_NOT_FOUND)
        check(s, 0, "delete bucket");
}

// Whether the value at a bucket's revision is a limit marker. nats.c
// 3.4.1 does not know markers: its watcher hands one over as a put with
// no value, and `kvStore_Get` returns it as such. What tells it apart is
// the `Nats-Marker-Reason` header of the stored message, which the
// `kvEntry` does not show; so read the message itself from the bucket's
// stream, by its sequence (an entry's revision is its stream sequence).
// `js_GetMsg` returns a message we destroy.
static bool
is_marker(jsCtx *js, const char *stream, uint64_t revision)
{
    natsMsg *stored = NULL;
    const char *reason = NULL;
    jsErrCode jerr = 0;
    check(js_GetMsg(&stored, js, stream, revision, NULL, &jerr), jerr, "get stored message");
    natsStatus s = natsMsgHeader_Get(stored, "Nats-Marker-Reason", &reason);
    if (s != NATS_NOT_FOUND)
        check(s, 0, "marker header");
    natsMsg_Destroy(stored);
    return s == NATS_OK;
}

// Print a watcher's next update, waiting at most four seconds. An entry
// is ours to destroy. A marker is reported as what it means: the server
// removed the key's last value, as a purge by a client would.
static void
show(jsCtx *js, const char *name, kvWatcher *watcher)
{
    kvEntry *entry = NULL;
    char stream[32];
    check(kvWatcher_Next(&entry, watcher, 4000), 0, "next update");
    if (entry == NULL) {
        fprintf(stderr, "[%s] an unexpected caught-up signal\n", name);
        exit(1);
    }
    snprintf(stream, sizeof(stream), "KV_%s", name);
    unsigned long long rev = (unsigned long long)kvEntry_Revision(entry);
    if (kvEntry_Operation(entry) == kvOp_Purge ||
        (kvEntry_ValueLen(entry) == 0 && is_marker(js, stream, rev)))
        printf("  [%s] %s expired: the server purged it (rev %llu)\n", name, kvEntry_Key(entry), rev);
    else
        printf("  [%s] %s = '%s' (rev %llu)\n", name, kvEntry_Key(entry),
               kvEntry_ValueString(entry), rev);
    kvEntry_Destroy(entry);
}

// What `get` says about a key: `kvStore_Get` answers `NATS_NOT_FOUND` for
// a key with no value; a marker it returns counts as not found too.
static const char *
lookup(jsCtx *js, kvStore *kv, const char *stream, const char *key, char *out, size_t size)
{
    kvEntry *entry = NULL;
    natsStatus s = kvStore_Get(&entry, kv, key);
    if (s == NATS_NOT_FOUND)
        return "not found";
    check(s, 0, "get");
    if (kvEntry_ValueLen(entry) == 0 && is_marker(js, stream, kvEntry_Revision(entry)))
        snprintf(out, size, "not found");
    else
        snprintf(out, size, "'%s'", kvEntry_ValueString(entry));
    kvEntry_Destroy(entry);
    return out;
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    kvStore *quiet = NULL;
    kvStore *marked = NULL;
    kvWatcher *watch_quiet = NULL;
    kvWatcher *watch_marked = NULL;
    kvEntry *entry = NULL;
    kvStatus *status = NULL;
    natsMsg *reply = NULL;
    natsMsg *msg = NULL;
    jsErrCode jerr = 0;
    kvConfig cfg;
    natsStatus s;
    char a[32], b[32];

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");

    // Start clean: delete the buckets if an interrupted run left them.
    delete_bucket(js, "quiet");
    delete_bucket(js, "marked");

    // Two buckets of sessions, both with a 2-second `TTL` (in
    // nanoseconds): every value is removed 2 s after it was written (the
    // bucket's stream gets `max_age`). Each write starts its own clock, so
    // a key that is written again lives on.
    kvConfig_Init(&cfg);
    cfg.Bucket = "quiet";
    cfg.TTL = 2000000000;
    check(js_CreateKeyValue(&quiet, js, &cfg), 0, "create bucket quiet");
    cfg.Bucket = "marked";
    check(js_CreateKeyValue(&marked, js, &cfg), 0, "create bucket marked");

    // Only `marked` gets limit markers: when the server removes a key's
    // last value, it writes a marker in its place, kept for 1 s. Newer
    // clients have a bucket setting for it (`limit_marker_ttl`), which
    // sets two fields of the bucket's stream: `subject_delete_marker_ttl`
    // and `allow_msg_ttl`, which per-key TTLs need too. Neither is in
    // nats.c 3.4.1's structs, so the program updates the stream itself,
    // with a request to the JetStream API on
    // `$JS.API.STREAM.UPDATE.KV_marked`: a JSON body with the stream's
    // complete configuration, that is, what `js_CreateKeyValue` made of
    // the bucket plus the two fields (durations in nanoseconds). The
    // answer is the stream's info, or an `error` object; with no JSON
    // parser at hand, looking for that key is enough to tell them apart.
    const char *update = "{\"name\":\"KV_marked\",\"subjects\":[\"$KV.marked.>\"],"
                         "\"retention\":\"limits\",\"storage\":\"file\",\"num_replicas\":1,"
                         "\"discard\":\"new\",\"max_msgs_per_subject\":1,\"max_age\":2000000000,"
                         "\"duplicate_window\":2000000000,\"allow_direct\":true,"
                         "\"deny_delete\":true,\"allow_rollup_hdrs\":true,"
                         "\"allow_msg_ttl\":true,\"subject_delete_marker_ttl\":1000000000}";
    check(natsConnection_RequestString(&reply, nc, "$JS.API.STREAM.UPDATE.KV_marked", update, 5000),
          0, "update request");
    if (strstr(natsMsg_GetData(reply), "\"error\"") != NULL) {
        fprintf(stderr, "update refused: %s\n", natsMsg_GetData(reply));
        return 1;
    }
    natsMsg_Destroy(reply);
    printf("buckets quiet and marked: ttl=2s; marked also has limit_marker_ttl=1s\n");

    // A watcher on each bucket. Both buckets are empty, so each watcher
    // first hands out a `NULL` entry: caught up, nothing to report yet.
    check(kvStore_WatchAll(&watch_quiet, quiet, NULL), 0, "watch quiet");
    check(kvStore_WatchAll(&watch_marked, marked, NULL), 0, "watch marked");
    check(kvWatcher_Next(&entry, watch_quiet, 2000), 0, "caught up");
    kvEntry_Destroy(entry);
    check(kvWatcher_Next(&entry, watch_marked, 2000), 0, "caught up");
    kvEntry_Destroy(entry);

    // alice's session goes into both buckets. bob's goes into `marked`
    // only, created with its own TTL of 1 s, shorter than the bucket's.
    // `kvStore_Create` takes no TTL in 3.4.1, so the program does what a
    // create is on the wire: a publish to the key's subject with a header
    // that makes the stream refuse it if the key already has a value
    // (`Nats-Expected-Last-Subject-Sequence: 0`), plus the key's TTL in
    // `Nats-TTL`. The message is ours to destroy after `js_PublishMsg`.
    check(kvStore_PutString(NULL, quiet, "session.alice", "token-a"), 0, "put");
    check(kvStore_PutString(NULL, marked, "session.alice", "token-a"), 0, "put");
    check(natsMsg_Create(&msg, "$KV.marked.session.bob", NULL, "token-b", 7), 0, "create message");
    check(natsMsgHeader_Set(msg, "Nats-Expected-Last-Subject-Sequence", "0"), 0, "set header");
    check(natsMsgHeader_Set(msg, "Nats-TTL", "1s"), 0, "set header");
    check(js_PublishMsg(NULL, js, msg, NULL, &jerr), jerr, "create session.bob");
    natsMsg_Destroy(msg);
    show(js, "quiet", watch_quiet);
    show(js, "marked", watch_marked);
    show(js, "marked", watch_marked);

    // When bob's TTL and then alice's bucket TTL run out, the `marked`
    // watcher hears about each: a marker, which newer clients report as
    // a purge, and which `show` recognises by its header.
    show(js, "marked", watch_marked);
    show(js, "marked", watch_marked);

    // The `quiet` bucket removed alice's value just the same, and its
    // watcher heard nothing: without markers an expired value simply
    // disappears. A cache kept in sync by that watcher would keep serving
    // the stale session. `kvWatcher_Next` returns `NATS_TIMEOUT` when
    // nothing came in time.
    s = kvWatcher_Next(&entry, watch_quiet, 500);
    if (s != NATS_TIMEOUT) {
        check(s, 0, "next update");
        fprintf(stderr, "[quiet] an update about %s\n", entry ? kvEntry_Key(entry) : "nothing");
        return 1;
    }
    printf("  [quiet] nothing, though session.alice is gone\n");

    // `get` finds neither: no value in `quiet`, a marker in `marked`.
    printf("get session.alice: quiet -> %s, marked -> %s\n",
           lookup(js, quiet, "KV_quiet", "session.alice", a, sizeof(a)),
           lookup(js, marked, "KV_marked", "session.alice", b, sizeof(b)));

    // The markers have a TTL of their own, so they do not pile up like
    // the tombstones of deleted keys: a second later the bucket is empty.
    // We poll its status (`Values` counts what the bucket stores) every
    // 100 ms, for at most five seconds.
    int64_t give_up = nats_Now() + 5000;
    for (;;) {
        check(kvStore_Status(&status, marked), 0, "status");
        uint64_t values = kvStatus_Values(status);
        kvStatus_Destroy(status);
        status = NULL;
        if (values == 0)
            break;
        if (nats_Now() > give_up) {
            fprintf(stderr, "marked still holds %llu values\n", (unsigned long long)values);
            return 1;
        }
        nats_Sleep(100);
    }
    printf("a second later the markers are gone too: marked holds 0 values\n");

    // Clean up: stop and free the watchers, delete the buckets, free our
    // handles to them, and release the rest.
    check(kvWatcher_Stop(watch_quiet), 0, "stop");
    check(kvWatcher_Stop(watch_marked), 0, "stop");
    kvWatcher_Destroy(watch_quiet);
    kvWatcher_Destroy(watch_marked);
    delete_bucket(js, "quiet");
    delete_bucket(js, "marked");
    kvStore_Destroy(quiet);
    kvStore_Destroy(marked);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
