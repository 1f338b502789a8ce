// Three stream features that change where messages go and how they are
// read: a subject transform rewrites the subject of every message as the
// stream stores it, republish copies every stored message to core NATS
// subscribers, and direct get reads one message without going through the
// stream leader's API. The first two are fields of
// `jetstream.StreamConfig`; the third is what `GetMsg` and
// `GetLastMsgForSubject` use on a stream that allows it.
package main

import (
	"context"
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
	// stream if an interrupted run left it.
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := js.DeleteStream(ctx, "ORDERS"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}

	// Republish sends a copy of each stored message to another subject.
	// That subject must lie outside the stream's own subjects, or every
	// copy would be stored and copied again; the server refuses the loop.
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{
		Name:      "ORDERS",
		Subjects:  []string{"orders.*.*"},
		RePublish: &jetstream.RePublish{Source: "orders.>", Destination: "orders.live.>"},
	})
	var apiErr *jetstream.APIError
	switch {
	case errors.As(err, &apiErr):
		fmt.Printf("republish into the stream's own subjects: refused: %s\n", apiErr.Description)
	case err != nil:
		return err
	default:
		return errors.New("a republish loop was accepted")
	}

	// The shop publishes `orders.<id>.<event>`. The stream stores them as
	// `orders.<event>.<id>`: `{{wildcard(2)}}` is the second `*` of the
	// source pattern. Now a consumer or a lookup can filter on the event
	// (`orders.shipped.*`), and the publishers did not change. The
	// republish source matches the stored, transformed subject; here every
	// order is copied to `live.orders.<event>.<id>`. `AllowDirect` turns on
	// direct get, used further down.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:     "ORDERS",
		Subjects: []string{"orders.*.*"},
		SubjectTransform: &jetstream.SubjectTransformConfig{
			Source:      "orders.*.*",
			Destination: "orders.{{wildcard(2)}}.{{wildcard(1)}}",
		},
		RePublish:   &jetstream.RePublish{Source: "orders.>", Destination: "live.orders.>"},
		AllowDirect: true,
	})
	if err != nil {
		return err
	}

	// A dashboard follows the orders with a plain core subscription: no
	// consumer, no acknowledgements, nothing kept on the server for it.
	// It sees only what is published while it is subscribed, so `Flush`
	// makes sure the server has the subscription first.
	live, err := nc.SubscribeSync("live.orders.>")
	if err != nil {
		return err
	}
	if err := nc.Flush(); err != nil {
		return err
	}

	for _, o := range []struct{ subject, data string }{
		{"orders.17.created", "2 coffees"},
		{"orders.17.shipped", "by bike"},
		{"orders.18.created", "1 tea"},
	} {
		ack, err := js.Publish(ctx, o.subject, []byte(o.data))
		if err != nil {
			return err
		}
		fmt.Printf("published %s -> stored as seq %d\n", o.subject, ack.Sequence)
	}
	info, err := stream.Info(ctx, jetstream.WithSubjectFilter(">"))
	if err != nil {
		return err
	}
	fmt.Printf("stored subjects: %s\n", strings.Join(slices.Sorted(maps.Keys(info.State.Subjects)), ", "))

	// Each copy arrives on the republish subject, with headers saying
	// where it came from: the stream, the stored subject and its sequence.
	for range 3 {
		msg, err := live.NextMsg(2 * time.Second)
		if err != nil {
			return err
		}
		h := msg.Header
		fmt.Printf("  %s: '%s' (from %s %s, seq %s)\n", msg.Subject, msg.Data,
			h.Get("Nats-Stream"), h.Get("Nats-Subject"), h.Get("Nats-Sequence"))
	}

	// Direct get reads a message by sequence, or the last one on a
	// subject, with a plain request on `$JS.API.DIRECT.GET.<stream>`.
	// Every server holding a copy of the stream answers it (replicas, and
	// mirrors with `MirrorDirect`), so reads scale out and do not queue
	// behind the leader's API; key-value clients read keys this way when
	// the bucket allows it. The `jetstream.Stream` knows from its info
	// that `AllowDirect` is on and uses direct get by itself. A wildcard
	// asks for the last message matching it; a subject with no message
	// gives `jetstream.ErrMsgNotFound`.
	msg, err := stream.GetLastMsgForSubject(ctx, "orders.created.*")
	if err != nil {
		return err
	}
	fmt.Printf("direct get, last orders.created.*: %s '%s' (seq %d)\n", msg.Subject, msg.Data, msg.Sequence)
	if msg, err = stream.GetMsg(ctx, 2); err != nil {
		return err
	}
	fmt.Printf("direct get, seq 2: %s '%s'\n", msg.Subject, msg.Data)
	_, err = stream.GetLastMsgForSubject(ctx, "orders.returned.17")
	switch {
	case errors.Is(err, jetstream.ErrMsgNotFound):
		fmt.Println("direct get, last orders.returned.17: not found")
	case err != nil:
		return err
	default:
		return errors.New("found a message on a subject nobody published to")
	}

	// Clean up.
	if err := js.DeleteStream(ctx, "ORDERS"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
