// nats.go calls a subscription's handler on one goroutine that belongs to
// that subscription, for one message at a time: the next message waits in
// the subscription's buffer until the handler returns. That keeps messages
// in order and is the right default, but when handling a message means
// waiting (a database, an HTTP call, another NATS request), one slow
// message holds up every message behind it. This example uses only the
// standard library besides nats.go: `sync` to wait for goroutines, `time`
// to measure.
package main

import (
	"errors"
	"fmt"
	"log"
	"math"
	"os"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// Four jobs and how long each takes to process. A sleep stands in for I/O
// such as a database query; the jobs are deliberately not in order of
// duration.
var (
	jobNames = []string{"job-1", "job-2", "job-3", "job-4"}
	jobs     = map[string]time.Duration{
		"job-1": 400 * time.Millisecond,
		"job-2": 100 * time.Millisecond,
		"job-3": 300 * time.Millisecond,
		"job-4": 200 * time.Millisecond,
	}
)

// The total time, in words. The two cases to tell apart are "the sum of
// the durations" (one job after another) and "the longest job" (all at
// once). The program prints which one the measurement matches, rather than
// the milliseconds, so its output is the same on every run.
func describe(elapsed time.Duration) string {
	var sum, longest time.Duration
	for _, d := range jobs {
		sum += d
		longest = max(longest, d)
	}
	for _, c := range []struct {
		name  string
		value time.Duration
	}{{"the sum of the durations", sum}, {"the longest job", longest}} {
		if math.Abs(float64(elapsed-c.value)) < float64(150*time.Millisecond) {
			return fmt.Sprintf("%.1f s, %s", c.value.Seconds(), c.name)
		}
	}
	return fmt.Sprintf("%.2f s", elapsed.Seconds())
}

// `waitTimeout` waits for a `sync.WaitGroup`, but not forever: `Wait` has
// no deadline of its own, so a goroutine waits for it and closes a
// channel, and `select` takes whichever comes first, that channel or the
// timer.
func waitTimeout(wg *sync.WaitGroup, timeout time.Duration) error {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-time.After(timeout):
		return errors.New("the jobs did not finish in time")
	}
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

	// The work itself, shared by both handlers: sleep for the job's
	// duration, print its name, and mark it done in the `WaitGroup` that
	// counts the round's jobs.
	var wg sync.WaitGroup
	process := func(msg *nats.Msg) {
		job := string(msg.Data)
		time.Sleep(jobs[job])
		fmt.Printf("  %s done (%.1f s of work)\n", job, jobs[job].Seconds())
		wg.Done()
	}

	// Sequential: the handler does the work itself. nats.go does not call
	// it again until it returns, so the jobs run one after another, in the
	// order they were published, and the total is the sum of all
	// durations.
	sequential := process

	// Concurrent: the handler starts a goroutine for the work and returns
	// at once, so the next message is handed over right away and the waits
	// overlap. Goroutines are cheap, but a burst of messages should not
	// start thousands of them: the buffered channel `slots` is a semaphore
	// that lets at most 8 run at a time. When all slots are taken, the
	// handler blocks, and new messages wait in the subscription's buffer.
	// That buffer is bounded too (by default 500,000 messages or 64 MB; see
	// `SetPendingLimits`); beyond it nats.go drops messages and reports
	// `nats.ErrSlowConsumer` to the connection's error handler.
	//
	// Unlike a single-threaded event loop, goroutines also run on several
	// CPU cores at once, so this helps with CPU-heavy work as well.
	slots := make(chan struct{}, 8)
	concurrent := func(msg *nats.Msg) {
		slots <- struct{}{}
		go func() {
			defer func() { <-slots }()
			process(msg)
		}()
	}

	// Run the same four jobs through each handler and time them from the
	// first publish until the last job has finished. `wg.Add` counts the
	// jobs before they are published; `waitTimeout` has a deadline, so a
	// lost message fails the program instead of hanging it.
	for _, round := range []struct {
		name    string
		handler nats.MsgHandler
	}{{"sequential", sequential}, {"concurrent", concurrent}} {
		fmt.Printf("%s:\n", round.name)
		sub, err := nc.Subscribe("work."+round.name, round.handler)
		if err != nil {
			return err
		}
		wg.Add(len(jobNames))
		start := time.Now()
		for _, job := range jobNames {
			if err := nc.Publish("work."+round.name, []byte(job)); err != nil {
				return err
			}
		}
		if err := waitTimeout(&wg, 5*time.Second); err != nil {
			return err
		}
		fmt.Printf("  all %d jobs in %s\n", len(jobNames), describe(time.Since(start)))
		if err := sub.Unsubscribe(); err != nil {
			return err
		}
	}

	// What to notice: sequentially the jobs finish in publish order and
	// the total is the sum (0.4 + 0.1 + 0.3 + 0.2 = 1.0 s). Concurrently
	// they finish shortest first, and the total is that of the longest job
	// (0.4 s). The price is that completion order no longer follows
	// publish order.
	//
	// When shutting down, wait for your own goroutines too: draining the
	// connection only waits for the handler calls, which have long
	// returned. Here `waitTimeout` already did.
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
