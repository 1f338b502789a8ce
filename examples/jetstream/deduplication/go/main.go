// JetStream can drop a message it has already stored, as long as the
// publisher gives each message a unique ID. In nats.go's `jetstream`
// package the ID is a publish option, `jetstream.WithMsgID`, which sets
// the `Nats-Msg-Id` header for us.
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

	// Start clean: delete the stream (and the IDs it remembers) if an
	// interrupted run left it.
	if err := js.DeleteStream(ctx, "ORDERS"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}

	// The stream remembers message IDs for its *duplicate window*, two
	// minutes by default. We shorten it to one second so the example can
	// show what happens when the window has passed.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:       "ORDERS",
		Subjects:   []string{"orders.>"},
		Duplicates: time.Second,
	})
	if err != nil {
		return err
	}

	// The ID should come from the data itself (an order number, an event
	// ID), so that a retry of the same message carries the same ID.
	// Publish options are variadic, so a publish without an ID simply
	// passes none. The `*jetstream.PubAck` says whether the message was a
	// duplicate.
	publish := func(orderID int, msgID string) error {
		var opts []jetstream.PublishOpt
		label := "no id"
		if msgID != "" {
			opts = append(opts, jetstream.WithMsgID(msgID))
			label = "id " + msgID
		}
		ack, err := js.Publish(ctx, "orders.new", fmt.Appendf(nil, "order %d", orderID), opts...)
		if err != nil {
			return err
		}
		fmt.Printf("publish order %d (%s) -> seq %d, duplicate=%t\n", orderID, label, ack.Sequence, ack.Duplicate)
		return nil
	}
	count := func() error {
		info, err := stream.Info(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("stream holds %d message(s)\n", info.State.Msgs)
		return nil
	}

	// Two orders, two IDs, two stored messages. Then the publisher retries
	// order 1001, as it would if the first publish had timed out waiting
	// for its ack. The server recognises the ID, stores nothing, and
	// answers with the sequence of the original message and
	// `Duplicate` set. The retry is safe.
	for _, p := range []struct {
		order int
		id    string
	}{{1001, "order-1001"}, {1002, "order-1002"}, {1001, "order-1001"}} {
		if err := publish(p.order, p.id); err != nil {
			return err
		}
	}
	if err := count(); err != nil {
		return err
	}

	// Deduplication looks only at the ID, not at the content. Publishing
	// the same payload without an ID stores it each time.
	for range 2 {
		if err := publish(1003, ""); err != nil {
			return err
		}
	}
	if err := count(); err != nil {
		return err
	}

	// The server forgets an ID once the duplicate window has passed. After
	// that, the same ID is accepted as a new message, so pick a window
	// longer than your publishers may keep retrying. (The sleep is the
	// point here: it lets the window pass.)
	time.Sleep(1500 * time.Millisecond)
	fmt.Println("duplicate window passed")
	if err := publish(1001, "order-1001"); err != nil {
		return err
	}
	if err := count(); err != nil {
		return err
	}

	// Clean up: deleting the stream deletes its messages too.
	if err := js.DeleteStream(ctx, "ORDERS"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
