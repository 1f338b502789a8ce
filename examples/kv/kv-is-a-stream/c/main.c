// A key-value bucket is not a separate storage engine: it is a stream with
// a naming convention, a few settings, and a header that marks deletes.
// This program looks underneath a bucket with the C client's ordinary
// stream calls (`js_GetStreamInfo`, `js_Publish`, `js_GetMsg`) next to its
// `kvStore_...` calls.
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

static int
by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// Print a stored message: its subject, its data and its headers.
// `natsMsgHeader_Keys` allocates an array of the header names (the names
// themselves belong to the message), in no particular order; we sort it,
// and free it. A message without headers answers `NATS_NOT_FOUND`.
static void
print_stored(uint64_t seq, natsMsg *msg)
{
    const char **keys = NULL;
    int count = 0;
    printf("  seq %llu: %s ", (unsigned long long)seq, natsMsg_GetSubject(msg));
    if (natsMsg_GetDataLength(msg) > 0)
        printf("'%.*s'", natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
    else
        printf("(no data)");
    natsStatus s = natsMsgHeader_Keys(msg, &keys, &count);
    if (s != NATS_NOT_FOUND)
        check(s, 0, "header keys");
    if (count > 1)
        qsort(keys, count, sizeof(keys[0]), by_name);
    for (int i = 0; i < count; i++) {
        const char *value = NULL;
        check(natsMsgHeader_Get(msg, keys[i], &value), 0, "header");
        printf("%s%s: %s", i == 0 ? " " : ", ", keys[i], value);
    }
    free((void *)keys);
    printf("\n");
}

// A key's history, oldest first: `kvStore_History` fills a `kvEntryList`
// with one entry per revision still stored; `kvEntryList_Destroy` frees
// the entries. A delete or purge marker is an entry whose operation says
// so, with no value.
static void
print_history(kvStore *kv, const char *key)
{
    kvEntryList list = {0};
    check(kvStore_History(&list, kv, key, NULL), 0, "history");
    printf("history of %s:", key);
    for (int i = 0; i < list.Count; i++) {
        kvEntry *e = list.Entries[i];
        const char *what = kvEntry_Operation(e) == kvOp_Delete  ? "DEL"
                           : kvEntry_Operation(e) == kvOp_Purge ? "PURGE"
                                                                : kvEntry_ValueString(e);
        printf("%s %s", i == 0 ? "" : ",", what);
    }
    printf("\n");
    kvEntryList_Destroy(&list);
}

// The objects the client will create for us start as `NULL` pointers;
// each call that creates one takes the pointer's address and fills it
// in when it returns `NATS_OK`.
int
main(void)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    kvStore *kv = NULL;
    kvEntry *entry = NULL;
    jsStreamInfo *si = NULL;
    natsMsg *msg = NULL;
    kvKeysList keys = {0};
    jsErrCode jerr = 0;
    kvConfig cfg;
    natsStatus s;

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), 0, "connect");
    check(natsConnection_JetStream(&js, nc, NULL), 0, "JetStream context");

    // Start clean: delete the bucket if an interrupted run left it (a
    // missing bucket is `NATS_NOT_FOUND`).
    s = js_DeleteKeyValue(js, "profiles");
    if (s != NATS_NOT_FOUND)
        check(s, 0, "delete bucket");

    // Creating bucket `profiles` creates stream `KV_profiles`, listening
    // on `$KV.profiles.>`: key `alice` is subject `$KV.profiles.alice`.
    // `History` becomes the stream's limit of messages per subject, so a
    // key's oldest revisions make way for new ones. `js_DiscardNew` makes
    // a full bucket (one that reached its `MaxBytes`) refuse writes rather
    // than drop the oldest messages, which could be other keys' current
    // values. `DenyDelete` forbids removing single messages through the
    // stream API, and `AllowRollup` lets a purge replace a key's whole
    // history (see below). nats.c also turns on `AllowDirect`, and
    // `kvStore_Get` then reads with direct get. The stream's configuration
    // is in the `jsStreamInfo`, which we destroy once printed.
    kvConfig_Init(&cfg);
    cfg.Bucket = "profiles";
    cfg.History = 5;
    check(js_CreateKeyValue(&kv, js, &cfg), 0, "create bucket");
    check(js_GetStreamInfo(&si, js, "KV_profiles", NULL, &jerr), jerr, "stream info");
    jsStreamConfig *c = si->Config;
    printf("bucket profiles is stream %s, subjects %s\n", c->Name, c->Subjects[0]);
    printf("  max_msgs_per_subject=%lld discard=%s deny_delete=%s allow_rollup_hdrs=%s\n",
           (long long)c->MaxMsgsPerSubject, c->Discard == js_DiscardNew ? "new" : "old",
           c->DenyDelete ? "true" : "false", c->AllowRollup ? "true" : "false");
    jsStreamInfo_Destroy(si);
    si = NULL;

    // A put is a JetStream publish, and the revision is the stream
    // sequence. So a plain publish on the key's subject is a put too,
    // and the bucket API reads it back like any other value. (`NULL` for
    // the revision: we do not need it here.)
    check(kvStore_PutString(NULL, kv, "alice", "v1"), 0, "put");
    check(kvStore_PutString(NULL, kv, "alice", "v2"), 0, "put");
    check(js_Publish(NULL, js, "$KV.profiles.bob", "published", 9, NULL, &jerr), jerr, "publish");
    check(kvStore_Get(&entry, kv, "bob"), 0, "get");
    printf("publish $KV.profiles.bob -> get bob = '%s' (rev %llu)\n", kvEntry_ValueString(entry),
           (unsigned long long)kvEntry_Revision(entry));
    kvEntry_Destroy(entry);
    entry = NULL;
    check(kvStore_PutString(NULL, kv, "carol", "c1"), 0, "put");
    check(kvStore_PutString(NULL, kv, "carol", "c2"), 0, "put");

    // Deleting a key cannot remove its messages (`DenyDelete`), so the
    // client writes a new message on the key's subject: empty, with the
    // header `KV-Operation: DEL`. Readers treat it as "no value", and the
    // earlier revisions stay in the history. Purging writes
    // `KV-Operation: PURGE` together with `Nats-Rollup: sub`, which makes
    // the server drop every earlier message of that subject. The markers
    // themselves stay, as tombstones, until `kvStore_PurgeDeletes` clears
    // out the old ones. (`NULL`: the default purge options.)
    check(kvStore_Delete(kv, "alice"), 0, "delete");
    check(kvStore_Purge(kv, "carol", NULL), 0, "purge");

    // Read the stream itself, message by message, with `js_GetMsg`, which
    // returns a message we destroy, or `NATS_NOT_FOUND` for a sequence no
    // longer stored. Sequences 4 and 5, the two values of carol, are
    // gone: the purge rolled them up.
    check(js_GetStreamInfo(&si, js, "KV_profiles", NULL, &jerr), jerr, "stream info");
    uint64_t first = si->State.FirstSeq, last = si->State.LastSeq;
    printf("stream KV_profiles: %llu messages\n", (unsigned long long)si->State.Msgs);
    jsStreamInfo_Destroy(si);
    for (uint64_t seq = first; seq <= last; seq++) {
        s = js_GetMsg(&msg, js, "KV_profiles", seq, NULL, &jerr);
        if (s == NATS_NOT_FOUND) {
            printf("  seq %llu: removed\n", (unsigned long long)seq);
            continue;
        }
        check(s, jerr, "get message");
        print_stored(seq, msg);
        natsMsg_Destroy(msg);
        msg = NULL;
    }

    // Through the bucket API: a deleted key is not found, but its history
    // is still there, ending with the delete; a purged key keeps only the
    // purge marker; and the key listing (a `kvKeysList` we destroy) skips
    // both.
    s = kvStore_Get(&entry, kv, "alice");
    if (s == NATS_NOT_FOUND) {
        printf("get alice -> not found\n");
    } else {
        check(s, 0, "get");
        printf("get alice -> '%s'\n", kvEntry_ValueString(entry));
        kvEntry_Destroy(entry);
    }
    print_history(kv, "alice");
    print_history(kv, "carol");
    check(kvStore_Keys(&keys, kv, NULL), 0, "keys");
    printf("keys:");
    for (int i = 0; i < keys.Count; i++)
        printf("%s %s", i == 0 ? "" : ",", keys.Keys[i]);
    printf("\n");
    kvKeysList_Destroy(&keys);

    // Clean up: deleting the bucket deletes its stream; then free our
    // handle to it, the JetStream context and the connection.
    check(js_DeleteKeyValue(js, "profiles"), 0, "delete bucket");
    kvStore_Destroy(kv);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
