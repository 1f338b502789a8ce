// A *work-queue* stream hands each message to exactly one consumer and
// deletes it once that consumer acknowledges it. Streams and consumers
// come from nats.go's `jetstream` package.
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

	// Start clean: delete the stream if an interrupted run left it.
	if err := js.DeleteStream(ctx, "JOBS"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}

	// Create the stream with work-queue retention. It behaves like a
	// durable job queue: producers publish jobs, and a job stays in the
	// stream until a worker acknowledges it, then it is gone for good.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:      "JOBS",
		Subjects:  []string{"jobs.>"},
		Retention: jetstream.WorkQueuePolicy,
	})
	if err != nil {
		return err
	}

	// After each step, print a summary of the stream: how many jobs it
	// still holds and the range of sequence numbers they span.
	show := func(label string) error {
		info, err := stream.Info(ctx)
		if err != nil {
			return err
		}
		s := info.State
		fmt.Printf("%-26s messages=%d first_seq=%d last_seq=%d\n", label, s.Msgs, s.FirstSeq, s.LastSeq)
		return nil
	}

	// Queue six jobs of two kinds. Unlike an interest stream, a work queue
	// keeps messages while no consumer exists yet: the jobs wait for a
	// worker to show up.
	for i := 1; i <= 3; i++ {
		if _, err := js.Publish(ctx, fmt.Sprintf("jobs.email.%d", i), fmt.Appendf(nil, "send email %d", i)); err != nil {
			return err
		}
		if _, err := js.Publish(ctx, fmt.Sprintf("jobs.resize.%d", i), fmt.Appendf(nil, "resize image %d", i)); err != nil {
			return err
		}
	}
	if err := show("6 jobs queued:"); err != nil {
		return err
	}

	// `fetch` pulls up to n jobs from a consumer, waiting at most a second:
	// the batch's `Messages()` channel is closed when they have all come
	// or the wait is over, and `batch.Error()` reports how it ended.
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
			return nil, fmt.Errorf("fetched %d jobs, expected %d", len(msgs), n)
		}
		return msgs, nil
	}

	// A consumer filtered on `jobs.email.>` takes the email jobs. Each
	// acknowledgement deletes the job from the stream; `DoubleAck` waits
	// for the server to confirm it, so the state printed next is exact.
	email, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       "email",
		FilterSubject: "jobs.email.>",
	})
	if err != nil {
		return err
	}
	msgs, err := fetch(email, 3)
	if err != nil {
		return err
	}
	for _, msg := range msgs {
		fmt.Printf("email worker did %s: %s\n", msg.Subject(), msg.Data())
		if err := msg.DoubleAck(ctx); err != nil {
			return err
		}
	}
	if err := show("email jobs acked:"); err != nil {
		return err
	}

	// Each message may belong to only one consumer, so the server refuses
	// a second consumer whose filter overlaps an existing one. `jobs.>`
	// would also match the email jobs, and creating it fails with an
	// `*jetstream.APIError` carrying the server's reason.
	_, err = stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       "everything",
		FilterSubject: "jobs.>",
	})
	var apiErr *jetstream.APIError
	switch {
	case errors.As(err, &apiErr):
		fmt.Printf("consumer 'everything' on jobs.> rejected: %s\n", apiErr.Description)
	case err != nil:
		return err
	default:
		return errors.New("an overlapping consumer was accepted")
	}

	// A filter that does not overlap is fine. The resize worker fetches
	// its three jobs but acknowledges only two: a message that was
	// delivered and not acknowledged stays in the stream, to be delivered
	// again once its ack wait runs out. A worker can also act sooner: ask
	// for redelivery (`msg.Nak`, or `msg.NakWithDelay`), ask for more time
	// (`msg.InProgress`) or give up on the job (`msg.Term`); the consumer's
	// `MaxDeliver` stops a job that keeps failing.
	resize, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       "resize",
		FilterSubject: "jobs.resize.>",
	})
	if err != nil {
		return err
	}
	if msgs, err = fetch(resize, 3); err != nil {
		return err
	}
	for _, msg := range msgs[:2] {
		fmt.Printf("resize worker did %s: %s\n", msg.Subject(), msg.Data())
		if err := msg.DoubleAck(ctx); err != nil {
			return err
		}
	}
	if err := show("2 of 3 resize jobs acked:"); err != nil {
		return err
	}

	// Acknowledging the last job empties the queue.
	fmt.Printf("resize worker did %s: %s\n", msgs[2].Subject(), msgs[2].Data())
	if err := msgs[2].DoubleAck(ctx); err != nil {
		return err
	}
	if err := show("all jobs acked:"); err != nil {
		return err
	}

	// Clean up: deleting the stream deletes its consumers too.
	if err := js.DeleteStream(ctx, "JOBS"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
