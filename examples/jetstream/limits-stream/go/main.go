// A stream with the default *limits* retention keeps messages until one of
// its limits says otherwise. nats.go's JetStream API lives in its own
// package, `jetstream`; `context` bounds each call to it with a deadline.
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

	// `jetstream.New` wraps the connection in a `jetstream.JetStream`, the
	// handle for streams, consumers and publishing (the JetStream
	// introduction explains it; creating it sends nothing). Every call
	// that talks to the server takes a `context.Context`: here one context
	// with a 10-second deadline bounds the whole example, and `cancel`
	// releases its timer when `run` returns.
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// Start clean: delete the streams if an interrupted run left them.
	// Deleting a stream that does not exist fails with an error that
	// `errors.Is` matches against `jetstream.ErrStreamNotFound`; that one
	// is expected, any other is not.
	streams := []string{"EVENTS", "ORDERS"}
	for _, name := range streams {
		if err := js.DeleteStream(ctx, name); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			return err
		}
	}

	// Print the part of the stream state that tells the story: how many
	// messages and bytes are stored, and the sequence numbers of the oldest
	// and the newest one still kept. `stream.Info` asks the server each
	// time; the `jetstream.Stream` value itself holds no live state.
	show := func(label string, stream jetstream.Stream) error {
		info, err := stream.Info(ctx)
		if err != nil {
			return err
		}
		s := info.State
		fmt.Printf("%-22s messages=%-2d bytes=%-4d first_seq=%-2d last_seq=%d\n",
			label, s.Msgs, s.Bytes, s.FirstSeq, s.LastSeq)
		return nil
	}

	// Create a stream capturing `events.>` with three limits at once: at
	// most 10 messages, at most 1000 bytes, and nothing older than one
	// second. Limits retention is the default (`jetstream.LimitsPolicy`),
	// so it is not named here. The discard policy is also the default,
	// `jetstream.DiscardOld`: when a new message would break a limit, the
	// oldest messages are removed to make room.
	events, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:     "EVENTS",
		Subjects: []string{"events.>"},
		MaxMsgs:  10,
		MaxBytes: 1000,
		MaxAge:   time.Second,
	})
	if err != nil {
		return err
	}

	// Publish 15 small messages. `js.Publish` waits for the stream's
	// acknowledgement, so each one is stored when it returns. Every one is
	// accepted, but only the last 10 are kept: in the output, `first_seq`
	// has moved on to 6 while `last_seq` is 15. Sequence numbers are never
	// reused.
	for i := 1; i <= 15; i++ {
		if _, err := js.Publish(ctx, fmt.Sprintf("events.click.%d", i), fmt.Appendf(nil, "click %d", i)); err != nil {
			return err
		}
	}
	if err := show("after 15 small msgs:", events); err != nil {
		return err
	}

	// Now two larger messages of 400 bytes each. Stored size counts the
	// subject, headers and payload plus some overhead, so the byte limit
	// bites first: the stream drops old messages until the total fits under
	// 1000 bytes, leaving far fewer than 10 messages.
	for i := 1; i <= 2; i++ {
		if _, err := js.Publish(ctx, fmt.Sprintf("events.upload.%d", i), []byte(strings.Repeat("x", 400))); err != nil {
			return err
		}
	}
	if err := show("after 2 large msgs:", events); err != nil {
		return err
	}

	// Finally the age limit. Wait a little longer than one second and every
	// message has expired. The stream is empty, and `first_seq` points one
	// past `last_seq`: the next message published will get sequence 18.
	// (Waiting is the point here: the sleep lets the clock pass the limit.)
	time.Sleep(1500 * time.Millisecond)
	if err := show("after 1.5 s:", events); err != nil {
		return err
	}

	// The other discard policy, `jetstream.DiscardNew`, turns a limit into
	// back-pressure: a full stream keeps what it has and rejects the new
	// message instead, so the publisher gets an error in place of an
	// acknowledgement. The error wraps the server's answer, a
	// `*jetstream.APIError`; `errors.As` finds it and gives access to its
	// fields, such as the readable `Description` and the numeric
	// `ErrorCode` to test in code.
	orders, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:     "ORDERS",
		Subjects: []string{"orders.>"},
		MaxMsgs:  3,
		Discard:  jetstream.DiscardNew,
	})
	if err != nil {
		return err
	}
	for i := 1; i <= 4; i++ {
		ack, err := js.Publish(ctx, fmt.Sprintf("orders.%d", i), []byte("order"))
		var apiErr *jetstream.APIError
		switch {
		case errors.As(err, &apiErr):
			fmt.Printf("orders.%d rejected: %s (error code %d)\n", i, apiErr.Description, apiErr.ErrorCode)
		case err != nil:
			return err
		default:
			fmt.Printf("orders.%d stored as seq %d\n", i, ack.Sequence)
		}
	}
	if err := show("ORDERS:", orders); err != nil {
		return err
	}

	// Clean up: deleting a stream deletes its messages too.
	for _, name := range streams {
		if err := js.DeleteStream(ctx, name); err != nil {
			return err
		}
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
