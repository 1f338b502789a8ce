// With a pull consumer, the application asks for messages: in nats.go's
// `jetstream` package with `Fetch` (a batch), `FetchNoWait` (what is there
// now) or `Next` (one message). How long each waits depends on what the
// stream holds, so this program times every call.
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

// How long a call waited, in words: "at once", or "after the whole
// timeout". The program prints the words rather than the milliseconds, so
// its output is the same on every run; anything else shows up as a
// measured time.
func waited(start time.Time, timeout time.Duration) string {
	elapsed := time.Since(start)
	switch {
	case elapsed < 200*time.Millisecond:
		return "at once"
	case elapsed > timeout-50*time.Millisecond && elapsed < timeout+300*time.Millisecond:
		return fmt.Sprintf("after the whole %g s timeout", timeout.Seconds())
	}
	return fmt.Sprintf("after %.2f s", elapsed.Seconds())
}

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

	// The JetStream handle and one context bounding the example (the
	// JetStream introduction explains both). Start clean: delete the
	// stream if an interrupted run left it.
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := js.DeleteStream(ctx, "TASKS"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}

	// A backlog of seven messages, and a durable pull consumer to read it.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "TASKS", Subjects: []string{"tasks.>"}})
	if err != nil {
		return err
	}
	for i := 1; i <= 7; i++ {
		if _, err := js.Publish(ctx, fmt.Sprintf("tasks.%d", i), fmt.Appendf(nil, "task %d", i)); err != nil {
			return err
		}
	}
	worker, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "worker"})
	if err != nil {
		return err
	}

	// `Fetch(3, FetchMaxWait(...))` sends one pull request, for up to 3
	// messages, that waits at the server for at most half a second. The
	// batch ends when it is full or when the wait is over, whichever comes
	// first. To work through a backlog, fetch in a loop. The first two
	// batches are full and return at once. The third asks for 3 while
	// only 1 is left: it gets that one immediately, but the request keeps
	// waiting for two more until its time is up. (`FetchNoWait` would
	// return the one at once.) The fourth finds nothing and waits the
	// whole half second: an empty batch, with no error, is the signal to
	// stop.
	for n := 1; n <= 5; n++ {
		start := time.Now()
		batch, err := worker.Fetch(3, jetstream.FetchMaxWait(500*time.Millisecond))
		if err != nil {
			return err
		}
		var subjects []string
		for msg := range batch.Messages() {
			subjects = append(subjects, msg.Subject())
			if err := msg.Ack(); err != nil {
				return err
			}
		}
		if err := batch.Error(); err != nil {
			return err
		}
		if len(subjects) == 0 {
			fmt.Printf("fetch #%d: nothing, %s: backlog done\n", n, waited(start, 500*time.Millisecond))
			break
		}
		fmt.Printf("fetch #%d: %d %s: %s\n", n, len(subjects), waited(start, 500*time.Millisecond),
			strings.Join(subjects, ", "))
	}

	// An empty batch alone cannot tell "no messages" apart from "the
	// server or the connection is gone". `FetchHeartbeat` asks the server
	// to send idle heartbeats while the request waits. If they stop
	// coming, the batch ends early with `jetstream.ErrNoHeartbeat`; if the
	// batch ends empty and without that error, the consumer is alive and
	// simply has nothing for us.
	start := time.Now()
	batch, err := worker.Fetch(3, jetstream.FetchMaxWait(time.Second),
		jetstream.FetchHeartbeat(250*time.Millisecond))
	if err != nil {
		return err
	}
	for msg := range batch.Messages() {
		return fmt.Errorf("unexpected message %s", msg.Subject())
	}
	switch err := batch.Error(); {
	case errors.Is(err, jetstream.ErrNoHeartbeat):
		fmt.Println("fetch with heartbeat: the server stopped answering")
	case err != nil:
		return err
	default:
		fmt.Printf("fetch with heartbeat: %s: server alive, no messages\n", waited(start, time.Second))
	}

	// A pull request is also a long poll: it waits at the server until a
	// message comes. To show it, a second worker looks up the same durable
	// consumer (any number of clients may pull from one consumer, sharing
	// its messages) and calls `Next`, which takes a single message. It
	// starts on an empty consumer; a goroutine publishes a message 0.3 s
	// later and sends the time of the publish on a channel. `Next` returns
	// as soon as the message arrives instead of at its 2 s limit: timed
	// from the publish, it returns at once.
	second, err := js.Consumer(ctx, "TASKS", "worker")
	if err != nil {
		return err
	}
	published := make(chan time.Time, 1)
	go func() {
		time.Sleep(300 * time.Millisecond)
		if _, err := js.Publish(ctx, "tasks.8", []byte("task 8")); err != nil {
			log.Printf("publish tasks.8: %v", err)
		}
		published <- time.Now()
	}()
	msg, err := second.Next(jetstream.FetchMaxWait(2 * time.Second))
	if err != nil {
		return err
	}
	when := waited(<-published, 2*time.Second)
	fmt.Printf("second worker, Next(): %s published 0.3 s in, returned %s\n", msg.Subject(), when)
	if err := msg.Ack(); err != nil {
		return err
	}

	// Clean up: deleting the stream deletes the consumer too.
	if err := js.DeleteStream(ctx, "TASKS"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
