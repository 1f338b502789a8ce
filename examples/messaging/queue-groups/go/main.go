// Queue groups are part of core NATS; only the `nats` package is needed.
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

// One delivery: which worker handled which job.
type delivery struct {
	worker, job string
}

// Each worker, the monitor and the publisher would normally be separate
// programs, so each gets its own connection. `connect` opens one and
// returns, with it, a channel that is closed once the connection has
// closed, so a caller can wait for a drain to finish.
func connect(url string) (*nats.Conn, <-chan struct{}, error) {
	closed := make(chan struct{})
	nc, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) {
		close(closed)
	}))
	return nc, closed, err
}

// `drain` drains a connection and waits until it has closed.
func drain(nc *nats.Conn, closed <-chan struct{}) error {
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}

// Handlers run on goroutines of their own, so they report to the main
// goroutine through a channel. `collect` receives `n` values, or gives up
// with an error when the deadline passes first: a `select` waits on
// whichever channel is ready.
func collect[T any](ch <-chan T, n int, timeout time.Duration) ([]T, error) {
	deadline := time.After(timeout)
	var got []T
	for len(got) < n {
		select {
		case v := <-ch:
			got = append(got, v)
		case <-deadline:
			return got, fmt.Errorf("received %d of %d before the deadline", len(got), n)
		}
	}
	return got, nil
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

	// Every handler sends what it got into a buffered channel; the buffer
	// holds all the jobs, so a handler never blocks.
	handled := make(chan delivery, 100)
	seen := make(chan string, 100)

	// `QueueSubscribe` makes the subscription a member of the queue group
	// `workers`. All three members use the same subject and group name;
	// that is all it takes to share the work.
	//
	// A subscription is a command in the connection's outgoing buffer.
	// `Flush` sends the buffer, then a PING, and returns when the server's
	// PONG arrives: by then the server has handled the subscription, so
	// every member is known before the first job is published.
	names := []string{"worker-1", "worker-2", "worker-3"}
	workers := map[string]*nats.Conn{}
	workerClosed := map[string]<-chan struct{}{}
	for _, name := range names {
		nc, closed, err := connect(url)
		if err != nil {
			return err
		}
		defer nc.Close()
		workers[name], workerClosed[name] = nc, closed
		_, err = nc.QueueSubscribe("jobs", "workers", func(msg *nats.Msg) {
			handled <- delivery{name, string(msg.Data)}
		})
		if err != nil {
			return err
		}
		if err := nc.Flush(); err != nil {
			return err
		}
	}

	// An ordinary subscription on the same subject is not affected by the
	// group: it still receives every message. Typical uses are auditing or
	// metrics next to the workers.
	monitor, monitorClosed, err := connect(url)
	if err != nil {
		return err
	}
	defer monitor.Close()
	if _, err := monitor.Subscribe("jobs", func(msg *nats.Msg) {
		seen <- string(msg.Data)
	}); err != nil {
		return err
	}
	if err := monitor.Flush(); err != nil {
		return err
	}

	// The publisher connects once everyone is listening and publishes 30
	// jobs; then we wait until the group and the monitor have each
	// received 30.
	publisher, publisherClosed, err := connect(url)
	if err != nil {
		return err
	}
	defer publisher.Close()
	for i := 1; i <= 30; i++ {
		if err := publisher.Publish("jobs", fmt.Appendf(nil, "job-%d", i)); err != nil {
			return err
		}
	}
	fmt.Println("published 30 jobs")
	deliveries, err := collect(handled, 30, 5*time.Second)
	if err != nil {
		return fmt.Errorf("queue group: %w", err)
	}
	monitored, err := collect(seen, 30, 5*time.Second)
	if err != nil {
		return fmt.Errorf("monitor: %w", err)
	}

	// Each job reached exactly one member: none is missing and none was
	// handled twice. How many each worker got varies from run to run (the
	// server picks a member at random), but every worker got a share and
	// the shares add up. (With 30 jobs, the chance that one of three
	// members gets none is about 1 in 60,000.)
	jobs := map[string]bool{}
	perWorker := map[string]int{}
	for _, d := range deliveries {
		jobs[d.job] = true
		perWorker[d.worker]++
	}
	fmt.Printf("queue group handled %d jobs, %d of them twice\n", len(deliveries), len(deliveries)-len(jobs))
	fmt.Printf("workers that got a share: %d of %d\n", len(perWorker), len(names))
	total := 0
	for _, n := range perWorker {
		total += n
	}
	fmt.Printf("jobs per worker vary from run to run, but add up to %d\n", total)

	// The monitor, outside the group, got its own copy of every job. The
	// server delivers each message once to every queue group and once to
	// every plain subscription.
	fmt.Printf("monitor (no queue group) saw %d jobs\n", len(monitored))

	// Now two workers shut down. Draining lets each finish what it already
	// received, removes its membership from the server and closes the
	// connection; `drain` waits for that.
	for _, name := range []string{"worker-2", "worker-3"} {
		if err := drain(workers[name], workerClosed[name]); err != nil {
			return err
		}
		fmt.Printf("%s stopped\n", name)
	}

	// With one member left, the group keeps working: worker-1 gets every
	// new job. Nothing had to be reconfigured; the server just has fewer
	// members to choose from. The monitor gets its copies too, which we
	// do not count this time.
	for i := 31; i <= 40; i++ {
		if err := publisher.Publish("jobs", fmt.Appendf(nil, "job-%d", i)); err != nil {
			return err
		}
	}
	fmt.Println("published 10 more jobs")
	if deliveries, err = collect(handled, 10, 5*time.Second); err != nil {
		return fmt.Errorf("queue group: %w", err)
	}
	byWorker1 := 0
	for _, d := range deliveries {
		if d.worker == "worker-1" {
			byWorker1++
		}
	}
	fmt.Printf("worker-1 handled %d of them\n", byWorker1)

	// Drain the three remaining connections; `errors.Join` keeps every
	// error, should more than one fail.
	return errors.Join(
		drain(publisher, publisherClosed),
		drain(monitor, monitorClosed),
		drain(workers["worker-1"], workerClosed["worker-1"]),
	)
}
