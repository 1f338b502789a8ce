// Acknowledging a JetStream message is itself a message, sent to the
// server on the message's reply subject. This example compares the
// fire-and-forget `msg.Ack()` of nats.go's `jetstream` package with
// `msg.DoubleAck(ctx)`, which waits for the server to confirm.
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
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// Start clean: delete the stream if an interrupted run left it.
	if err := js.DeleteStream(ctx, "TASKS"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}

	// Four tasks in a stream and a durable pull consumer that requires an
	// explicit ack for each message it delivers (the default ack policy).
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "TASKS", Subjects: []string{"tasks.>"}})
	if err != nil {
		return err
	}
	for n := 1; n <= 4; n++ {
		if _, err := js.Publish(ctx, fmt.Sprintf("tasks.%d", n), fmt.Appendf(nil, "task %d", n)); err != nil {
			return err
		}
	}
	consumer, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "worker"})
	if err != nil {
		return err
	}

	// A small helper prints the consumer's bookkeeping: how many messages
	// it has delivered, how many of those still await an ack, the stream
	// sequence below which everything is acked (the ack floor), and how
	// many messages are still waiting to be delivered.
	show := func(label string) error {
		info, err := consumer.Info(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("%s: delivered=%d ack_pending=%d ack_floor=%d pending=%d\n",
			label, info.Delivered.Stream, info.NumAckPending, info.AckFloor.Stream, info.NumPending)
		return nil
	}

	// `fetchTwo` pulls two messages, waiting at most two seconds.
	fetchTwo := func() (jetstream.Msg, jetstream.Msg, error) {
		batch, err := consumer.Fetch(2, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return nil, nil, err
		}
		var msgs []jetstream.Msg
		for msg := range batch.Messages() {
			msgs = append(msgs, msg)
		}
		if err := batch.Error(); err != nil {
			return nil, nil, err
		}
		if len(msgs) != 2 {
			return nil, nil, fmt.Errorf("fetched %d messages, expected 2", len(msgs))
		}
		return msgs[0], msgs[1], nil
	}

	// Fetch two messages. Both now count as delivered and unacknowledged.
	first, second, err := fetchTwo()
	if err != nil {
		return err
	}
	if err := show("after fetching 2"); err != nil {
		return err
	}

	// `Ack` publishes the ack and returns at once, before the server has
	// seen it. Its error covers only local problems (a closed connection,
	// a message already acked). That is fast and usually fine, but if the
	// ack is lost (a network blip, a server restart) the program never
	// knows, and the message is delivered again after the ack wait.
	if err := first.Ack(); err != nil {
		return err
	}
	fmt.Printf("Ack()       %s: sent, no reply expected\n", first.Subject())

	// `DoubleAck` sends the same ack as a request and waits, within the
	// context's deadline, for the server to answer, which it does only
	// once the ack is recorded. Use it when processing a message twice
	// would be costly, for example before telling a user their payment
	// went through.
	if err := second.DoubleAck(ctx); err != nil {
		return err
	}
	fmt.Printf("DoubleAck() %s: confirmed by the server\n", second.Subject())
	if err := show("after both acks"); err != nil {
		return err
	}

	// The difference shows when the ack cannot land. Fetch the last two
	// messages, then delete the consumer, as if it had been removed or
	// its server lost while we were working.
	third, fourth, err := fetchTwo()
	if err != nil {
		return err
	}
	if err := stream.DeleteConsumer(ctx, "worker"); err != nil {
		return err
	}
	fmt.Println("consumer deleted")

	// The plain ack "succeeds": it was published, and nobody tells the
	// program it went nowhere. The confirmed ack fails at once with
	// `nats.ErrNoResponders`, because no consumer is there to answer; the
	// program knows to retry the work or raise an alarm.
	if err := third.Ack(); err != nil {
		return err
	}
	fmt.Printf("Ack()       %s: sent, no error returned\n", third.Subject())
	err = fourth.DoubleAck(ctx)
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		fmt.Printf("DoubleAck() %s: failed, no consumer answered the ack\n", fourth.Subject())
	case err != nil:
		return err
	default:
		return errors.New("the ack was confirmed by a deleted consumer")
	}

	// Clean up: deleting the stream deletes its messages too.
	if err := js.DeleteStream(ctx, "TASKS"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
