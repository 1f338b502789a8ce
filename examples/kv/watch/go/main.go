// Watching a key-value bucket turns it from a place you poll into a feed
// of changes. In nats.go a watcher (`jetstream.KeyWatcher`) hands its
// updates over on a Go channel, read here with `select` and a deadline.
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
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// A bucket holding the state of a smart home, with some values
	// already in it before anybody watches. (Start clean: delete the bucket
	// first if an interrupted run left it.)
	if err := js.DeleteKeyValue(ctx, "home"); err != nil && !errors.Is(err, jetstream.ErrBucketNotFound) {
		return err
	}
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "home"})
	if err != nil {
		return err
	}
	for _, p := range []struct{ key, value string }{
		{"lights.kitchen", "off"}, {"lights.hall", "on"}, {"thermostat", "20"},
	} {
		if _, err := kv.Put(ctx, p.key, []byte(p.value)); err != nil {
			return err
		}
	}

	// Two watchers: one on every key, one on the pattern `lights.*`. Key
	// patterns use subject wildcards, since every key is a subject in the
	// bucket's stream. The context passed here bounds only the setup;
	// `Stop` ends a watcher, and `defer` makes sure it happens.
	watchAll, err := kv.WatchAll(ctx)
	if err != nil {
		return err
	}
	defer watchAll.Stop()
	watchLights, err := kv.Watch(ctx, "lights.*")
	if err != nil {
		return err
	}
	defer watchLights.Stop()

	// Each update is a `jetstream.KeyValueEntry` with the key, value and
	// revision. A delete arrives as an entry whose `Operation` is
	// `jetstream.KeyValueDelete`, with no value. A watcher also sends `nil`
	// once, to say it has delivered everything that was in the bucket when
	// it started. `show` waits for the next update at most two seconds.
	show := func(name string, watcher jetstream.KeyWatcher) error {
		select {
		case entry := <-watcher.Updates():
			switch {
			case entry == nil:
				fmt.Printf("  [%s] caught up, now live\n", name)
			case entry.Operation() == jetstream.KeyValueDelete:
				fmt.Printf("  [%s] %s deleted (rev %d)\n", name, entry.Key(), entry.Revision())
			default:
				fmt.Printf("  [%s] %s = %q (rev %d)\n", name, entry.Key(), entry.Value(), entry.Revision())
			}
			return nil
		case <-time.After(2 * time.Second):
			return fmt.Errorf("[%s] no update within 2 s", name)
		}
	}
	showN := func(name string, watcher jetstream.KeyWatcher, n int) error {
		for range n {
			if err := show(name, watcher); err != nil {
				return err
			}
		}
		return nil
	}

	// A new watcher starts with the current value of every matching key,
	// then the `nil` marker. The lights watcher never hears about the
	// thermostat.
	fmt.Println("initial values:")
	if err := showN("all", watchAll, 4); err != nil {
		return err
	}
	if err := showN("lights", watchLights, 3); err != nil {
		return err
	}

	// From now on, every change is pushed to the watchers whose pattern
	// matches it, as soon as it is stored.
	fmt.Println("put lights.kitchen = \"on\"")
	if _, err := kv.Put(ctx, "lights.kitchen", []byte("on")); err != nil {
		return err
	}
	if err := show("all", watchAll); err != nil {
		return err
	}
	if err := show("lights", watchLights); err != nil {
		return err
	}

	fmt.Println("put thermostat = \"21\"")
	if _, err := kv.Put(ctx, "thermostat", []byte("21")); err != nil {
		return err
	}
	if err := show("all", watchAll); err != nil {
		return err
	}

	fmt.Println("delete lights.hall")
	if err := kv.Delete(ctx, "lights.hall"); err != nil {
		return err
	}
	if err := show("all", watchAll); err != nil {
		return err
	}
	if err := show("lights", watchLights); err != nil {
		return err
	}

	// The thermostat change never reached the lights watcher: after the
	// delete it has nothing left to report, and the wait times out.
	select {
	case entry := <-watchLights.Updates():
		return fmt.Errorf("[lights] unexpected update %v", entry)
	case <-time.After(500 * time.Millisecond):
		fmt.Println("  [lights] no further updates")
	}

	// Stop the watchers to remove their consumers (the deferred calls then
	// do nothing). Then clean up: deleting the bucket deletes every key.
	if err := errors.Join(watchAll.Stop(), watchLights.Stop()); err != nil {
		return err
	}
	if err := js.DeleteKeyValue(ctx, "home"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
