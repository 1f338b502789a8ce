// A consumer always belongs to exactly one stream, yet one service often
// needs data from several. This program consumes three streams at once
// with nats.go's `jetstream` package: one `Consume` per stream, each
// feeding a Go channel that a single loop reads.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"slices"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The three streams and the subjects each one captures, in a fixed order.
var streams = []struct{ name, subjects string }{
	{"ORDERS", "orders.>"},
	{"PAYMENTS", "payments.>"},
	{"SHIPPING", "shipping.>"},
}

// One message of the merged flow, with the stream it came from and the
// metadata (sequence, time stored) read from it.
type event struct {
	stream string
	msg    jetstream.Msg
	meta   *jetstream.MsgMetadata
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
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// Three independent streams, as three teams might own them: orders,
	// payments and shipping. Each has its own subjects, limits and
	// retention, and none knows about the others. (Start clean: delete
	// them first if an interrupted run left them.)
	//
	// Our service keeps a timeline of everything that happens to an order,
	// so it creates one durable pull consumer per stream, all named
	// `timeline`. Each consumer tracks its own position and acks, so the
	// service can stop and resume every stream independently.
	consumers := map[string]jetstream.Consumer{}
	for _, s := range streams {
		if err := js.DeleteStream(ctx, s.name); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			return err
		}
		stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: s.name, Subjects: []string{s.subjects}})
		if err != nil {
			return err
		}
		if consumers[s.name], err = stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "timeline"}); err != nil {
			return err
		}
	}

	// The merge point is a Go channel. `Consume` keeps pull requests
	// open at its consumer and calls the handler for each message, on a
	// goroutine of that consumer; here each handler puts the message on
	// the channel, tagged with its stream. The `ConsumeContext` it returns
	// stops the flow later.
	merged := make(chan event, 16)
	var running []jetstream.ConsumeContext
	for _, s := range streams {
		name := s.name
		cc, err := consumers[name].Consume(func(msg jetstream.Msg) {
			meta, err := msg.Metadata()
			if err != nil {
				log.Printf("%s: %v", name, err)
				return
			}
			merged <- event{name, msg, meta}
		})
		if err != nil {
			return err
		}
		running = append(running, cc)
	}

	// Other services publish the life of order 1001 across the three
	// streams, all at once.
	published := []struct{ subject, text string }{
		{"orders.created", "order 1001 created"},
		{"payments.authorized", "order 1001: 42.00 EUR authorized"},
		{"orders.confirmed", "order 1001 confirmed"},
		{"shipping.packed", "order 1001 packed"},
		{"payments.captured", "order 1001: 42.00 EUR captured"},
		{"shipping.delivered", "order 1001 delivered"},
	}
	for _, p := range published {
		if _, err := js.Publish(ctx, p.subject, []byte(p.text)); err != nil {
			return err
		}
	}

	// A single loop handles the merged flow, so the service's logic never
	// has to care how many streams feed it. The ack goes back to the
	// consumer of the stream the message came from; `DoubleAck` waits for
	// the server to record it. `select` with a deadline keeps a lost
	// message from hanging the program.
	//
	// What arrives in order, and what does not: each consumer delivers its
	// stream in stream order, so within a stream the sequence numbers only
	// go up. Between streams there is no order at all: three consumers
	// deliver independently, and the channel interleaves them in whatever
	// way their goroutines happen to run. So the loop keeps what it needs
	// per stream, and the printout groups by stream.
	var handled []event
	deadline := time.After(5 * time.Second)
	for len(handled) < len(published) {
		select {
		case e := <-merged:
			if err := e.msg.DoubleAck(ctx); err != nil {
				return err
			}
			handled = append(handled, e)
		case <-deadline:
			return fmt.Errorf("%d of %d events arrived before the deadline", len(handled), len(published))
		}
	}
	slices.SortFunc(handled, func(a, b event) int {
		return cmp.Or(cmp.Compare(a.stream, b.stream), cmp.Compare(a.meta.Sequence.Stream, b.meta.Sequence.Stream))
	})
	for _, e := range handled {
		fmt.Printf("%-8s seq %d  %-19s %s\n", e.stream, e.meta.Sequence.Stream, e.msg.Subject(), e.msg.Data())
	}

	// When the order across streams matters, it has to come from the
	// data. Every JetStream message carries the time its stream stored it;
	// with one publisher that waited for each acknowledgement, as here,
	// those times put the events back in publishing order. (Events from
	// several publishers need a timestamp or sequence of their own.)
	fmt.Println("timeline, by the time each stream stored the event:")
	slices.SortFunc(handled, func(a, b event) int { return a.meta.Timestamp.Compare(b.meta.Timestamp) })
	for _, e := range handled {
		fmt.Printf("  %-19s %s\n", e.msg.Subject(), e.msg.Data())
	}

	// Stop consuming (and wait until each consumer's goroutine is done),
	// then check each consumer: everything delivered has been
	// acknowledged and nothing is left pending.
	for _, cc := range running {
		cc.Stop()
		<-cc.Closed()
	}
	for _, s := range streams {
		info, err := consumers[s.name].Info(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("%s consumer: acked up to seq %d, pending %d\n", s.name, info.AckFloor.Stream, info.NumPending)
	}

	// Clean up: deleting the streams deletes their consumers too.
	for _, s := range streams {
		if err := js.DeleteStream(ctx, s.name); err != nil {
			return err
		}
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
