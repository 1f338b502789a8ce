// An *interest* stream keeps a message only as long as some consumer still
// needs it. Streams and consumers come from nats.go's `jetstream` package.
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
	// call of the example (the JetStream introduction explains both).
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// Start clean: delete the stream if an interrupted run left it; a
	// `jetstream.ErrStreamNotFound` only means there was nothing to delete.
	if err := js.DeleteStream(ctx, "ORDERS"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}

	// Create the stream with interest retention. Think of it as fan-out
	// with a safety net: each service that cares about orders gets its own
	// consumer, and a message is deleted once *every* consumer has
	// acknowledged it, so nothing is stored for longer than needed.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:      "ORDERS",
		Subjects:  []string{"orders.>"},
		Retention: jetstream.InterestPolicy,
	})
	if err != nil {
		return err
	}

	// A one-line summary of the stream: how many messages it holds, the
	// range of sequence numbers they span, and how many consumers exist.
	show := func(label string) error {
		info, err := stream.Info(ctx)
		if err != nil {
			return err
		}
		s := info.State
		fmt.Printf("%-28s messages=%d first_seq=%d last_seq=%d consumers=%d\n",
			label, s.Msgs, s.FirstSeq, s.LastSeq, s.Consumers)
		return nil
	}
	publish := func(from, to int) error {
		for i := from; i <= to; i++ {
			if _, err := js.Publish(ctx, fmt.Sprintf("orders.%d", i), fmt.Appendf(nil, "order %d", i)); err != nil {
				return err
			}
		}
		return nil
	}

	// With no consumers there is no interest at all. The stream still
	// acknowledges each publish and assigns it a sequence number, but does
	// not keep the message: the state shows 0 messages and `first_seq`
	// already past them.
	if err := publish(1, 3); err != nil {
		return err
	}
	if err := show("3 published, no consumers:"); err != nil {
		return err
	}

	// Interest means consumers defined on the stream, not clients that
	// happen to be connected. Two durable pull consumers, one for billing
	// and one for shipping, now each want every order.
	// `CreateOrUpdateConsumer` creates a consumer, or updates one of the
	// same name; explicit acks (each message acknowledged on its own) are
	// the default for these pull consumers.
	billing, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "billing"})
	if err != nil {
		return err
	}
	shipping, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "shipping"})
	if err != nil {
		return err
	}
	if err := publish(4, 6); err != nil {
		return err
	}
	if err := show("3 published, 2 consumers:"); err != nil {
		return err
	}

	// `fetch` reads up to n messages from a consumer. `Fetch` returns a
	// batch at once and fills its `Messages()` channel as the messages
	// arrive; the channel is closed when n have come or the wait is over,
	// and `batch.Error()` then says whether the fetch ended with an error.
	// `DoubleAck` acknowledges a message and waits for the server to
	// confirm it (a plain `Ack` does not wait), so the state read
	// afterwards is exact.
	fetch := func(consumer jetstream.Consumer, n int) ([]jetstream.Msg, error) {
		batch, err := consumer.Fetch(n, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			return nil, err
		}
		var msgs []jetstream.Msg
		for msg := range batch.Messages() {
			msgs = append(msgs, msg)
		}
		if err := batch.Error(); err != nil {
			return nil, err
		}
		if len(msgs) != n {
			return nil, fmt.Errorf("fetched %d messages, expected %d", len(msgs), n)
		}
		return msgs, nil
	}
	ackAll := func(msgs []jetstream.Msg) error {
		for _, msg := range msgs {
			if err := msg.DoubleAck(ctx); err != nil {
				return err
			}
		}
		return nil
	}

	// Billing processes and acknowledges all three. Nothing is removed yet,
	// because shipping has not acknowledged them.
	msgs, err := fetch(billing, 3)
	if err != nil {
		return err
	}
	if err := ackAll(msgs); err != nil {
		return err
	}
	if err := show("billing acked 3:"); err != nil {
		return err
	}

	// As soon as shipping acknowledges a message, the last interest in it
	// is gone and the stream deletes it, one by one.
	if msgs, err = fetch(shipping, 3); err != nil {
		return err
	}
	if err := ackAll(msgs[:1]); err != nil {
		return err
	}
	if err := show("shipping acked 1:"); err != nil {
		return err
	}
	if err := ackAll(msgs[1:]); err != nil {
		return err
	}
	if err := show("shipping acked 3:"); err != nil {
		return err
	}

	// Removing a consumer removes its interest too. Billing acknowledges two
	// new orders that shipping never reads; deleting the shipping consumer
	// releases them, and the stream is empty again.
	if err := publish(7, 8); err != nil {
		return err
	}
	if msgs, err = fetch(billing, 2); err != nil {
		return err
	}
	if err := ackAll(msgs); err != nil {
		return err
	}
	if err := show("2 more, billing acked them:"); err != nil {
		return err
	}
	if err := stream.DeleteConsumer(ctx, "shipping"); err != nil {
		return err
	}
	if err := show("shipping consumer deleted:"); err != nil {
		return err
	}

	// Clean up: deleting the stream deletes its consumers too.
	if err := js.DeleteStream(ctx, "ORDERS"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
