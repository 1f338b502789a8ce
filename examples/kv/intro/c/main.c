// A key-value bucket gives JetStream the interface of a map: put, get and
// delete values by key. In the C client a bucket is a `kvStore` made from
// the JetStream context; what it hands back (entries, key lists, the
// status) are objects with destroy calls of their own.
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

static int
by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

// `kvStore_Keys` lists the keys that currently have a value, in a
// `kvKeysList` struct that is ours; `kvKeysList_Destroy` frees the keys
// and the array in it. The server sends them in the order they were last
// written, so we sort them for display.
static void
print_keys(kvStore *kv)
{
    kvKeysList keys = {0};
    check(kvStore_Keys(&keys, kv, NULL), "keys");
    qsort(keys.Keys, keys.Count, sizeof(char *), by_name);
    printf("keys: [");
    for (int i = 0; i < keys.Count; i++)
        printf("%s'%s'", i == 0 ? "" : ", ", keys.Keys[i]);
    printf("]\n");
    kvKeysList_Destroy(&keys);
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
    kvStatus *status = NULL;
    kvConfig cfg;
    uint64_t revision = 0;
    natsStatus s;

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), "connect");
    check(natsConnection_JetStream(&js, nc, NULL), "JetStream context");

    // Create a bucket for an application's settings. Behind the scenes
    // this is a stream named `KV_settings`, keeping the latest value of
    // every key. Other programs open the same bucket with `js_KeyValue`.
    // (Start clean: delete the bucket first if an interrupted run left
    // it; a missing bucket is `NATS_NOT_FOUND`.) `kvConfig_Init` sets the
    // defaults, as for every configuration struct.
    s = js_DeleteKeyValue(js, "settings");
    if (s != NATS_NOT_FOUND)
        check(s, "delete bucket");
    kvConfig_Init(&cfg);
    cfg.Bucket = "settings";
    check(js_CreateKeyValue(&kv, js, &cfg), "create bucket");
    printf("created bucket 'settings'\n");

    // `kvStore_PutString` stores a value (`kvStore_Put` takes bytes and a
    // length) and returns the key's new revision, a number that grows with
    // every change in the bucket. Keys may contain dots, which makes them
    // hierarchical like subjects.
    const char *puts[3][2] = {{"theme", "dark"}, {"language", "en"}, {"ui.font.size", "14"}};
    for (int i = 0; i < 3; i++) {
        check(kvStore_PutString(&revision, kv, puts[i][0], puts[i][1]), "put");
        printf("put %s = '%s' -> revision %llu\n", puts[i][0], puts[i][1],
               (unsigned long long)revision);
    }

    // `kvStore_Get` returns an entry with the value and the revision that
    // wrote it. The entry is ours: `kvEntry_Destroy` frees it, and with it
    // the strings its accessors returned.
    check(kvStore_Get(&entry, kv, "theme"), "get");
    printf("get %s -> '%s' (revision %llu)\n", kvEntry_Key(entry), kvEntry_ValueString(entry),
           (unsigned long long)kvEntry_Revision(entry));
    kvEntry_Destroy(entry);

    // Putting a key again replaces its value; the revision moves on.
    check(kvStore_PutString(&revision, kv, "theme", "light"), "put");
    check(kvStore_Get(&entry, kv, "theme"), "get");
    printf("put theme = 'light' -> revision %llu; get theme -> '%s'\n",
           (unsigned long long)revision, kvEntry_ValueString(entry));
    kvEntry_Destroy(entry);

    print_keys(kv);

    // `kvStore_Delete` removes a key. It writes a small delete marker
    // rather than erasing the past, so watchers learn about the deletion.
    // Reading the key now returns `NATS_NOT_FOUND` (and no entry), and it
    // is gone from the key list.
    check(kvStore_Delete(kv, "language"), "delete");
    entry = NULL;
    s = kvStore_Get(&entry, kv, "language");
    if (s == NATS_NOT_FOUND)
        printf("get language -> not found (deleted)\n");
    else
        check(s, "get");
    kvEntry_Destroy(entry);
    print_keys(kv);

    // `kvStore_Status` describes the bucket. `Values` counts the stored
    // entries, delete markers included, and `History` is how many values
    // each key keeps (one by default; see the history example).
    check(kvStore_Status(&status, kv), "status");
    printf("status: bucket=%s values=%llu history=%lld\n", kvStatus_Bucket(status),
           (unsigned long long)kvStatus_Values(status), (long long)kvStatus_History(status));
    kvStatus_Destroy(status);

    // Clean up: deleting the bucket on the server deletes its stream and
    // every key; `kvStore_Destroy` frees our handle to it.
    check(js_DeleteKeyValue(js, "settings"), "delete bucket");
    kvStore_Destroy(kv);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
