// A key-value bucket can keep several revisions of each key, and every
// write can be made conditional on the revision the writer last saw. In
// the C client a failed condition is a `NATS_ERR` status, with the
// server's reason in the thread's last error.
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
// with where in the library the error was noted, such as "(js.c:535): ";
// after that comes the server's own description.
static const char *
server_text(void)
{
    const char *text = nats_GetLastError(NULL);
    const char *after = text != NULL && text[0] == '(' ? strstr(text, "): ") : NULL;
    return after != NULL ? after + 3 : text;
}

// Delete a bucket if it exists (a missing one is `NATS_NOT_FOUND`), then
// create it afresh. `History` is how many values of each key the bucket
// keeps; `TTL` (nanoseconds) how long any value lives, 0 for ever.
static kvStore *
fresh_bucket(jsCtx *js, const char *name, uint8_t history, int64_t ttl_ns)
{
    kvStore *kv = NULL;
    kvConfig cfg;
    natsStatus s = js_DeleteKeyValue(js, name);
    if (s != NATS_NOT_FOUND)
        check(s, "delete bucket");
    kvConfig_Init(&cfg);
    cfg.Bucket = name;
    cfg.History = history;
    cfg.TTL = ttl_ns;
    check(js_CreateKeyValue(&kv, js, &cfg), "create bucket");
    return kv;
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
    kvStore *locks = NULL;
    kvEntry *entry = NULL;
    kvEntry *clerk_a = NULL;
    kvEntry *clerk_b = NULL;
    kvEntryList history = {0};
    uint64_t rev = 0;
    char value[16];
    natsStatus s;

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), "connect");
    check(natsConnection_JetStream(&js, nc, NULL), "JetStream context");

    // Start clean, and keep the last five values of every key instead of
    // just the latest one (the maximum is 64).
    kv = fresh_bucket(js, "inventory", 5, 0);

    // Record the stock of widgets as it changes: seven writes to one key.
    const int stocks[] = {10, 9, 8, 12, 11, 10, 9};
    for (int i = 0; i < 7; i++) {
        snprintf(value, sizeof(value), "%d", stocks[i]);
        check(kvStore_PutString(NULL, kv, "widgets", value), "put");
    }

    // `kvStore_History` fills a `kvEntryList` with the revisions the
    // bucket still holds, oldest first; `kvEntryList_Destroy` destroys the
    // entries in it. Only the last five of the seven writes remain; older
    // ones were dropped as new ones came in.
    check(kvStore_History(&history, kv, "widgets", NULL), "history");
    printf("history of widgets:");
    for (int i = 0; i < history.Count; i++)
        printf("%s rev %llu=%s", i == 0 ? "" : ",",
               (unsigned long long)kvEntry_Revision(history.Entries[i]),
               kvEntry_ValueString(history.Entries[i]));
    printf("\n");
    kvEntryList_Destroy(&history);

    // Any revision still held can be read directly.
    check(kvStore_GetRevision(&entry, kv, "widgets", 4), "get revision");
    printf("widgets at revision 4: %s\n", kvEntry_ValueString(entry));
    kvEntry_Destroy(entry);

    // Now two clerks sell widgets at the same time. Both read the current
    // entry, and both see revision 7 with a stock of 9.
    check(kvStore_Get(&clerk_a, kv, "widgets"), "get");
    check(kvStore_Get(&clerk_b, kv, "widgets"), "get");
    printf("clerk A and clerk B both read stock %s at rev %llu\n", kvEntry_ValueString(clerk_a),
           (unsigned long long)kvEntry_Revision(clerk_a));

    // `kvStore_Update` writes only if the key's latest revision is still
    // the one given as `last`. Clerk A is first: the condition holds and
    // the new value gets revision 8.
    check(kvStore_UpdateString(&rev, kv, "widgets", "8", kvEntry_Revision(clerk_a)), "update");
    printf("clerk A sells 1: update(last=%llu) -> rev %llu\n",
           (unsigned long long)kvEntry_Revision(clerk_a), (unsigned long long)rev);

    // Clerk B's write is based on a value that no longer exists. A plain
    // put would silently overwrite A's sale; the update is rejected with
    // `NATS_ERR`, and the server says which revision is the latest now,
    // so no sale is lost.
    s = kvStore_UpdateString(&rev, kv, "widgets", "8", kvEntry_Revision(clerk_b));
    if (s == NATS_ERR)
        printf("clerk B sells 1: update(last=%llu) -> rejected: %s\n",
               (unsigned long long)kvEntry_Revision(clerk_b), server_text());
    else
        check(s, "update");
    kvEntry_Destroy(clerk_b);
    kvEntry_Destroy(clerk_a);

    // The fix is the usual optimistic-concurrency loop: read again, redo
    // the change on the fresh value, and try again.
    check(kvStore_Get(&entry, kv, "widgets"), "get");
    int stock = atoi(kvEntry_ValueString(entry)) - 1;
    snprintf(value, sizeof(value), "%d", stock);
    check(kvStore_UpdateString(&rev, kv, "widgets", value, kvEntry_Revision(entry)), "update");
    printf("clerk B retries on rev %llu: stock %d -> rev %llu\n",
           (unsigned long long)kvEntry_Revision(entry), stock, (unsigned long long)rev);
    kvEntry_Destroy(entry);

    // `kvStore_Create` is the same check against "no value yet": it writes
    // only if the key does not exist, which makes it a simple way to claim
    // a name or take a lock. The second attempt fails with `NATS_ERR` (the
    // server's reason is again a wrong last sequence: a create is an
    // update that expects none).
    check(kvStore_CreateString(&rev, kv, "gadgets", "100"), "create");
    printf("create gadgets -> rev %llu\n", (unsigned long long)rev);
    s = kvStore_CreateString(&rev, kv, "gadgets", "50");
    if (s == NATS_ERR)
        printf("create gadgets again -> rejected: key already exists\n");
    else
        check(s, "create");

    // A lock taken with a plain create never expires: if its holder
    // crashes, the key stays and nobody can take the lock again. It needs
    // a time to live. nats.c 3.4.1 has no per-key TTL (that needs
    // nats-server 2.11 and a newer client), but a bucket can have one for
    // all its keys: here a bucket for locks only, whose values the server
    // removes one second after they are written. The holder releases the
    // lock sooner with `kvStore_Delete`; choose a TTL longer than the work
    // it protects.
    locks = fresh_bucket(js, "locks", 1, 1000000000);
    check(kvStore_CreateString(NULL, locks, "lock.report", "worker-1"), "create");
    printf("worker-1 takes lock.report in a bucket with a 1 s TTL\n");
    s = kvStore_CreateString(NULL, locks, "lock.report", "worker-2");
    if (s == NATS_ERR)
        printf("worker-2 create lock.report -> rejected while worker-1 holds it\n");
    else
        check(s, "create");

    // worker-1 then "crashes" and never releases the lock. worker-2 keeps
    // trying every 100 ms, with a deadline, and gets the lock once the TTL
    // has expired.
    int64_t give_up = nats_Now() + 5000;
    while ((s = kvStore_CreateString(NULL, locks, "lock.report", "worker-2")) == NATS_ERR &&
           nats_Now() < give_up)
        nats_Sleep(100);
    check(s, "create");
    check(kvStore_Get(&entry, locks, "lock.report"), "get");
    printf("after the TTL: lock.report held by %s\n", kvEntry_ValueString(entry));
    kvEntry_Destroy(entry);

    // Clean up: deleting the buckets deletes every key and revision, and
    // `kvStore_Destroy` frees our handles.
    check(js_DeleteKeyValue(js, "locks"), "delete bucket");
    check(js_DeleteKeyValue(js, "inventory"), "delete bucket");
    kvStore_Destroy(locks);
    kvStore_Destroy(kv);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
