// Request-reply is part of the core `nats` package of nats.go: there is
// nothing extra to import for it. `errors` lets us recognise
// `nats.ErrNoResponders`, the error a request returns when nobody is
// listening, and `strings` takes the name out of a subject.
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// `run` holds the example and returns its first error; `main` prints it.
// Returning instead of calling `log.Fatal` halfway lets the deferred
// cleanup run on every path.
func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	// The server address comes from `NATS_URL` (one URL, or several
	// separated by commas), so the same program can talk to the
	// recorder's server, one on your laptop or a cluster. Unset, it falls
	// back to `nats.DefaultURL`, `nats://127.0.0.1:4222`.
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}

	// `Drain`, used at the end, finishes in the background. The
	// `ClosedHandler` option tells us when the connection has really
	// closed, by closing the `closed` channel.
	closed := make(chan struct{})
	nc, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) {
		close(closed)
	}))
	if err != nil {
		return err
	}
	defer nc.Close()

	// A service is just a subscription whose handler answers. nats.go
	// calls the handler on a goroutine of the subscription, one message at
	// a time. Each request carries a reply subject (`msg.Reply`), an inbox
	// only the requester listens on, and `msg.Respond` publishes the
	// answer to it.
	//
	// The wildcard `greet.*` matches any subject of two tokens that starts
	// with `greet`, so one handler serves `greet.joe`, `greet.sue` and
	// every other name: the name is what follows `greet.`. A handler has
	// nobody to return an error to, so it logs a failed reply.
	sub, err := nc.Subscribe("greet.*", func(msg *nats.Msg) {
		name := strings.TrimPrefix(msg.Subject, "greet.")
		if err := msg.Respond([]byte("hello, " + name)); err != nil {
			log.Printf("could not reply to %s: %v", msg.Subject, err)
		}
	})
	if err != nil {
		return err
	}

	// `nc.Request` publishes the message with a fresh reply subject,
	// blocks until the first answer arrives and returns it. The timeout
	// bounds the wait if the service is slow; it then returns
	// `nats.ErrTimeout`.
	for _, name := range []string{"joe", "sue", "bob"} {
		reply, err := nc.Request("greet."+name, nil, time.Second)
		if err != nil {
			return err
		}
		fmt.Printf("request greet.%s -> reply: %s\n", name, reply.Data)
	}

	// Stop the service. `sub.Drain` removes the interest from the server
	// at once, but lets requests already handed to the handler finish.
	// Like the connection's drain it returns before that is done; the
	// channel from `StatusChanged` reports when the subscription has
	// closed. From then on nobody listens on `greet.*`.
	done := sub.StatusChanged(nats.SubscriptionClosed)
	if err := sub.Drain(); err != nil {
		return err
	}
	<-done

	// With no subscriber, the server does not leave the request to time
	// out: it answers at once with a "no responders" status, and nats.go
	// returns `nats.ErrNoResponders`. A caller can tell "nobody is there"
	// apart from "somebody is there but slow" (`nats.ErrTimeout`).
	_, err = nc.Request("greet.joe", nil, time.Second)
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		fmt.Printf("request greet.joe -> error: %v\n", err)
	case err != nil:
		return err
	default:
		return errors.New("request greet.joe: unexpected reply after the service stopped")
	}

	// Drain the connection so everything in flight is delivered, and wait
	// until it has closed before the program exits.
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
