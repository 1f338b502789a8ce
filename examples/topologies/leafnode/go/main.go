// A leaf node is a nats-server that extends another server (the hub)
// through a single outbound connection. Clients of the leaf talk to
// clients of the hub as if they shared one server, while the leaf keeps
// its own local clients, security and JetStream. Typical homes for a leaf:
// a factory, a store, a vehicle, an edge site that must keep working when
// its uplink is down.
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

// `connect` dials one server, falling back to a local default, and
// returns a channel closed once the connection has closed.
func connect(env, fallback string) (*nats.Conn, <-chan struct{}, error) {
	url := os.Getenv(env)
	if url == "" {
		url = fallback
	}
	closed := make(chan struct{})
	nc, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	return nc, closed, err
}

// `listen` subscribes a side to one subject tree named after itself:
// `hub.>` on the hub, `leaf.>` on the leaf. Requests (messages with a
// reply subject) get an answer; other messages go into the returned
// channel for the main goroutine to print.
func listen(nc *nats.Conn, name string) (<-chan *nats.Msg, error) {
	received := make(chan *nats.Msg, 8)
	_, err := nc.Subscribe(name+".>", func(msg *nats.Msg) {
		if msg.Reply == "" {
			received <- msg
			return
		}
		if err := msg.Respond([]byte(name + " answered " + msg.Subject)); err != nil {
			log.Printf("%s: %v", name, err)
		}
	})
	if err != nil {
		return nil, err
	}
	return received, nc.Flush()
}

// `request` sends a request across the leaf connection. Subscription
// interest crosses the link asynchronously, so a request sent in the first
// moments may find no responders; it tries again every 50 ms until a
// deadline.
func request(nc *nats.Conn, subject string) (*nats.Msg, error) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		reply, err := nc.Request(subject, nil, time.Second)
		if !errors.Is(err, nats.ErrNoResponders) || time.Now().After(deadline) {
			return reply, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// `next` waits at most a second for a message on a channel.
func next(ch <-chan *nats.Msg) (*nats.Msg, error) {
	select {
	case msg := <-ch:
		return msg, nil
	case <-time.After(time.Second):
		return nil, errors.New("nothing arrived within 1 s")
	}
}

func run() error {
	// The recorder starts a hub and a leaf that dials into it, and gives
	// each its own URL. A client does not need to know which kind of
	// server it is using; it connects as usual.
	hub, hubClosed, err := connect("NATS_URL_HUB", "nats://127.0.0.1:4222")
	if err != nil {
		return err
	}
	defer hub.Close()
	leaf, leafClosed, err := connect("NATS_URL_LEAF", "nats://127.0.0.1:4223")
	if err != nil {
		return err
	}
	defer leaf.Close()

	hubReceived, err := listen(hub, "hub")
	if err != nil {
		return err
	}
	leafReceived, err := listen(leaf, "leaf")
	if err != nil {
		return err
	}

	// The leaf connection carries subscription interest both ways, so the
	// leaf forwards `hub.>` messages to the hub and the hub forwards
	// `leaf.>` messages to the leaf.
	reply, err := request(leaf, "hub.orders.count")
	if err != nil {
		return err
	}
	fmt.Printf("leaf client: request hub.orders.count -> %s\n", reply.Data)
	if reply, err = request(hub, "leaf.line1.status"); err != nil {
		return err
	}
	fmt.Printf("hub client: request leaf.line1.status -> %s\n", reply.Data)

	// Plain publish-subscribe flows both ways as well: an alert from the
	// leaf reaches the hub, a command from the hub reaches the leaf.
	if err := leaf.Publish("hub.alerts.temperature", []byte("line 1 at 81C")); err != nil {
		return err
	}
	msg, err := next(hubReceived)
	if err != nil {
		return err
	}
	fmt.Printf("hub client received %s: %s\n", msg.Subject, msg.Data)
	if err := hub.Publish("leaf.commands.line1", []byte("slow down")); err != nil {
		return err
	}
	if msg, err = next(leafReceived); err != nil {
		return err
	}
	fmt.Printf("leaf client received %s: %s\n", msg.Subject, msg.Data)

	// JetStream stays separate: the hub and the leaf each run their own,
	// in the JetStream domains `hub` and `leaf`. `jetstream.New` on the
	// leaf's connection uses the leaf's; `jetstream.NewWithDomain` names a
	// domain and reaches the other one through the leaf connection. Here
	// the leaf client creates a stream on the hub and stores an event in
	// it. (Start clean: delete the stream first if an interrupted run left
	// it.)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	jsHub, err := jetstream.NewWithDomain(leaf, "hub")
	if err != nil {
		return err
	}
	if err := jsHub.DeleteStream(ctx, "EVENTS"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}
	if _, err := jsHub.CreateStream(ctx, jetstream.StreamConfig{Name: "EVENTS", Subjects: []string{"events.>"}}); err != nil {
		return err
	}
	ack, err := jsHub.Publish(ctx, "events.shift", []byte("shift 2 started"))
	if err != nil {
		return err
	}
	fmt.Printf("leaf client: stored events.shift in domain hub -> stream %s, seq %d\n", ack.Stream, ack.Sequence)

	// Seen from each side: the hub has the stream; the leaf's own
	// JetStream has no streams at all. `StreamNames` lists names on a
	// channel, and `Err` says afterwards whether the listing failed.
	hubJS, err := jetstream.New(hub)
	if err != nil {
		return err
	}
	stream, err := hubJS.Stream(ctx, "EVENTS")
	if err != nil {
		return err
	}
	fmt.Printf("hub client: stream EVENTS has %d message(s)\n", stream.CachedInfo().State.Msgs)
	leafJS, err := jetstream.New(leaf)
	if err != nil {
		return err
	}
	names := leafJS.StreamNames(ctx)
	count := 0
	for range names.Name() {
		count++
	}
	if err := names.Err(); err != nil {
		return err
	}
	fmt.Printf("leaf client: streams in domain leaf: %d\n", count)

	// Clean up, through the leaf connection again: delete the hub's stream.
	if err := jsHub.DeleteStream(ctx, "EVENTS"); err != nil {
		return err
	}
	if err := leaf.Drain(); err != nil {
		return err
	}
	<-leafClosed
	if err := hub.Drain(); err != nil {
		return err
	}
	<-hubClosed
	return nil
}
