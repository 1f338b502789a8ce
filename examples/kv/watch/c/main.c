// Watching a key-value bucket turns it from a place you poll into a feed
// of changes. In the C client a watch is a `kvWatcher`: you pull its
// updates one at a time with `kvWatcher_Next`, which returns
// `NATS_TIMEOUT` when nothing new arrives in time.
#include <stdio.h>
#include <stdlib.h>

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

// Each update is an entry with the key, value and revision; we destroy it
// once printed. A delete arrives as an entry whose operation is
// `kvOp_Delete`, with no value. A watcher also hands out a `NULL` entry
// (with `NATS_OK`) once, to say it has delivered everything that was in
// the bucket when it started.
static void
show(const char *name, kvWatcher *watcher)
{
    kvEntry *entry = NULL;
    check(kvWatcher_Next(&entry, watcher, 2000), "next update");
    if (entry == NULL)
        printf("  [%s] caught up, now live\n", name);
    else if (kvEntry_Operation(entry) == kvOp_Delete)
        printf("  [%s] %s deleted (rev %llu)\n", name, kvEntry_Key(entry),
               (unsigned long long)kvEntry_Revision(entry));
    else
        printf("  [%s] %s = '%s' (rev %llu)\n", name, kvEntry_Key(entry),
               kvEntry_ValueString(entry), (unsigned long long)kvEntry_Revision(entry));
    kvEntry_Destroy(entry);
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
    kvWatcher *watch_all = NULL;
    kvWatcher *watch_lights = NULL;
    kvEntry *entry = NULL;
    kvConfig cfg;
    natsStatus s;

    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = "nats://127.0.0.1:4222";
    check(natsConnection_ConnectTo(&nc, url), "connect");
    check(natsConnection_JetStream(&js, nc, NULL), "JetStream context");

    // A bucket holding the state of a smart home, with some values
    // already in it before anybody watches. (Start clean: delete the bucket
    // first if an interrupted run left it; a missing one is
    // `NATS_NOT_FOUND`.)
    s = js_DeleteKeyValue(js, "home");
    if (s != NATS_NOT_FOUND)
        check(s, "delete bucket");
    kvConfig_Init(&cfg);
    cfg.Bucket = "home";
    check(js_CreateKeyValue(&kv, js, &cfg), "create bucket");
    check(kvStore_PutString(NULL, kv, "lights.kitchen", "off"), "put");
    check(kvStore_PutString(NULL, kv, "lights.hall", "on"), "put");
    check(kvStore_PutString(NULL, kv, "thermostat", "20"), "put");

    // Two watchers: one on every key, one on the pattern `lights.*`. Key
    // patterns use subject wildcards, since every key is a subject in
    // the bucket's stream. `NULL` options mean the defaults (only the
    // latest value of each key, deletes included).
    check(kvStore_WatchAll(&watch_all, kv, NULL), "watch all");
    check(kvStore_Watch(&watch_lights, kv, "lights.*", NULL), "watch lights");

    // A new watcher starts with the current value of every matching key,
    // then the `NULL` marker. The lights watcher never hears about the
    // thermostat.
    printf("initial values:\n");
    for (int i = 0; i < 4; i++)
        show("all", watch_all);
    for (int i = 0; i < 3; i++)
        show("lights", watch_lights);

    // From now on, every change is pushed to the watchers whose pattern
    // matches it, as soon as it is stored.
    printf("put lights.kitchen = 'on'\n");
    check(kvStore_PutString(NULL, kv, "lights.kitchen", "on"), "put");
    show("all", watch_all);
    show("lights", watch_lights);

    printf("put thermostat = '21'\n");
    check(kvStore_PutString(NULL, kv, "thermostat", "21"), "put");
    show("all", watch_all);

    printf("delete lights.hall\n");
    check(kvStore_Delete(kv, "lights.hall"), "delete");
    show("all", watch_all);
    show("lights", watch_lights);

    // The thermostat change never reached the lights watcher: after the
    // delete it has nothing left to report, and the next update times out.
    s = kvWatcher_Next(&entry, watch_lights, 500);
    if (s == NATS_TIMEOUT)
        printf("  [lights] no further updates\n");
    else
        check(s, "next update");
    kvEntry_Destroy(entry);

    // `kvWatcher_Stop` removes a watcher's consumer (and wakes a thread
    // blocked in `Next`); `kvWatcher_Destroy` frees it. Then clean up:
    // deleting the bucket deletes every key.
    check(kvWatcher_Stop(watch_all), "stop");
    check(kvWatcher_Stop(watch_lights), "stop");
    kvWatcher_Destroy(watch_all);
    kvWatcher_Destroy(watch_lights);
    check(js_DeleteKeyValue(js, "home"), "delete bucket");
    kvStore_Destroy(kv);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
