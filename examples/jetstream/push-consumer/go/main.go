// A push consumer has the server send messages to a subject the client
// subscribes to, as soon as they are available, with no requests in
// between. Push consumers are the older design, and most existing Go code
// creates them with the legacy API of the `nats` package
// (`nc.JetStream()`, then `js.Subscribe`, which makes the consumer and the
// subscription in one call). nats.go v1.55's `jetstream` package supports
// them too, and this program uses it: the consumer is created like any
// other, with a `DeliverSubject`, and read with a callback through
// `Consume`. For new designs prefer pull consumers, which the `jetstream`
// package is built around.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"sync"
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

	// The JetStream handle and one context bounding the example (the
	// JetStream introduction explains both). Start clean: delete the
	// stream if an interrupted run left it. Then store five events.
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := js.DeleteStream(ctx, "EVENTS"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "EVENTS", Subjects: []string{"events.>"}})
	if err != nil {
		return err
	}
	publish := func(from, to int) error {
		for i := from; i <= to; i++ {
			if _, err := js.Publish(ctx, fmt.Sprintf("events.%d", i), fmt.Appendf(nil, "event %d", i)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := publish(1, 5); err != nil {
		return err
	}

	// `receive` reads a push consumer until it has caught up, and returns
	// the subjects it got. `Consume` subscribes to the consumer's deliver
	// subject and calls the handler for each message, on the
	// subscription's goroutine. Messages are not acknowledged for us: the
	// handler calls `DoubleAck`, which waits for the server to confirm.
	// Every JetStream message says in its metadata how many more messages
	// the consumer has waiting after it (`NumPending`); at 0 the handler
	// closes `caughtUp` (once: `sync.OnceFunc` guards it). The main
	// goroutine waits for that, with a deadline, then `Stop`s consuming
	// and waits on `Closed()` until the subscription is gone.
	receive := func(consumer jetstream.PushConsumer) ([]string, error) {
		var mu sync.Mutex
		var subjects []string
		caughtUp := make(chan struct{})
		done := sync.OnceFunc(func() { close(caughtUp) })
		cc, err := consumer.Consume(func(msg jetstream.Msg) {
			if err := msg.DoubleAck(ctx); err != nil {
				log.Printf("ack %s: %v", msg.Subject(), err)
				return
			}
			mu.Lock()
			subjects = append(subjects, msg.Subject())
			mu.Unlock()
			if meta, err := msg.Metadata(); err == nil && meta.NumPending == 0 {
				done()
			}
		})
		if err != nil {
			return nil, err
		}
		select {
		case <-caughtUp:
		case <-time.After(5 * time.Second):
			err = errors.New("the consumer did not catch up in time")
		}
		cc.Stop()
		<-cc.Closed()
		mu.Lock()
		defer mu.Unlock()
		return subjects, err
	}

	// `ephemeral` creates a consumer without a name: an *ephemeral* one,
	// which the server removes once nobody has been subscribed to it for
	// a while (`InactiveThreshold`, 5 s by default). Its deliver subject
	// is a fresh inbox, so no other client receives its messages.
	ephemeral := func(label string, cfg jetstream.ConsumerConfig) error {
		cfg.DeliverSubject = nc.NewInbox()
		consumer, err := stream.CreateOrUpdatePushConsumer(ctx, cfg)
		if err != nil {
			return err
		}
		subjects, err := receive(consumer)
		if err != nil {
			return err
		}
		fmt.Printf("%-20s %s\n", label, strings.Join(subjects, " "))
		return nil
	}

	// The deliver policy picks where a new consumer starts.
	// `DeliverAllPolicy`, the default, starts at the beginning of the
	// stream.
	if err := ephemeral("deliver all:", jetstream.ConsumerConfig{}); err != nil {
		return err
	}

	// `DeliverLastPolicy` starts with the last message in the stream.
	if err := ephemeral("deliver last:", jetstream.ConsumerConfig{
		DeliverPolicy: jetstream.DeliverLastPolicy,
	}); err != nil {
		return err
	}

	// `DeliverNewPolicy` skips everything already stored and waits for
	// messages published after the consumer was created. Here the consumer
	// is created, then `events.6` is published, then consuming starts: a
	// push consumer delivers only while someone is subscribed to its
	// deliver subject, and the message waits for us.
	newCfg := jetstream.ConsumerConfig{DeliverPolicy: jetstream.DeliverNewPolicy, DeliverSubject: nc.NewInbox()}
	newConsumer, err := stream.CreateOrUpdatePushConsumer(ctx, newCfg)
	if err != nil {
		return err
	}
	if err := publish(6, 6); err != nil {
		return err
	}
	subjects, err := receive(newConsumer)
	if err != nil {
		return err
	}
	fmt.Printf("%-20s %s\n", "deliver new:", strings.Join(subjects, " "))

	// `DeliverByStartSequencePolicy` starts at a stream sequence of our
	// choice, given in `OptStartSeq`.
	if err := ephemeral("start at seq 3:", jetstream.ConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:   3,
	}); err != nil {
		return err
	}

	// A *durable* push consumer has a name and remembers its position on
	// the server. Acknowledging only after the work is done (here, after
	// recording the subject) means a crash before the ack gets the
	// message redelivered. Its deliver subject is a fixed name, so that
	// every later subscriber to the consumer knows where to listen.
	audit, err := stream.CreateOrUpdatePushConsumer(ctx, jetstream.ConsumerConfig{
		Durable:        "audit",
		DeliverSubject: "audit.deliver",
	})
	if err != nil {
		return err
	}
	if subjects, err = receive(audit); err != nil {
		return err
	}
	fmt.Printf("%-20s %s\n", "durable audit:", strings.Join(subjects, " "))

	// While no one is subscribed, the server holds delivery back. Two more
	// events are published; a new handle on the same durable consumer
	// (`stream.PushConsumer` looks it up by name, as a restarted process
	// would) resumes after the last message it delivered and gets only
	// the new ones.
	if err := publish(7, 8); err != nil {
		return err
	}
	if audit, err = stream.PushConsumer(ctx, "audit"); err != nil {
		return err
	}
	if subjects, err = receive(audit); err != nil {
		return err
	}
	fmt.Printf("%-20s %s\n", "audit, resubscribed:", strings.Join(subjects, " "))

	info, err := audit.Info(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("%-20s delivered=%d ack_floor=%d num_pending=%d\n", "audit consumer info:",
		info.Delivered.Stream, info.AckFloor.Stream, info.NumPending)

	// Clean up: deleting the stream deletes the consumers too.
	if err := js.DeleteStream(ctx, "EVENTS"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
