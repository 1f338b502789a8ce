// JetStream in a super-cluster keeps one piece of shared state: the meta
// group, a Raft group of every JetStream server in every cluster, which
// decides where each stream and consumer lives and records every creation
// and deletion. Like every Raft group it acts only while a majority of its
// members can talk. With three regions, losing any one leaves a majority;
// with two, losing either does not. This example loses a region and shows
// what still works.
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

// `call` runs one JetStream API call with a context of its own that ends
// after 2 s, so that what no longer answers shows quickly. `defer cancel()`
// releases the context's timer when the call returns.
func call[T any](f func(ctx context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return f(ctx)
}

// `retry` calls `f` every `pause` until it succeeds or `limit` has passed,
// and returns its last error then.
func retry(limit, pause time.Duration, f func() error) error {
	deadline := time.Now().Add(limit)
	for {
		err := f()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(pause)
	}
}

func run() error {
	// The recorder runs three clusters of three servers, east, west and
	// central, joined by gateways, with JetStream on every server; it gives
	// each server a URL (`NATS_URL_EAST_1` ...). The client lives in east,
	// on the servers listed in `NATS_URL`.
	servers := 0
	for _, kv := range os.Environ() {
		for _, region := range []string{"EAST", "WEST", "CENTRAL"} {
			if strings.HasPrefix(kv, "NATS_URL_"+region+"_") {
				servers++
			}
		}
	}
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

	// Every server runs JetStream, so every server is a member of the meta
	// group. Here that is nine, and a majority is five.
	fmt.Printf("meta group: %d servers, a majority is %d\n", servers, servers/2+1)

	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}

	// Start clean: delete the streams if an interrupted run left them.
	for _, name := range []string{"ORDERS_MIRROR", "ORDERS", "AUDIT"} {
		if _, err := call(func(ctx context.Context) (any, error) {
			return nil, js.DeleteStream(ctx, name)
		}); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			return err
		}
	}

	// A stream lives in one cluster: all its replicas are servers of that
	// cluster, chosen with `Placement`. ORDERS lives in west, three
	// replicas, and takes the subjects `orders.>`. The client is in east:
	// its requests and publishes cross a gateway.
	if _, err := call(func(ctx context.Context) (jetstream.Stream, error) {
		return js.CreateStream(ctx, jetstream.StreamConfig{
			Name:      "ORDERS",
			Subjects:  []string{"orders.>"},
			Replicas:  3,
			Placement: &jetstream.Placement{Cluster: "west"},
		})
	}); err != nil {
		return err
	}

	// The new stream's interest in `orders.>` takes a moment to travel
	// through the gateway to east. Until it arrives, a publish from east
	// finds nobody (`jetstream.ErrNoStreamResponse`) and nothing is
	// stored, so the first publish is tried again, until a deadline.
	publish := func(n int) error {
		_, err := call(func(ctx context.Context) (*jetstream.PubAck, error) {
			return js.Publish(ctx, fmt.Sprintf("orders.%d", n), fmt.Appendf(nil, "order %d", n))
		})
		return err
	}
	if err := retry(10*time.Second, 50*time.Millisecond, func() error { return publish(1) }); err != nil {
		return err
	}
	for n := 2; n <= 3; n++ {
		if err := publish(n); err != nil {
			return err
		}
	}

	// A mirror keeps a read-only copy of another stream, here in east. The
	// servers holding the mirror pull from ORDERS across the gateway; the
	// copy catches up on its own, so the program waits (with a deadline)
	// until it holds the three orders.
	mirror, err := call(func(ctx context.Context) (jetstream.Stream, error) {
		return js.CreateStream(ctx, jetstream.StreamConfig{
			Name:      "ORDERS_MIRROR",
			Mirror:    &jetstream.StreamSource{Name: "ORDERS"},
			Replicas:  3,
			Placement: &jetstream.Placement{Cluster: "east"},
		})
	})
	if err != nil {
		return err
	}
	if err := retry(10*time.Second, 50*time.Millisecond, func() error {
		info, err := call(func(ctx context.Context) (*jetstream.StreamInfo, error) { return mirror.Info(ctx) })
		if err == nil && info.State.Msgs < 3 {
			err = errors.New("the mirror has not caught up")
		}
		return err
	}); err != nil {
		return err
	}
	fmt.Println("ORDERS in west: 3 orders; ORDERS_MIRROR in east: 3 orders")

	// Central holds no stream. It is the arbiter: its servers take part in
	// the meta group's votes and store nothing. (In production an arbiter
	// can be a small cluster whose JetStream limits, or whose placement
	// tags, keep streams away.)
	//
	// Now the whole west region goes down: the recorder stops its three
	// servers when this line is printed. The client asks for ORDERS' info
	// every 100 ms until that fails: depending on what the other servers
	// know by then, the request goes unanswered (the context's deadline
	// passes) or is answered with an error, "stream is offline". Either
	// way, nothing is left that holds ORDERS.
	fmt.Println("stopping region west")
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := call(func(ctx context.Context) (jetstream.Stream, error) {
			return js.Stream(ctx, "ORDERS")
		})
		var apiErr *jetstream.APIError
		if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &apiErr) {
			break
		}
		if err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return errors.New("ORDERS still answers")
		}
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Println("ORDERS (west): stream info fails, every replica is down")

	// Publishing to `orders.>` fails: no stream takes those subjects any
	// more, and the server's "no responders" comes back as
	// `jetstream.ErrNoStreamResponse`. (A core NATS publish would
	// succeed, and be stored nowhere.)
	if err := publish(4); errors.Is(err, jetstream.ErrNoStreamResponse) {
		fmt.Printf("publish to orders.4 -> %v\n", err)
	} else {
		return fmt.Errorf("publish to orders.4: %v", err)
	}

	// The mirror lives in east and answers as before: what ORDERS stored
	// before west went down can still be read.
	var stored []string
	for seq := uint64(1); seq <= 3; seq++ {
		msg, err := call(func(ctx context.Context) (*jetstream.RawStreamMsg, error) {
			return mirror.GetMsg(ctx, seq)
		})
		if err != nil {
			return err
		}
		stored = append(stored, string(msg.Data))
	}
	fmt.Printf("ORDERS_MIRROR (east): %s\n", strings.Join(stored, ", "))

	// And the meta group still has six of its nine members, more than the
	// five it needs, so JetStream can still create streams (and consumers,
	// and key-value buckets). If the meta group's leader was in west, the
	// six elect a new one first, which takes a few seconds: until then the
	// API answers "JetStream system temporarily unavailable" (or does not
	// answer), so the client tries again every 250 ms, until a deadline.
	if err := retry(30*time.Second, 250*time.Millisecond, func() error {
		_, err := call(func(ctx context.Context) (jetstream.Stream, error) {
			return js.CreateStream(ctx, jetstream.StreamConfig{
				Name:      "AUDIT",
				Subjects:  []string{"audit.>"},
				Replicas:  3,
				Placement: &jetstream.Placement{Cluster: "east"},
			})
		})
		return err
	}); err != nil {
		return err
	}
	fmt.Println("new stream AUDIT in east: created, the meta group has 6 of 9")

	// With two regions, as on the super-cluster page, the same loss leaves
	// three of six: no majority, and that last step would fail everywhere
	// until the region came back.
	//
	// Clean up: delete the streams. Deleting is a meta group decision too,
	// so even ORDERS, whose servers are down, can be deleted; west's
	// servers learn of it when they return.
	for _, name := range []string{"AUDIT", "ORDERS_MIRROR", "ORDERS"} {
		if _, err := call(func(ctx context.Context) (any, error) {
			return nil, js.DeleteStream(ctx, name)
		}); err != nil {
			return fmt.Errorf("delete %s: %w", name, err)
		}
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
