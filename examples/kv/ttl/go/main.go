// A bucket can forget its values after a while: a TTL for the whole
// bucket, or for one key. What a watcher hears when a value expires
// depends on one more setting, the limit markers of nats-server 2.11 and
// later. Everything here is nats.go's `jetstream` key-value API.
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
	nc, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// Start clean: delete the buckets if an interrupted run left them.
	for _, bucket := range []string{"quiet", "marked"} {
		if err := js.DeleteKeyValue(ctx, bucket); err != nil && !errors.Is(err, jetstream.ErrBucketNotFound) {
			return err
		}
	}

	// Two buckets of sessions, both with `TTL: 2s`: every value is removed
	// 2 s after it was written (the bucket's stream gets `MaxAge`). Each
	// write starts its own clock, so a key that is written again lives on.
	// Only `marked` has `LimitMarkerTTL: 1s`: when the server removes a
	// key's last value, it writes a marker in its place, kept for 1 s.
	quiet, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "quiet", TTL: 2 * time.Second})
	if err != nil {
		return err
	}
	marked, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:         "marked",
		TTL:            2 * time.Second,
		LimitMarkerTTL: time.Second,
	})
	if err != nil {
		return err
	}
	fmt.Println("buckets quiet and marked: ttl=2s; marked also has limit_marker_ttl=1s")

	// A watcher on each bucket. Both buckets are empty, so each watcher
	// first sends `nil`: caught up, nothing to report yet. `Stop` ends a
	// watcher; `defer` makes sure it happens.
	watchers := map[string]jetstream.KeyWatcher{}
	for name, kv := range map[string]jetstream.KeyValue{"quiet": quiet, "marked": marked} {
		w, err := kv.WatchAll(ctx)
		if err != nil {
			return err
		}
		defer w.Stop()
		watchers[name] = w
	}

	// `next` waits for a watcher's next update, or reports that none came
	// within the given time (a nil entry and `false`).
	next := func(name string, wait time.Duration) (jetstream.KeyValueEntry, bool) {
		select {
		case entry := <-watchers[name].Updates():
			return entry, true
		case <-time.After(wait):
			return nil, false
		}
	}
	for _, name := range []string{"quiet", "marked"} {
		if entry, ok := next(name, 2*time.Second); !ok || entry != nil {
			return fmt.Errorf("[%s] no caught-up marker", name)
		}
	}
	show := func(name string) error {
		entry, ok := next(name, 4*time.Second)
		if !ok || entry == nil {
			return fmt.Errorf("[%s] no update within 4 s", name)
		}
		if entry.Operation() == jetstream.KeyValuePurge {
			fmt.Printf("  [%s] %s expired: the server purged it (rev %d)\n", name, entry.Key(), entry.Revision())
		} else {
			fmt.Printf("  [%s] %s = '%s' (rev %d)\n", name, entry.Key(), entry.Value(), entry.Revision())
		}
		return nil
	}

	// alice's session goes into both buckets. bob's goes into `marked`
	// only, created with its own TTL of 1 s: the `jetstream.KeyTTL` option
	// of `Create` sets the key's `Nats-TTL`, shorter here than the
	// bucket's (a bucket needs `LimitMarkerTTL` for per-key TTLs).
	if _, err := quiet.Put(ctx, "session.alice", []byte("token-a")); err != nil {
		return err
	}
	if _, err := marked.Put(ctx, "session.alice", []byte("token-a")); err != nil {
		return err
	}
	if _, err := marked.Create(ctx, "session.bob", []byte("token-b"), jetstream.KeyTTL(time.Second)); err != nil {
		return err
	}
	for _, name := range []string{"quiet", "marked", "marked"} {
		if err := show(name); err != nil {
			return err
		}
	}

	// When bob's TTL and then alice's bucket TTL run out, the `marked`
	// watcher hears about each: nats.go reads the server's marker (its
	// `Nats-Marker-Reason` header) as an entry with the operation
	// `jetstream.KeyValuePurge`, like a purge by a client.
	for range 2 {
		if err := show("marked"); err != nil {
			return err
		}
	}

	// The `quiet` bucket removed alice's value just the same, and its
	// watcher heard nothing: without markers an expired value simply
	// disappears. A cache kept in sync by that watcher would keep serving
	// the stale session.
	if entry, ok := next("quiet", 500*time.Millisecond); ok {
		return fmt.Errorf("[quiet] unexpected update %v", entry)
	}
	fmt.Println("  [quiet] nothing, though session.alice is gone")

	// `Get` finds neither: nats.go treats a marker like a deleted key and
	// returns `jetstream.ErrKeyNotFound`.
	lookup := func(kv jetstream.KeyValue) (string, error) {
		entry, err := kv.Get(ctx, "session.alice")
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound):
			return "not found", nil
		case err != nil:
			return "", err
		}
		return fmt.Sprintf("'%s'", entry.Value()), nil
	}
	aliceQuiet, err := lookup(quiet)
	if err != nil {
		return err
	}
	aliceMarked, err := lookup(marked)
	if err != nil {
		return err
	}
	fmt.Printf("get session.alice: quiet -> %s, marked -> %s\n", aliceQuiet, aliceMarked)

	// The markers have a TTL of their own, so they do not pile up like
	// the tombstones of deleted keys: a second later the bucket is empty.
	// We poll its status every 100 ms, with a deadline.
	deadline := time.Now().Add(5 * time.Second)
	for {
		status, err := marked.Status(ctx)
		if err != nil {
			return err
		}
		if status.Values() == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("marked still holds %d values", status.Values())
		}
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Println("a second later the markers are gone too: marked holds 0 values")

	// Clean up: stop the watchers (the deferred calls then do nothing),
	// then delete the buckets.
	for _, w := range watchers {
		if err := w.Stop(); err != nil {
			return err
		}
	}
	for _, bucket := range []string{"quiet", "marked"} {
		if err := js.DeleteKeyValue(ctx, bucket); err != nil {
			return err
		}
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
