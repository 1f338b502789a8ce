// A pull consumer lets the application ask for messages when it is ready
// for them, in batches of the size it chooses. Pull consumers are the
// heart of nats.go's `jetstream` package: a `jetstream.Consumer` is a
// handle on the server's consumer, and `Fetch` asks it for a batch.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
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

	// The JetStream handle, and one context whose deadline bounds every
	// call of the example (the JetStream introduction explains both).
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// Start clean: delete the stream if an interrupted run left it.
	if err := js.DeleteStream(ctx, "ORDERS"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}

	// A stream of ten orders to work through.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "ORDERS", Subjects: []string{"orders.>"}})
	if err != nil {
		return err
	}
	for i := 1; i <= 10; i++ {
		if _, err := js.Publish(ctx, fmt.Sprintf("orders.%d", i), fmt.Appendf(nil, "order %d", i)); err != nil {
			return err
		}
	}

	// Consumer info is the server's view of a consumer's progress:
	// - `Delivered`: the last stream sequence handed out;
	// - `AckFloor`: the sequence up to which *everything* is acknowledged;
	// - `NumAckPending`: delivered but not yet acknowledged;
	// - `NumPending`: still waiting in the stream, never delivered.
	// `Info` asks the server; `CachedInfo` would return the last answer.
	show := func(label string, consumer jetstream.Consumer) error {
		info, err := consumer.Info(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("  %-14s delivered=%-2d ack_floor=%d num_ack_pending=%d num_pending=%d\n",
			label, info.Delivered.Stream, info.AckFloor.Stream, info.NumAckPending, info.NumPending)
		return nil
	}

	// `CreateOrUpdateConsumer` with a `Durable` name creates the consumer
	// on the server (or updates it if it exists) and returns a handle. A
	// durable consumer outlives the handle and the connection: its
	// position is kept by the server, not by the client. Nothing is
	// delivered until we ask. Explicit acks are the default.
	consumer, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "processor"})
	if err != nil {
		return err
	}
	if err := show("new consumer:", consumer); err != nil {
		return err
	}

	// `fetch` asks for a batch of up to n messages and waits at most a
	// second for them. `Fetch` returns at once; the batch's `Messages()`
	// channel yields the messages as they arrive and is closed when the
	// batch is complete or the wait is over, and `batch.Error()` then
	// tells whether it ended with an error.
	fetch := func(consumer jetstream.Consumer, n int) ([]jetstream.Msg, error) {
		batch, err := consumer.Fetch(n, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			return nil, err
		}
		var msgs []jetstream.Msg
		for msg := range batch.Messages() {
			msgs = append(msgs, msg)
		}
		return msgs, batch.Error()
	}
	ack := func(msgs []jetstream.Msg) error {
		for _, msg := range msgs {
			if err := msg.DoubleAck(ctx); err != nil {
				return err
			}
		}
		return nil
	}
	subjects := func(msgs []jetstream.Msg) string {
		var names []string
		for _, msg := range msgs {
			names = append(names, msg.Subject())
		}
		return strings.Join(names, ", ")
	}

	// Each message carries its stream sequence in its metadata, which
	// `Metadata` parses from the reply subject (and so can fail, for a
	// message that did not come from a consumer). Acknowledging tells the
	// server the work is done; `DoubleAck` waits until the server confirms.
	msgs, err := fetch(consumer, 4)
	if err != nil {
		return err
	}
	var described []string
	for _, msg := range msgs {
		meta, err := msg.Metadata()
		if err != nil {
			return err
		}
		described = append(described, fmt.Sprintf("%s (seq %d)", msg.Subject(), meta.Sequence.Stream))
	}
	fmt.Println("batch 1:", strings.Join(described, ", "))
	if err := ack(msgs); err != nil {
		return err
	}
	if err := show("acked 4 of 4:", consumer); err != nil {
		return err
	}

	// The next batch is only half acknowledged. Notice that `delivered` has
	// moved to 8 while `ack_floor` stops at 6: two messages are out with
	// the application. If they are never acked, the server redelivers them
	// once the consumer's ack wait (30 s by default) runs out. Here they
	// are acked a moment later. A worker can also answer sooner with
	// `Nak` or `NakWithDelay` (redeliver), `InProgress` (more time) or
	// `Term` (give up); the consumer's `MaxDeliver` caps the attempts.
	if msgs, err = fetch(consumer, 4); err != nil {
		return err
	}
	fmt.Println("batch 2:", subjects(msgs))
	if err := ack(msgs[:2]); err != nil {
		return err
	}
	if err := show("acked 2 of 4:", consumer); err != nil {
		return err
	}
	if err := ack(msgs[2:]); err != nil {
		return err
	}
	if err := show("acked 4 of 4:", consumer); err != nil {
		return err
	}

	// Simulate a restart: look the durable consumer up again by name with
	// `js.Consumer`, as a new process would. It resumes where it left off.
	// We ask for 10 and only 2 are left. `Fetch` would wait out its whole
	// second for the other 8; `FetchNoWait` returns what is there now.
	consumer, err = js.Consumer(ctx, "ORDERS", "processor")
	if err != nil {
		return err
	}
	batch, err := consumer.FetchNoWait(10)
	if err != nil {
		return err
	}
	msgs = msgs[:0]
	for msg := range batch.Messages() {
		msgs = append(msgs, msg)
	}
	if err := batch.Error(); err != nil {
		return err
	}
	fmt.Println("after rebind:", subjects(msgs))
	if err := ack(msgs); err != nil {
		return err
	}
	if err := show("acked 2 of 2:", consumer); err != nil {
		return err
	}

	// Clean up: deleting the stream deletes the durable consumer too.
	if err := js.DeleteStream(ctx, "ORDERS"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
