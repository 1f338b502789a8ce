// A key-value bucket can keep several revisions of each key, and every
// write can be made conditional on the revision the writer last saw. In
// nats.go's `jetstream` package a failed condition is an error that
// `errors.Is` matches against `jetstream.ErrKeyRevisionMismatch` (for
// `Update`) or `jetstream.ErrKeyExists` (for `Create`).
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
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
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()

	// Start clean: delete the bucket if an interrupted run left it.
	if err := js.DeleteKeyValue(ctx, "inventory"); err != nil && !errors.Is(err, jetstream.ErrBucketNotFound) {
		return err
	}

	// `History: 5` keeps the last five values of every key instead of just
	// the latest one (the maximum is 64). `LimitMarkerTTL` allows a TTL
	// per key, used for the lock at the end (nats-server 2.11 or later):
	// when a key expires the server leaves a marker, kept this long, so
	// that watchers hear about it.
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:         "inventory",
		History:        5,
		LimitMarkerTTL: time.Second,
	})
	if err != nil {
		return err
	}

	// Record the stock of widgets as it changes: seven writes to one key.
	for _, stock := range []int{10, 9, 8, 12, 11, 10, 9} {
		if _, err := kv.Put(ctx, "widgets", []byte(strconv.Itoa(stock))); err != nil {
			return err
		}
	}

	// `History` returns the revisions the bucket still holds, oldest
	// first. Only the last five of the seven writes remain; older ones
	// were dropped as new ones came in.
	entries, err := kv.History(ctx, "widgets")
	if err != nil {
		return err
	}
	var revisions []string
	for _, e := range entries {
		revisions = append(revisions, fmt.Sprintf("rev %d=%s", e.Revision(), e.Value()))
	}
	fmt.Printf("history of widgets: %s\n", strings.Join(revisions, ", "))

	// Any revision still held can be read directly with `GetRevision`.
	old, err := kv.GetRevision(ctx, "widgets", 4)
	if err != nil {
		return err
	}
	fmt.Printf("widgets at revision 4: %s\n", old.Value())

	// Now two clerks sell widgets at the same time. Both read the current
	// entry, and both see revision 7 with a stock of 9.
	clerkA, err := kv.Get(ctx, "widgets")
	if err != nil {
		return err
	}
	clerkB, err := kv.Get(ctx, "widgets")
	if err != nil {
		return err
	}
	fmt.Printf("clerk A and clerk B both read stock %s at rev %d\n", clerkA.Value(), clerkA.Revision())

	// `Update` writes only if the key's latest revision is still the one
	// given as its last argument. Clerk A is first: the condition holds
	// and the new value gets revision 8.
	rev, err := kv.Update(ctx, "widgets", []byte("8"), clerkA.Revision())
	if err != nil {
		return err
	}
	fmt.Printf("clerk A sells 1: update(last=%d) -> rev %d\n", clerkA.Revision(), rev)

	// Clerk B's write is based on a value that no longer exists. A plain
	// `Put` would silently overwrite A's sale; `Update` is rejected, so no
	// sale is lost. The error wraps the server's answer, a
	// `*jetstream.APIError`, whose description says what the latest
	// revision is now.
	_, err = kv.Update(ctx, "widgets", []byte("8"), clerkB.Revision())
	var apiErr *jetstream.APIError
	switch {
	case errors.Is(err, jetstream.ErrKeyRevisionMismatch) && errors.As(err, &apiErr):
		fmt.Printf("clerk B sells 1: update(last=%d) -> rejected: %s\n", clerkB.Revision(), apiErr.Description)
	case err != nil:
		return err
	default:
		return errors.New("a stale update was accepted")
	}

	// The fix is the usual optimistic-concurrency loop: read again, redo
	// the change on the fresh value, and try again.
	fresh, err := kv.Get(ctx, "widgets")
	if err != nil {
		return err
	}
	stock, err := strconv.Atoi(string(fresh.Value()))
	if err != nil {
		return err
	}
	stock--
	if rev, err = kv.Update(ctx, "widgets", []byte(strconv.Itoa(stock)), fresh.Revision()); err != nil {
		return err
	}
	fmt.Printf("clerk B retries on rev %d: stock %d -> rev %d\n", fresh.Revision(), stock, rev)

	// `Create` is the same check against "no value yet": it writes only
	// if the key does not exist, which makes it a simple way to claim a
	// name or take a lock. The second attempt fails.
	if rev, err = kv.Create(ctx, "gadgets", []byte("100")); err != nil {
		return err
	}
	fmt.Printf("create gadgets -> rev %d\n", rev)
	_, err = kv.Create(ctx, "gadgets", []byte("50"))
	switch {
	case errors.Is(err, jetstream.ErrKeyExists):
		fmt.Println("create gadgets again -> rejected: key already exists")
	case err != nil:
		return err
	default:
		return errors.New("create overwrote an existing key")
	}

	// A lock taken with a plain `Create` never expires: if its holder
	// crashes, the key stays and nobody can take the lock again. Give it a
	// TTL instead: the `jetstream.KeyTTL` option (at least one second)
	// makes the server remove the key by itself once the time is up,
	// unless the holder releases it first with `Delete`. `Update` takes no
	// TTL, so a holder cannot extend its lock that way; choose a TTL
	// longer than the work it protects.
	if _, err := kv.Create(ctx, "lock.report", []byte("worker-1"), jetstream.KeyTTL(time.Second)); err != nil {
		return err
	}
	fmt.Println("worker-1 takes lock.report with create and a 1 s TTL")
	_, err = kv.Create(ctx, "lock.report", []byte("worker-2"))
	switch {
	case errors.Is(err, jetstream.ErrKeyExists):
		fmt.Println("worker-2 create lock.report -> rejected while worker-1 holds it")
	case err != nil:
		return err
	default:
		return errors.New("worker-2 took a held lock")
	}

	// worker-1 then "crashes" and never releases the lock. worker-2 keeps
	// trying every 100 ms, until a deadline, and gets the lock once the
	// TTL has expired.
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	deadline := time.After(5 * time.Second)
	for {
		_, err := kv.Create(ctx, "lock.report", []byte("worker-2"))
		if err == nil {
			break
		}
		if !errors.Is(err, jetstream.ErrKeyExists) {
			return err
		}
		select {
		case <-ticker.C:
		case <-deadline:
			return errors.New("the lock did not expire in time")
		}
	}
	holder, err := kv.Get(ctx, "lock.report")
	if err != nil {
		return err
	}
	fmt.Printf("after the TTL: lock.report held by %s\n", holder.Value())

	// Clean up: deleting the bucket deletes every key and revision.
	if err := js.DeleteKeyValue(ctx, "inventory"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
