// Publish-subscribe needs only the core `nats` package of nats.go. The
// standard library gives us the rest: `errors` to recognise the timeout a
// subscription returns when nothing arrives, and `time` for its duration.
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

// The program's steps live in `run`, which returns its first error. `main`
// only reports that error, so every deferred cleanup in `run` still happens
// when something fails (`log.Fatal` would exit without running them).
func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	// Read the server address from `NATS_URL`; `nats.Connect` also accepts
	// a comma-separated list of servers. When it is unset, fall back to
	// `nats.DefaultURL`, a local server on the default port 4222.
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}

	// In nats.go, draining a connection happens in the background. The
	// `ClosedHandler` option runs a function once the connection is fully
	// closed; closing the `closed` channel there lets the end of `run`
	// wait for the drain to finish.
	closed := make(chan struct{})
	nc, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) {
		close(closed)
	}))
	if err != nil {
		return err
	}
	// If a step below returns early, close the connection on the way out.
	// After a successful drain it is already closed and this does nothing.
	defer nc.Close()

	// A real system would have publishers and subscribers in separate
	// programs, each with its own connection; nothing below would change.
	// Using one connection for every role makes the order exact: the
	// client sends its commands in the order we call them, and the server
	// handles one connection's commands in that order.
	//
	// First, publish while nobody is subscribed. `Publish` only appends
	// the message to the connection's outgoing buffer, so it returns at
	// once; its error covers local problems such as a closed connection.
	// The server finds no interest in `weather.oslo` and drops the
	// message, and the publisher is never told: core NATS delivers at most
	// once, to whoever is listening at that moment.
	if err := nc.Publish("weather.oslo", []byte("12°C fog")); err != nil {
		return err
	}
	fmt.Println("published weather.oslo: 12°C fog (nobody subscribed yet)")

	// Subscriber A subscribes. `SubscribeSync` creates a subscription
	// without a callback: messages queue up inside it until we ask for the
	// next one with `NextMsg`.
	subA, err := nc.SubscribeSync("weather.oslo")
	if err != nil {
		return err
	}

	// Nothing is waiting for A: the earlier message was gone before A
	// subscribed. `NextMsg` waits up to the given duration and then
	// returns `nats.ErrTimeout`. Any other error (a closed connection, for
	// instance) is a real failure. To read messages that were published
	// while you were away, keep them in a JetStream stream.
	msg, err := subA.NextMsg(500 * time.Millisecond)
	switch {
	case errors.Is(err, nats.ErrTimeout):
		fmt.Println("subscriber A: nothing received")
	case err != nil:
		return err
	default:
		fmt.Printf("subscriber A received %s: %s\n", msg.Subject, msg.Data)
	}

	// A message published now reaches A. `msg.Data` is a byte slice;
	// formatting it with `%s` prints it as text.
	if err := nc.Publish("weather.oslo", []byte("14°C rain")); err != nil {
		return err
	}
	fmt.Println("published weather.oslo: 14°C rain")
	msg, err = subA.NextMsg(time.Second)
	if err != nil {
		return err
	}
	fmt.Printf("subscriber A received %s: %s\n", msg.Subject, msg.Data)

	// Subscriber B subscribes to the same subject. One publish now reaches
	// both subscriptions, and each gets its own copy of the message. This
	// fan-out lets one event feed a dashboard, an alerting service and an
	// archive at once, while the publisher knows none of them.
	subB, err := nc.SubscribeSync("weather.oslo")
	if err != nil {
		return err
	}

	if err := nc.Publish("weather.oslo", []byte("16°C sun")); err != nil {
		return err
	}
	fmt.Println("published weather.oslo: 16°C sun")
	names := []string{"A", "B"}
	for i, sub := range []*nats.Subscription{subA, subB} {
		msg, err := sub.NextMsg(time.Second)
		if err != nil {
			return err
		}
		fmt.Printf("subscriber %s received %s: %s\n", names[i], msg.Subject, msg.Data)
	}

	// `Drain` unsubscribes both subscriptions, lets anything already on
	// its way be delivered, flushes what we published, and then closes
	// the connection. It returns before that work is done, so wait for
	// the `ClosedHandler` to report the connection closed.
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
