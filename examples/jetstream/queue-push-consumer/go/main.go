// A push consumer with a *deliver group* spreads its messages over several
// subscribers, like a core NATS queue group, but with JetStream's storage
// and acknowledgements behind it. Push consumers are the older design;
// nats.go v1.55's `jetstream` package supports them (create the consumer
// with a `DeliverGroup`, read it with `Consume`), and most existing code
// uses the legacy API of the `nats` package, `js.QueueSubscribe`. This
// program uses the `jetstream` package, and the legacy API once, at the
// end, to show a check it makes.
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

// One delivery: which worker handled which order.
type delivery struct {
	worker, subject string
}

// `collect` receives n deliveries from the workers' channel, or fails when
// the deadline passes first.
func collect(ch <-chan delivery, n int) ([]delivery, error) {
	deadline := time.After(5 * time.Second)
	var got []delivery
	for len(got) < n {
		select {
		case d := <-ch:
			got = append(got, d)
		case <-deadline:
			return got, fmt.Errorf("%d of %d orders handled before the deadline", len(got), n)
		}
	}
	return got, nil
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
	// stream if an interrupted run left it. Then create a stream for
	// orders.
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

	// The consumer: durable, with the deliver group `processors`; whoever
	// consumes it joins that group. It pushes to `processors.orders`. The
	// deliver subject must lie outside the stream's subjects: inside
	// `orders.>`, each delivery would be stored again, and the server
	// refuses such a consumer ("consumer deliver subject forms a cycle").
	if _, err := stream.CreateOrUpdatePushConsumer(ctx, jetstream.ConsumerConfig{
		Durable:        "processors",
		DeliverSubject: "processors.orders",
		DeliverGroup:   "processors",
	}); err != nil {
		return err
	}

	// Three workers. Each looks the consumer up by name and calls
	// `Consume`, which subscribes to the deliver subject as a member of
	// the consumer's deliver group (one handle consumes once, so each
	// worker has its own, as separate programs would). The server hands
	// each message to one member of the group. Each handler acknowledges
	// its order and reports it on a channel; the handlers run on three
	// goroutines, and the channel is how they talk to the main one.
	deliveries := make(chan delivery, 64)
	workers := map[string]jetstream.ConsumeContext{}
	for _, name := range []string{"worker-1", "worker-2", "worker-3"} {
		consumer, err := stream.PushConsumer(ctx, "processors")
		if err != nil {
			return err
		}
		cc, err := consumer.Consume(func(msg jetstream.Msg) {
			if err := msg.Ack(); err != nil {
				log.Printf("%s could not ack %s: %v", name, msg.Subject(), err)
			}
			deliveries <- delivery{name, msg.Subject()}
		})
		if err != nil {
			return err
		}
		defer cc.Stop()
		workers[name] = cc
	}

	// Publish 30 orders and wait for the group to handle them. Which worker
	// gets which order is up to the server and changes from run to run, so
	// we print totals: every order handled exactly once, and every worker
	// got a share.
	perWorker := map[string]int{}
	perOrder := map[string]int{}
	handle := func(from, to int) error {
		for i := from; i <= to; i++ {
			if _, err := js.Publish(ctx, fmt.Sprintf("orders.%d", i), fmt.Appendf(nil, "order %d", i)); err != nil {
				return err
			}
		}
		got, err := collect(deliveries, to-from+1)
		for _, d := range got {
			perWorker[d.worker]++
			perOrder[d.subject]++
		}
		return err
	}
	total := func() (n int) {
		for _, count := range perOrder {
			n += count
		}
		return n
	}
	if err := handle(1, 30); err != nil {
		return err
	}
	twice := 0
	for _, count := range perOrder {
		if count > 1 {
			twice++
		}
	}
	fmt.Printf("handled %d orders, %d distinct\n", total(), len(perOrder))
	fmt.Printf("orders handled more than once: %d\n", twice)
	fmt.Printf("workers that got a share: %d of 3\n", len(perWorker))

	// Scaling down is just leaving the group. `Drain` lets worker-3 finish
	// what it already has and unsubscribes; `Closed()` says when it is
	// done. Publish 20 more orders, and the two remaining workers take
	// all of them.
	workers["worker-3"].Drain()
	<-workers["worker-3"].Closed()
	worker3Before := perWorker["worker-3"]
	if err := handle(31, 50); err != nil {
		return err
	}
	fmt.Printf("after worker-3 left: handled %d orders, %d distinct\n", total(), len(perOrder))
	fmt.Printf("new orders taken by worker-3: %d\n", perWorker["worker-3"]-worker3Before)

	// The consumer itself is an ordinary durable consumer with a deliver
	// group. Every stored order has been delivered, none is pending.
	consumer, err := stream.PushConsumer(ctx, "processors")
	if err != nil {
		return err
	}
	info, err := consumer.Info(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("consumer %s: deliver_group=%s delivered=%d num_pending=%d\n",
		info.Name, info.Config.DeliverGroup, info.Delivered.Stream, info.NumPending)

	// A subscriber outside the group must not take a share: the server
	// would send it a copy of every message, beside the group member that
	// gets it. `Consume` cannot do that (it always joins the consumer's
	// group). The legacy API checks it on the client: a plain
	// `js.Subscribe` bound to this consumer is refused before anything is
	// sent.
	legacy, err := nc.JetStream()
	if err != nil {
		return err
	}
	_, err = legacy.Subscribe("orders.>", func(*nats.Msg) {}, nats.Bind("ORDERS", "processors"))
	if err == nil {
		return errors.New("a plain subscription joined the deliver group's consumer")
	}
	fmt.Printf("plain subscribe to 'processors' refused: %v\n", err)

	// Clean up: stop the remaining workers (the deferred `Stop` calls),
	// and delete the stream, which deletes the consumer too.
	if err := js.DeleteStream(ctx, "ORDERS"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
