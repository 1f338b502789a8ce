// Deterministic partitioning splits one flow of messages into a fixed
// number of partitions, always sending the same key to the same one. The
// server does the splitting with a subject mapping in its config (see
// server.conf next to this example); the program only uses nats.go's
// `jetstream` package.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
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
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// Start clean: delete the stream if an interrupted run left it.
	if err := js.DeleteStream(ctx, "ORDERS"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}

	// The server maps `orders.<customer>` to
	// `orders.<customer>.<partition>` before anything else sees the
	// message, so the stream captures the mapped form, `orders.*.*`.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "ORDERS", Subjects: []string{"orders.*.*"}})
	if err != nil {
		return err
	}

	// Publishers know nothing about partitions: they publish to
	// `orders.<customer>` as usual. Reading each message back from the
	// stream by the sequence in its publish ack (`GetMsg`) shows the
	// subject it was stored under, with the partition number added as the
	// last token.
	count := map[string]int{}
	for _, customer := range []string{"alice", "ivan", "dave", "bob", "alice", "judy", "erin", "ivan", "alice", "dave"} {
		count[customer]++
		order := fmt.Sprintf("%s#%d", customer, count[customer])
		ack, err := js.Publish(ctx, "orders."+customer, []byte(order))
		if err != nil {
			return err
		}
		stored, err := stream.GetMsg(ctx, ack.Sequence)
		if err != nil {
			return err
		}
		fmt.Printf("published %-8s on orders.%-6s -> stored as %s\n", order, customer, stored.Subject)
	}

	// That is what makes partitions useful. One consumer per partition,
	// each filtered on `orders.*.<n>`, can run in parallel while every
	// customer's orders still go to one consumer, in the order they were
	// published. The mapping is a hash, so it only changes if the number
	// of partitions changes.
	//
	// Per-key order holds under two conditions. Only one worker may read
	// each partition's consumer: two workers pulling from it would split a
	// customer's orders between them. And a message must not come back
	// after later ones: a `Nak` or an expired ack wait redelivers it
	// behind them. A consumer with `MaxAckPending: 1` keeps order even
	// then, at the price of one message in flight per partition.
	//
	// Each partition's worker here takes what its consumer holds with
	// `FetchNoWait`, which returns at once with the messages available.
	for partition := range 3 {
		consumer, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
			Durable:       fmt.Sprintf("worker-%d", partition),
			FilterSubject: fmt.Sprintf("orders.*.%d", partition),
		})
		if err != nil {
			return err
		}
		batch, err := consumer.FetchNoWait(10)
		if err != nil {
			return err
		}
		var got []string
		for msg := range batch.Messages() {
			got = append(got, string(msg.Data()))
			if err := msg.Ack(); err != nil {
				return err
			}
		}
		if err := batch.Error(); err != nil {
			return err
		}
		fmt.Printf("partition %d worker got: %s\n", partition, strings.Join(got, ", "))
	}

	// Clean up: deleting the stream deletes the consumers too.
	if err := js.DeleteStream(ctx, "ORDERS"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
