// nats.go can deliver the messages of a subscription into a Go channel
// (`ChanSubscribe`), and several subscriptions can share one channel. That
// is all it takes to handle several subjects in one loop; only the `nats`
// package is needed.
package main

import (
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

var steps = []string{"created", "paid", "shipped"}

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

	// The tracking service and the publisher are separate clients, each
	// with its own connection and a channel closed when it has drained.
	closed := make(chan struct{})
	nc, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) {
		close(closed)
	}))
	if err != nil {
		return err
	}
	defer nc.Close()

	// One subscription per subject, all delivering into the same channel,
	// `merged`. nats.go's reading goroutine puts each message into the
	// channel without waiting: if the channel is full, the message is
	// dropped and the connection reports a slow consumer
	// (`nats.ErrSlowConsumer`). The channel's capacity is therefore the
	// buffer of all three subscriptions; give it room for a burst. Keep
	// the channel open until the subscriptions are gone.
	//
	// (The alternative is one handler passed to three `Subscribe` calls.
	// That also handles everything in one function, but nats.go would call
	// it from three goroutines, one per subscription, and shared state
	// would need a mutex. The channel gives one loop you control, that can
	// stop when it is done.)
	subjects := []string{"orders.created", "payments.received", "shipments.sent"}
	merged := make(chan *nats.Msg, 64)
	var subs []*nats.Subscription
	for _, subject := range subjects {
		sub, err := nc.ChanSubscribe(subject, merged)
		if err != nil {
			return err
		}
		subs = append(subs, sub)
	}
	// A round trip: once `Flush` returns, the server has the three
	// subscriptions, so no event published from now on is missed.
	if err := nc.Flush(); err != nil {
		return err
	}

	// Meanwhile another service (here, one more connection) publishes the
	// events of two orders, all at once.
	//
	// What NATS guarantees: the messages of one publisher reach each
	// subscription in the order they were published. Nothing more: there
	// is no order between different publishers, and none between
	// subscriptions. Here there is one publisher, one server and one
	// subscribing connection, and nats.go hands messages to the channel in
	// the order they arrive on the socket, so the merged flow will likely
	// follow the publishing order. With several publishers, a cluster, or
	// a handler per subscription, it would not: a payment could come out
	// ahead of the creation of its order. The loop below does not rely on
	// it.
	type event struct{ subject, order string }
	events := []event{
		{"orders.created", "order-1"},
		{"orders.created", "order-2"},
		{"payments.received", "order-2"},
		{"payments.received", "order-1"},
		{"shipments.sent", "order-2"},
		{"shipments.sent", "order-1"},
	}
	pubClosed := make(chan struct{})
	publisher, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) {
		close(pubClosed)
	}))
	if err != nil {
		return err
	}
	defer publisher.Close()
	for _, e := range events {
		if err := publisher.Publish(e.subject, []byte(e.order)); err != nil {
			return err
		}
	}
	fmt.Printf("published %d events on %d subjects at once\n", len(events), len(subjects))

	// The single place where every message is handled. The state records
	// which steps each order has passed, not just the last message seen,
	// so it does not depend on the order of the merged flow; the status
	// is the furthest step. State from all three subjects lives in plain
	// maps with no locking, since only this loop touches them. The loop
	// also keeps, per subject, the orders in the sequence they came: the
	// order NATS does guarantee.
	//
	// `select` waits for the next message or for the deadline, whichever
	// comes first, so a lost message fails the program instead of hanging
	// it.
	stepOf := map[string]string{}
	for i, subject := range subjects {
		stepOf[subject] = steps[i]
	}
	passed := map[string]map[string]bool{}
	perSubject := map[string][]string{}
	deadline := time.After(5 * time.Second)
	for handled := 1; ; handled++ {
		var msg *nats.Msg
		select {
		case msg = <-merged:
		case <-deadline:
			return fmt.Errorf("only %d messages arrived before the deadline", handled-1)
		}
		order := string(msg.Data)
		if passed[order] == nil {
			passed[order] = map[string]bool{}
		}
		passed[order][stepOf[msg.Subject]] = true
		perSubject[msg.Subject] = append(perSubject[msg.Subject], order)

		// A condition that depends on several subjects at once is easy
		// here: stop once every order heard of has passed all three steps.
		allShipped := true
		for _, done := range passed {
			allShipped = allShipped && len(done) == len(steps)
		}
		if allShipped {
			fmt.Printf("every order created, paid and shipped after %d messages, stopping\n", handled)
			break
		}
	}

	for _, subject := range subjects {
		fmt.Printf("%-18s in publishing order: %s\n", subject, strings.Join(perSubject[subject], ", "))
	}
	var status []string
	for order, done := range passed {
		furthest := ""
		for _, step := range steps {
			if done[step] {
				furthest = step
			}
		}
		status = append(status, order+"="+furthest)
	}
	slices.Sort(status)
	fmt.Printf("final status: %s\n", strings.Join(status, ", "))

	// Unsubscribe from the three subjects (messages still in the channel
	// stay there, unread), then drain both connections.
	for _, sub := range subs {
		if err := sub.Unsubscribe(); err != nil {
			return err
		}
	}
	if err := publisher.Drain(); err != nil {
		return err
	}
	<-pubClosed
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
