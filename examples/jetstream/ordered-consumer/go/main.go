// An ordered consumer is the simplest way to read a stream from start to
// finish. In nats.go's `jetstream` package, `js.OrderedConsumer` returns a
// `jetstream.Consumer` like any other, but the library creates, watches
// and replaces the server-side consumer behind it.
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

	// The JetStream handle and one context bounding the example (the
	// JetStream introduction explains both). Start clean: delete the
	// stream if an interrupted run left it.
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := js.DeleteStream(ctx, "PAGES"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}

	// A stream of page views with five messages in it. Reading them back in
	// exactly this order is what the rest of the example is about.
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "PAGES", Subjects: []string{"pages.>"}}); err != nil {
		return err
	}
	publish := func(pages ...string) error {
		for _, page := range pages {
			if _, err := js.Publish(ctx, "pages."+page, []byte("view of /"+page)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := publish("home", "pricing", "docs", "blog", "signup"); err != nil {
		return err
	}
	fmt.Println("published 5 page views")

	// `OrderedConsumer` sends nothing yet: it only describes what to read
	// (here the whole stream, the default). `Messages` creates the
	// server-side consumer and starts pulling: an ephemeral pull consumer
	// that the client manages entirely, with no acknowledgements (ack
	// policy none), a single in-memory replica, and heartbeats so the
	// client notices when something goes wrong. The `MessagesContext` it
	// returns is an iterator: `Next` gives one message at a time.
	consumer, err := js.OrderedConsumer(ctx, "PAGES", jetstream.OrderedConsumerConfig{})
	if err != nil {
		return err
	}
	iter, err := consumer.Messages()
	if err != nil {
		return err
	}
	defer iter.Stop()

	info, err := consumer.Info(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("consumer: ack_policy=%v replicas=%d memory=%t\n",
		info.Config.AckPolicy, info.Config.Replicas, info.Config.MemoryStorage)

	// Messages arrive in stream order. Each one carries its stream
	// sequence (its position in the stream) and its consumer sequence (how
	// many this consumer has delivered). There is nothing to ack.
	// `NextMaxWait` bounds each wait, so a lost message fails the program
	// instead of hanging it.
	read := func(n int) error {
		for range n {
			msg, err := iter.Next(jetstream.NextMaxWait(5 * time.Second))
			if err != nil {
				return err
			}
			meta, err := msg.Metadata()
			if err != nil {
				return err
			}
			fmt.Printf("stream seq %d, consumer seq %d: %s %q\n",
				meta.Sequence.Stream, meta.Sequence.Consumer, msg.Subject(), msg.Data())
		}
		return nil
	}
	if err := read(5); err != nil {
		return err
	}

	// Now break it on purpose: delete the consumer on the server, as would
	// happen if the server holding it restarted, then publish three more
	// views. The pull request the iterator has waiting at the server is
	// answered with a "consumer deleted" status (were the server gone
	// instead, the missing heartbeats would tell). Either way the client
	// throws the consumer away and creates a fresh one that starts at the
	// stream sequence after the last message `Next` returned.
	if err := js.DeleteConsumer(ctx, "PAGES", info.Name); err != nil {
		return err
	}
	fmt.Println("consumer deleted on the server")
	if err := publish("home", "docs", "pricing"); err != nil {
		return err
	}
	fmt.Println("published 3 more page views")

	// Reading simply continues. Notice the stream sequence picks up at 6
	// with nothing skipped or repeated, while the consumer sequence starts
	// again at 1: it belongs to the new consumer.
	if err := read(3); err != nil {
		return err
	}
	newInfo, err := consumer.Info(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("recreated consumer is a new one: %t\n", newInfo.Name != info.Name)

	// `Stop` ends the iterator (the deferred call then does nothing) and
	// its pull requests; the server removes the idle ephemeral consumer on
	// its own. Then clean up: deleting the stream deletes its consumers
	// and messages too.
	iter.Stop()
	if err := js.DeleteStream(ctx, "PAGES"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
