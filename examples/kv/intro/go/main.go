// A key-value bucket gives JetStream the interface of a map: put, get and
// delete values by key. In nats.go it is part of the `jetstream` package:
// `js.CreateKeyValue` returns a `jetstream.KeyValue`, and its errors are
// values such as `jetstream.ErrKeyNotFound`, checked with `errors.Is`.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}
	closed := make(chan struct{})
	nc, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) {
		close(closed)
	}))
	if err != nil {
		return err
	}
	defer nc.Close()

	// The JetStream handle, and one context whose deadline bounds every
	// call below: every KV operation takes a context, like every other
	// JetStream call.
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// Create a bucket for an application's settings. Behind the scenes
	// this is a stream named `KV_settings`, keeping the latest value of
	// every key. Other programs open the same bucket with
	// `js.KeyValue(ctx, "settings")`. (Start clean: delete the bucket first
	// if an interrupted run left it; `jetstream.ErrBucketNotFound` means
	// there was none.)
	if err := js.DeleteKeyValue(ctx, "settings"); err != nil && !errors.Is(err, jetstream.ErrBucketNotFound) {
		return err
	}
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "settings"})
	if err != nil {
		return err
	}
	fmt.Println("created bucket 'settings'")

	// `Put` stores a value (a byte slice) and returns the key's new
	// revision, a number that grows with every change in the bucket.
	// (`PutString` takes a string instead.) Keys may contain dots, which
	// makes them hierarchical like subjects.
	for _, kvPair := range []struct{ key, value string }{
		{"theme", "dark"}, {"language", "en"}, {"ui.font.size", "14"},
	} {
		revision, err := kv.Put(ctx, kvPair.key, []byte(kvPair.value))
		if err != nil {
			return err
		}
		fmt.Printf("put %s = %q -> revision %d\n", kvPair.key, kvPair.value, revision)
	}

	// `Get` returns a `jetstream.KeyValueEntry`: the value and the
	// revision that wrote it, among other things.
	entry, err := kv.Get(ctx, "theme")
	if err != nil {
		return err
	}
	fmt.Printf("get %s -> %q (revision %d)\n", entry.Key(), entry.Value(), entry.Revision())

	// Putting a key again replaces its value; the revision moves on.
	revision, err := kv.Put(ctx, "theme", []byte("light"))
	if err != nil {
		return err
	}
	if entry, err = kv.Get(ctx, "theme"); err != nil {
		return err
	}
	fmt.Printf("put theme = \"light\" -> revision %d; get theme -> %q\n", revision, entry.Value())

	// `Keys` lists the keys that currently have a value, sorted. (On an
	// empty bucket it returns `jetstream.ErrNoKeysFound`; for a very large
	// bucket, `ListKeys` streams them on a channel instead.)
	keys, err := kv.Keys(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("keys: %q\n", keys)

	// `Delete` removes a key. It writes a small delete marker rather than
	// erasing the past, so watchers learn about the deletion. Reading the
	// key now fails with `jetstream.ErrKeyNotFound`, and it is gone from
	// the key list.
	if err := kv.Delete(ctx, "language"); err != nil {
		return err
	}
	_, err = kv.Get(ctx, "language")
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		fmt.Println("get language -> not found (deleted)")
	case err != nil:
		return err
	default:
		return errors.New("a deleted key still has a value")
	}
	if keys, err = kv.Keys(ctx); err != nil {
		return err
	}
	fmt.Printf("keys: %q\n", keys)

	// `Status` describes the bucket. `Values` counts the stored entries,
	// delete markers included, and `History` is how many values each key
	// keeps (one by default; see the history example).
	status, err := kv.Status(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("status: bucket=%s values=%d history=%d\n", status.Bucket(), status.Values(), status.History())

	// Clean up: deleting the bucket deletes its stream and every key.
	if err := js.DeleteKeyValue(ctx, "settings"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
