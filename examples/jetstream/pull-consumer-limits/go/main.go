// A pull consumer can be given limits that protect the server and share
// the work fairly between clients. This program hits each limit and shows
// what the client gets back. nats.go's `jetstream` package covers all of
// it: every limit is a field of `jetstream.ConsumerConfig`, and `Fetch`
// reports a refused pull request as the error of its batch.
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

// `collect` reads a batch to its end, acknowledging each message, and
// describes the outcome: the messages it got and, if the server refused
// or cut short the request, the error that ended it. An expired request
// is not an error: the batch just ends with what it has.
func collect(batch jetstream.MessageBatch) (string, []string) {
	var subjects []string
	for msg := range batch.Messages() {
		subjects = append(subjects, msg.Subject())
		if err := msg.Ack(); err != nil {
			return fmt.Sprintf("got %d, then ack failed: %v", len(subjects), err), subjects
		}
	}
	if err := batch.Error(); err != nil {
		return fmt.Sprintf("got %d, then error: %v", len(subjects), err), subjects
	}
	return fmt.Sprintf("got %d", len(subjects)), subjects
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

	// The JetStream handle and one context bounding the example (the
	// JetStream introduction explains both). Start clean: delete the
	// stream if an interrupted run left it, then store ten orders.
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := js.DeleteStream(ctx, "ORDERS"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "ORDERS", Subjects: []string{"orders.>"}})
	if err != nil {
		return err
	}
	for i := 1; i <= 10; i++ {
		if _, err := js.Publish(ctx, fmt.Sprintf("orders.%d", i), fmt.Appendf(nil, "order %d", i)); err != nil {
			return err
		}
	}

	// `MaxAckPending: 3`: at most 3 messages delivered and not yet acked.
	// We ask for 5 and get 3 when the half-second wait ends; the next
	// fetch gets nothing. Once the three are acked, the next fetch gets 3
	// more. `DoubleAck` waits for the server to record each ack.
	fmt.Println("-- max_ack_pending=3")
	worker, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       "worker",
		MaxAckPending: 3,
	})
	if err != nil {
		return err
	}
	fetch := func() ([]jetstream.Msg, error) {
		batch, err := worker.Fetch(5, jetstream.FetchMaxWait(500*time.Millisecond))
		if err != nil {
			return nil, err
		}
		var msgs []jetstream.Msg
		for msg := range batch.Messages() {
			msgs = append(msgs, msg)
		}
		return msgs, batch.Error()
	}
	subjects := func(msgs []jetstream.Msg) string {
		var names []string
		for _, msg := range msgs {
			names = append(names, msg.Subject())
		}
		return strings.Join(names, ", ")
	}
	msgs, err := fetch()
	if err != nil {
		return err
	}
	fmt.Printf("fetch(5): got %d: %s\n", len(msgs), subjects(msgs))
	more, err := fetch()
	if err != nil {
		return err
	}
	fmt.Printf("fetch(5): timed out with %d, 3 messages are waiting for an ack\n", len(more))
	for _, msg := range msgs {
		if err := msg.DoubleAck(ctx); err != nil {
			return err
		}
	}
	if msgs, err = fetch(); err != nil {
		return err
	}
	fmt.Printf("acked them, fetch(5): got %d: %s\n", len(msgs), subjects(msgs))

	// The other limits are about *pull requests*: what `Fetch` sends the
	// server (a batch size, an expiry, a byte budget). A refused request
	// is answered with a status message (409 and a reason); `Fetch` turns
	// it into the batch's error.
	//
	// `MaxWaiting: 1`: one pull request may wait at the consumer. `Fetch`
	// sends its request and returns at once, so two fetches in a row put
	// two requests on the connection, in that order: the first waits for
	// new messages and takes the only slot, the second is refused. The
	// first ends when its wait runs out, with no messages and no error.
	fmt.Println("-- max_waiting=1")
	idle, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       "idle",
		DeliverPolicy: jetstream.DeliverNewPolicy,
		MaxWaiting:    1,
	})
	if err != nil {
		return err
	}
	first, err := idle.Fetch(1, jetstream.FetchMaxWait(500*time.Millisecond))
	if err != nil {
		return err
	}
	second, err := idle.Fetch(1, jetstream.FetchMaxWait(500*time.Millisecond))
	if err != nil {
		return err
	}
	outcome, _ := collect(second)
	fmt.Println("second request:", outcome)
	outcome, _ = collect(first)
	fmt.Println("first request: ", outcome, "(expired)")

	// A consumer can also bound each request: how many messages
	// (`MaxRequestBatch`), how many bytes (`MaxRequestMaxBytes`) and how
	// long it may wait (`MaxRequestExpires`). Every `Fetch` carries an
	// expiry (30 s unless `FetchMaxWait` says otherwise), so each request
	// below sets one.
	fmt.Println("-- max_batch=4, max_bytes=1000, max_expires=1s")
	batcher, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:            "batcher",
		MaxRequestBatch:    4,
		MaxRequestMaxBytes: 1000,
		MaxRequestExpires:  time.Second,
	})
	if err != nil {
		return err
	}

	// Requests over a limit are refused outright, and the error carries
	// the server's description. A request within the byte limit but too
	// small for the next message gets what fits (each message counts its
	// subject, reply subject, headers and payload); the server then ends
	// the request with a 409 "Message Size Exceeds MaxBytes", which
	// nats.go takes as the normal end of a byte-limited batch, not as an
	// error. `FetchMaxBytes` is the way to read "as much as fits".
	wait := jetstream.FetchMaxWait(500 * time.Millisecond)
	for _, r := range []struct {
		label string
		batch int
		opts  []jetstream.FetchOpt
	}{
		{"batch=10", 10, []jetstream.FetchOpt{wait}},
		{"batch=4 max_bytes=5000", 4, []jetstream.FetchOpt{wait, jetstream.FetchMaxBytes(5000)}},
		{"batch=1 expires=5s", 1, []jetstream.FetchOpt{jetstream.FetchMaxWait(5 * time.Second)}},
		{"batch=4 max_bytes=200", 4, []jetstream.FetchOpt{wait, jetstream.FetchMaxBytes(200)}},
		{"batch=4", 4, []jetstream.FetchOpt{wait}},
	} {
		batch, err := batcher.Fetch(r.batch, r.opts...)
		if err != nil {
			return err
		}
		outcome, _ := collect(batch)
		fmt.Printf("%-23s %s\n", r.label+":", outcome)
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
