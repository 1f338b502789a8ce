// Draining is part of the core client. Besides the `nats` package this
// example uses `context`, so that a handler can be told to give up the job
// it is working on.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

const jobs = 6

func main() {
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}

	// Same service, same six jobs, two ways to stop. Notice that `Close`
	// leaves after two jobs and loses the other four, while `Drain` keeps
	// handling until all six are done. A single subscription can be
	// drained the same way with `sub.Drain()`, leaving the connection open.
	for _, shutdown := range []string{"close", "drain"} {
		if err := service(url, shutdown); err != nil {
			log.Fatal(err)
		}
	}
}

// `service` runs a small service and shuts it down with the given method,
// "close" or "drain", while it still has work buffered.
func service(url, shutdown string) error {
	closed := make(chan struct{})
	nc, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) {
		close(closed)
	}))
	if err != nil {
		return err
	}
	defer nc.Close()
	fmt.Printf("%s():\n", shutdown)

	// A slow handler: each job takes 0.1 s. nats.go hands a subscription's
	// messages to its handler one at a time, on the subscription's own
	// goroutine, so while one job is being handled the rest wait in the
	// client's buffer. Each finished job is reported on the `handled`
	// channel.
	//
	// Go cannot stop a goroutine from the outside, and closing the
	// connection does not interrupt a handler that is running. A handler
	// that should give up its work on shutdown watches a context: `select`
	// waits for the work (here a timer) or for `ctx.Done()`, whichever
	// comes first.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	handled := make(chan string, jobs)
	_, err = nc.Subscribe("jobs", func(msg *nats.Msg) {
		select {
		case <-time.After(100 * time.Millisecond):
			fmt.Printf("  handled %s\n", msg.Data)
			handled <- string(msg.Data)
		case <-ctx.Done():
		}
	})
	if err != nil {
		return err
	}

	// Publish six jobs, then `Flush`: it returns when the server answers
	// a PING sent after the jobs, and the server sends that answer only
	// after the six messages it delivered back to this connection. So
	// when `Flush` returns, all six are in the client's buffer.
	for i := 1; i <= jobs; i++ {
		if err := nc.Publish("jobs", fmt.Appendf(nil, "job-%d", i)); err != nil {
			return err
		}
	}
	if err := nc.Flush(); err != nil {
		return err
	}
	fmt.Printf("  %d jobs received, handling them...\n", jobs)

	// Shut down after the first two jobs are handled, as if the process had
	// been told to stop (for example by SIGTERM during a deploy). The wait
	// has a deadline, so a lost message fails the program instead of
	// hanging it.
	deadline := time.After(5 * time.Second)
	count := 0
	for count < 2 {
		select {
		case <-handled:
			count++
		case <-deadline:
			return fmt.Errorf("%s: jobs were not handled in time", shutdown)
		}
	}
	fmt.Printf("  calling %s()\n", shutdown)
	if shutdown == "close" {
		// `Close` ends the connection at once: the subscription's buffered
		// messages are discarded and its goroutine stops after the
		// handler call in progress. Cancelling the context first makes
		// that call give up its job too.
		cancel()
		nc.Close()
	} else {
		// `Drain` unsubscribes, lets the handler finish every message
		// already received, flushes, then closes. It returns at once and
		// works in the background; the `ClosedHandler` says when it is
		// done. It is bounded by the `nats.DrainTimeout` option (30 s by
		// default); past that the connection closes anyway and
		// `nats.ErrDrainTimeout` goes to the connection's error handler.
		if err := nc.Drain(); err != nil {
			return err
		}
	}
	<-closed

	// After a drain, the `ClosedHandler` runs only once the last handler
	// call has returned; after `Close`, the cancelled call reports
	// nothing. Either way, the jobs handled after the first two are the
	// values left in the channel's buffer, and `len` counts them.
	count += len(handled)
	fmt.Printf("%s(): %d of %d jobs handled, %d lost\n", shutdown, count, jobs, jobs-count)
	return nil
}
