// A stream's configuration is not fixed at creation: limits, subjects and
// policies can be changed while the stream is in use, and the server
// applies them to the messages it already holds. This program changes a
// live stream step by step with nats.go's `jetstream` package.
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

	// The JetStream handle and one context bounding the example (the
	// JetStream introduction explains both). Start clean: delete the
	// stream if an interrupted run left it.
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := js.DeleteStream(ctx, "ORDERS"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}

	// A stream with no limits, and ten orders from three regions.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "ORDERS", Subjects: []string{"orders.*"}})
	if err != nil {
		return err
	}
	regions := []string{"eu", "us", "asia"}
	for i := 1; i <= 10; i++ {
		if _, err := js.Publish(ctx, "orders."+regions[i%3], fmt.Appendf(nil, "order %d", i)); err != nil {
			return err
		}
	}

	// After each step, print what the stream holds: how many messages, and
	// the range of sequence numbers they span.
	show := func(label string) error {
		info, err := stream.Info(ctx)
		if err != nil {
			return err
		}
		s := info.State
		fmt.Printf("%-34s messages=%d first_seq=%d last_seq=%d\n", label, s.Msgs, s.FirstSeq, s.LastSeq)
		return nil
	}
	if err := show("created, 10 orders:"); err != nil {
		return err
	}

	// `UpdateStream` sends a complete configuration: a field left at its
	// zero value goes back to the server's default. A `StreamConfig` with
	// only `Name` and `MaxMsgs` would also reset the subjects to the
	// stream's name and stop it from storing `orders.*`. So every change
	// starts from the current configuration, read with `Info`. `Config`
	// is a struct value, so `cfg` is a copy that `change` can edit freely.
	update := func(change func(cfg *jetstream.StreamConfig)) error {
		info, err := stream.Info(ctx)
		if err != nil {
			return err
		}
		cfg := info.Config
		change(&cfg)
		_, err = js.UpdateStream(ctx, cfg)
		return err
	}
	// `refused` prints the server's reason when an update or a publish is
	// rejected, found inside the error with `errors.As`.
	refused := func(label string, err error) error {
		var apiErr *jetstream.APIError
		if errors.As(err, &apiErr) {
			fmt.Printf("%s%s\n", label, apiErr.Description)
			return nil
		}
		if err == nil {
			return fmt.Errorf("%s: accepted", label)
		}
		return err
	}

	// Lowering a limit applies at once to what is stored: the five oldest
	// orders are removed to get down to `MaxMsgs: 5`. The sequence numbers
	// of the rest do not change.
	if err := update(func(cfg *jetstream.StreamConfig) { cfg.MaxMsgs = 5 }); err != nil {
		return err
	}
	if err := show("max_msgs=5:"); err != nil {
		return err
	}

	// With `DiscardNew`, a full stream refuses new messages instead of
	// dropping old ones. The stream holds 5 of 5, so the next publish is
	// rejected, and the error says why.
	if err := update(func(cfg *jetstream.StreamConfig) { cfg.Discard = jetstream.DiscardNew }); err != nil {
		return err
	}
	_, err = js.Publish(ctx, "orders.eu", []byte("order 11"))
	if err := refused("discard=new, 5 of 5 stored: publish -> ", err); err != nil {
		return err
	}

	// `MaxMsgsPerSubject: 1` keeps only the newest message of each
	// subject: the latest order per region.
	if err := update(func(cfg *jetstream.StreamConfig) { cfg.MaxMsgsPerSubject = 1 }); err != nil {
		return err
	}
	if err := show("max_msgs_per_subject=1:"); err != nil {
		return err
	}

	// Subjects can change too. After adding `returns.*` the stream stores
	// returns as well; the stored orders are untouched.
	if err := update(func(cfg *jetstream.StreamConfig) {
		cfg.Subjects = append(cfg.Subjects, "returns.*")
	}); err != nil {
		return err
	}
	if _, err := js.Publish(ctx, "returns.eu", []byte("return of order 9")); err != nil {
		return err
	}
	if err := show("subjects + returns.*, 1 return:"); err != nil {
		return err
	}

	// Some settings are fixed once the stream exists: its name, its
	// storage type, and whether it is a work queue. The server refuses the
	// update and nothing changes.
	err = update(func(cfg *jetstream.StreamConfig) { cfg.Storage = jetstream.MemoryStorage })
	if err := refused("storage file -> memory: refused: ", err); err != nil {
		return err
	}

	// A change must also be consistent with the rest of the configuration.
	// The duplicate window (`Duplicates`, 2 minutes by default, see
	// [Deduplication](../deduplication/index.md)) may not be longer than
	// `MaxAge`, so a 1-second `MaxAge` alone is refused...
	err = update(func(cfg *jetstream.StreamConfig) { cfg.MaxAge = time.Second })
	if err := refused("max_age=1s: refused: ", err); err != nil {
		return err
	}

	// ...and accepted together with a 1-second duplicate window. `MaxAge`
	// counts from when each message was stored, not from the update, so
	// the stored messages expire as soon as they are a second old. We poll
	// the stream state every 100 ms until it is empty, with a deadline. An
	// empty stream reports `first_seq` one past `last_seq`: sequence
	// numbers are never reused.
	if err := update(func(cfg *jetstream.StreamConfig) {
		cfg.MaxAge = time.Second
		cfg.Duplicates = time.Second
	}); err != nil {
		return err
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		info, err := stream.Info(ctx)
		if err != nil {
			return err
		}
		if info.State.Msgs == 0 {
			break
		}
		if time.Now().After(deadline) {
			return errors.New("the messages did not expire in time")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := show("max_age=1s, a moment later:"); err != nil {
		return err
	}

	// Clean up.
	if err := js.DeleteStream(ctx, "ORDERS"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
