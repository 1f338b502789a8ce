// Core NATS does not wait for slow subscribers. When messages arrive faster
// than a handler takes them, the client buffers them up to a limit, and
// past that limit it drops them and reports a *slow consumer*. In nats.go
// the report is `nats.ErrSlowConsumer`, passed to the connection's error
// handler, and each subscription counts what it dropped.
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// A slow consumer report: the error and the subject of the subscription.
type report struct {
	err     error
	subject string
}

func run() error {
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}

	// Dropped messages are not an error of any call: nats.go reports them
	// to the connection's `ErrorHandler`, with the subscription they were
	// meant for. It reports once per episode, when the dropping starts,
	// not once per message; the next message that fits ends the episode.
	// The handler runs on a goroutine of its own, so it hands each report
	// to the main goroutine on a channel.
	reports := make(chan report, 16)
	closed := make(chan struct{})
	nc, err := nats.Connect(url,
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subject := ""
			if sub != nil {
				subject = sub.Subject
			}
			reports <- report{err, subject}
		}),
		nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	if err != nil {
		return err
	}
	defer nc.Close()
	pubClosed := make(chan struct{})
	publisher, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) { close(pubClosed) }))
	if err != nil {
		return err
	}
	defer publisher.Close()

	// The handler is stuck on its first message until we let it go, like
	// a handler waiting on a slow database: it blocks on the `goOn`
	// channel, which the main goroutine closes later. nats.go calls a
	// subscription's handler for one message at a time, so while it
	// waits, new messages queue up in the subscription. Every message
	// handled goes into the `handled` channel.
	handled := make(chan string, 200)
	goOn := make(chan struct{})
	sub, err := nc.Subscribe("sensor.readings", func(msg *nats.Msg) {
		handled <- string(msg.Data)
		<-goOn
	})
	if err != nil {
		return err
	}

	// `SetPendingLimits` caps that queue: a number of messages (500,000
	// by default) and a number of bytes (64 MiB by default). A tiny limit
	// of 10 messages makes the effect easy to see. In nats.go the message
	// the handler is working on still counts as pending until the handler
	// returns.
	if err := sub.SetPendingLimits(10, 1024*1024); err != nil {
		return err
	}
	if err := nc.Flush(); err != nil {
		return err
	}

	// `next` waits for the handler's next message, at most five seconds.
	next := func() (string, error) {
		select {
		case reading := <-handled:
			return reading, nil
		case <-time.After(5 * time.Second):
			return "", errors.New("the handler received nothing within 5 s")
		}
	}

	// Reading 1 reaches the handler, which is now busy. Then 100 more
	// readings arrive at once. `Flush` on both connections makes sure all
	// of them have reached the subscriber before we look: the publisher's
	// round trip means the server has them, the subscriber's that they
	// came in ahead of its PONG.
	if err := publisher.Publish("sensor.readings", []byte("1")); err != nil {
		return err
	}
	if _, err := next(); err != nil {
		return err
	}
	for i := 2; i <= 101; i++ {
		if err := publisher.Publish("sensor.readings", []byte(strconv.Itoa(i))); err != nil {
			return err
		}
	}
	if err := publisher.Flush(); err != nil {
		return err
	}
	if err := nc.Flush(); err != nil {
		return err
	}

	// Ten messages are pending, the limit: reading 1 in the handler and
	// nine waiting. The other ninety-one were dropped by the client as
	// they arrived; `Dropped` counts them, and the error handler got one
	// report, matched here with `errors.Is`.
	fmt.Println("handler busy with reading 1; 100 more published")
	msgs, bytes, err := sub.Pending()
	if err != nil {
		return err
	}
	fmt.Printf("pending: %d messages (%d bytes)\n", msgs, bytes)
	dropped, err := sub.Dropped()
	if err != nil {
		return err
	}
	fmt.Printf("dropped: %d\n", dropped)
	select {
	case r := <-reports:
		if !errors.Is(r.err, nats.ErrSlowConsumer) {
			return r.err
		}
		fmt.Printf("slow consumer errors: %d, subject %s\n", 1+len(reports), r.subject)
	case <-time.After(5 * time.Second):
		return errors.New("no slow consumer report")
	}

	// Once the handler is free it works through what was kept: readings 1
	// to 10. The gap after 10 is the data that was lost.
	close(goOn)
	first, last, count := "1", "", 1
	for count < 10 {
		if last, err = next(); err != nil {
			return err
		}
		count++
	}
	fmt.Printf("handled %d of 101: %s to %s\n", count, first, last)

	// A slow consumer is not an error of the subscription: it keeps
	// working, and a reading published now arrives as usual.
	if err := publisher.Publish("sensor.readings", []byte("102")); err != nil {
		return err
	}
	reading, err := next()
	if err != nil {
		return err
	}
	fmt.Printf("still subscribed: reading %s handled\n", reading)

	// The cure is a handler that keeps up on average: faster handling,
	// several members of a queue group sharing the load, or a JetStream
	// consumer, which holds messages on the server until they are asked
	// for. A larger limit only absorbs bursts, and costs memory.
	//
	// The server has a limit of its own, per connection: a client that
	// does not read its socket fast enough, so that more than
	// `max_pending` (64 MiB by default) piles up for it, is disconnected
	// as a slow consumer. nats.go reads the socket on a goroutine of its
	// own, apart from the handlers, so a slow handler alone does not cause
	// that; a starved process or a saturated network link can.
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
