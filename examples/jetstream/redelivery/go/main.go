// A consumer that requires acknowledgements delivers a message again until
// it is acknowledged. This program shows every way a worker can steer
// that, and what happens to a job that never succeeds. A `jetstream.Msg`
// has a method for each answer (`Ack`, `Nak`, `NakWithDelay`,
// `InProgress`, `Term`); `encoding/json` reads the server's advisory.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"maps"
	"os"
	"slices"
	"strings"
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
	nc, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	if err != nil {
		return err
	}
	defer nc.Close()

	// The JetStream handle and one context bounding the example (the
	// JetStream introduction explains both). Start clean: delete the
	// streams if an interrupted run left them.
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 35*time.Second)
	defer cancel()
	for _, name := range []string{"JOBS", "DEAD"} {
		if err := js.DeleteStream(ctx, name); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			return err
		}
	}

	// `JOBS` is a work queue, as in [Work-queue Stream](../workqueue-stream/index.md).
	// `DEAD` is a plain stream that keeps the jobs nobody could do: the
	// dead-letter queue, for a person or a repair job to look at later.
	jobs, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:      "JOBS",
		Subjects:  []string{"jobs.>"},
		Retention: jetstream.WorkQueuePolicy,
	})
	if err != nil {
		return err
	}
	dead, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "DEAD", Subjects: []string{"dead.>"}})
	if err != nil {
		return err
	}

	// The consumer's redelivery policy. `MaxDeliver: 3` caps the attempts
	// per message. `BackOff` spaces out redeliveries after an unanswered
	// delivery: the first retry waits 1 s, every later one 2 s (the last
	// step repeats). With a backoff, the server uses its first step as the
	// ack wait and ignores `AckWait`; without one, every redelivery waits
	// `AckWait`, 30 s by default.
	worker, err := jobs.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:    "worker",
		MaxDeliver: 3,
		BackOff:    []time.Duration{time.Second, 2 * time.Second},
	})
	if err != nil {
		return err
	}
	fmt.Println("consumer worker: max_deliver=3, backoff=[1 s, 2 s]")

	// `fetchOne` pulls one message, waiting at most `wait`; it returns nil
	// if none came. `nextJob` insists on one, and says which attempt this
	// is: `NumDelivered` in its metadata, parsed from the reply subject
	// the server sent it with.
	fetchOne := func(consumer jetstream.Consumer, wait time.Duration) (jetstream.Msg, error) {
		batch, err := consumer.Fetch(1, jetstream.FetchMaxWait(wait))
		if err != nil {
			return nil, err
		}
		var got jetstream.Msg
		for msg := range batch.Messages() {
			got = msg
		}
		return got, batch.Error()
	}
	nextJob := func(wait time.Duration) (jetstream.Msg, string, error) {
		msg, err := fetchOne(worker, wait)
		if err == nil && msg == nil {
			err = errors.New("no job came")
		}
		if err != nil {
			return nil, "", err
		}
		meta, err := msg.Metadata()
		if err != nil {
			return nil, "", err
		}
		return msg, fmt.Sprintf("%s delivery %d", msg.Subject(), meta.NumDelivered), nil
	}

	// 1. `Nak` says "not now": the job goes back to the consumer at once,
	// or, with `NakWithDelay`, after the given time. Here the mail server
	// the job needs is down, so the worker asks for it again in a second.
	// A fetch right away finds nothing; the next one, a second later, gets
	// it back. (A nak ignores the backoff; only a delivery left unanswered
	// waits for it.)
	if _, err := js.Publish(ctx, "jobs.1", []byte("send invoice")); err != nil {
		return err
	}
	msg, attempt, err := nextJob(3 * time.Second)
	if err != nil {
		return err
	}
	fmt.Printf("%s: nak(delay=1), the mail server is down\n", attempt)
	if err := msg.NakWithDelay(time.Second); err != nil {
		return err
	}
	if early, err := fetchOne(worker, 500*time.Millisecond); err != nil || early != nil {
		return fmt.Errorf("the delayed job came back early (%v)", err)
	}
	fmt.Println("jobs.1 fetch right after: nothing, the delay holds it back")
	if msg, attempt, err = nextJob(3 * time.Second); err != nil {
		return err
	}
	fmt.Printf("%s: ack\n", attempt)
	if err := msg.DoubleAck(ctx); err != nil {
		return err
	}

	// 2. `InProgress` says "still on it": each one restarts the ack wait.
	// This job takes 2.5 s while the ack wait is 1 s, so the worker sends
	// one every half second, on the ticks of a `time.Ticker`. Meanwhile a
	// second worker, in a goroutine, pulls from the same consumer for two
	// seconds and gets nothing: the job is not redelivered behind the
	// first worker's back. (`InProgress` may be sent any number of times;
	// `Ack`, `Nak` and `Term` end the delivery.)
	if _, err := js.Publish(ctx, "jobs.2", []byte("render video")); err != nil {
		return err
	}
	if msg, attempt, err = nextJob(3 * time.Second); err != nil {
		return err
	}
	fmt.Printf("%s: 2.5 s of work, in_progress every 0.5 s\n", attempt)
	second, err := js.Consumer(ctx, "JOBS", "worker")
	if err != nil {
		return err
	}
	meanwhile := make(chan string, 1)
	go func() {
		switch got, err := fetchOne(second, 2*time.Second); {
		case err != nil:
			meanwhile <- err.Error()
		case got != nil:
			meanwhile <- "got it: redelivered!"
		default:
			meanwhile <- "nothing"
		}
	}()
	ticker := time.NewTicker(500 * time.Millisecond)
	for range 5 {
		<-ticker.C
		if err := msg.InProgress(); err != nil {
			return err
		}
	}
	ticker.Stop()
	fmt.Printf("jobs.2 second worker meanwhile: %s\n", <-meanwhile)
	if err := msg.DoubleAck(ctx); err != nil {
		return err
	}
	fmt.Println("jobs.2 ack: done in one delivery")

	// 3. `Term` says "never again": the job can't succeed (its input is
	// malformed), so the server must not redeliver it. On a work queue,
	// `Term` removes the message like an ack does, so a worker that wants
	// to keep the job copies it to the dead-letter queue first.
	if _, err := js.Publish(ctx, "jobs.3", []byte("{malformed")); err != nil {
		return err
	}
	if msg, attempt, err = nextJob(3 * time.Second); err != nil {
		return err
	}
	if _, err := js.Publish(ctx, "dead.jobs.3", msg.Data()); err != nil {
		return err
	}
	if err := msg.Term(); err != nil {
		return err
	}
	fmt.Printf("%s: malformed, copied to dead.jobs.3, then term\n", attempt)

	// 4. A job that crashes its worker is never answered at all. The
	// server redelivers it when the ack wait runs out, on the backoff
	// schedule, until `MaxDeliver` is reached. Then it gives up on the
	// message and publishes an *advisory*, a JSON event on
	// `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`;
	// the message itself stays in the stream. A dead-letter handler
	// subscribes to the advisory, reads the job by its stream sequence
	// (`GetMsg`), copies it to `DEAD` and deletes it from `JOBS`
	// (`DeleteMsg`). It runs on its subscription's goroutine, as a
	// separate service would, and closes `moved` when it is done. (A core
	// subscription misses advisories while the handler is down; a stream
	// whose subjects include the advisory subject keeps them until it is
	// back.)
	moved := make(chan struct{})
	_, err = nc.Subscribe("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.JOBS.worker", func(advisory *nats.Msg) {
		var event struct {
			StreamSeq  uint64 `json:"stream_seq"`
			Deliveries uint64 `json:"deliveries"`
		}
		if err := json.Unmarshal(advisory.Data, &event); err != nil {
			log.Printf("advisory: %v", err)
			return
		}
		job, err := jobs.GetMsg(ctx, event.StreamSeq)
		if err != nil {
			log.Printf("advisory: %v", err)
			return
		}
		fmt.Printf("advisory: %s (stream seq %d) gave up after %d deliveries\n",
			job.Subject, event.StreamSeq, event.Deliveries)
		if _, err := js.Publish(ctx, "dead."+job.Subject, job.Data); err != nil {
			log.Printf("advisory: %v", err)
			return
		}
		if err := jobs.DeleteMsg(ctx, event.StreamSeq); err != nil {
			log.Printf("advisory: %v", err)
			return
		}
		fmt.Printf("%s copied to dead.%s and deleted from JOBS\n", job.Subject, job.Subject)
		close(moved)
	})
	if err != nil {
		return err
	}
	if err := nc.Flush(); err != nil {
		return err
	}

	// The worker keeps pulling, as real workers do, and the deliveries
	// come 1 s and then 2 s apart. The fourth pull gets nothing: the
	// server gives up once the last delivery's ack wait (the last backoff
	// step, 2 s) has run out, and the advisory arrives while that pull
	// waits. (nats-server 2.15 sent no advisory to a pull consumer nobody
	// was pulling from.)
	if _, err := js.Publish(ctx, "jobs.4", []byte("resize a 0-byte image")); err != nil {
		return err
	}
	var last time.Time
	for n := range 4 {
		msg, err := fetchOne(worker, 4*time.Second)
		if err != nil {
			return err
		}
		if msg == nil {
			fmt.Println("jobs.4 next fetch: nothing, the server has given up on it")
			break
		}
		meta, err := msg.Metadata()
		if err != nil {
			return err
		}
		later := ""
		if n > 0 {
			later = fmt.Sprintf(", %d s later", time.Since(last).Round(time.Second)/time.Second)
		}
		last = time.Now()
		fmt.Printf("%s delivery %d%s: no ack (the worker crashed)\n", msg.Subject(), meta.NumDelivered, later)
	}
	select {
	case <-moved:
	case <-time.After(2 * time.Second):
		return errors.New("the dead-letter handler did not move jobs.4")
	}

	// What is left: nothing in the work queue, two jobs in the dead-letter
	// queue.
	jobsInfo, err := jobs.Info(ctx)
	if err != nil {
		return err
	}
	deadInfo, err := dead.Info(ctx, jetstream.WithSubjectFilter(">"))
	if err != nil {
		return err
	}
	fmt.Printf("JOBS holds %d messages; DEAD holds %s\n", jobsInfo.State.Msgs,
		strings.Join(slices.Sorted(maps.Keys(deadInfo.State.Subjects)), ", "))

	// Clean up: deleting the streams deletes the consumer too.
	for _, name := range []string{"JOBS", "DEAD"} {
		if err := js.DeleteStream(ctx, name); err != nil {
			return err
		}
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
