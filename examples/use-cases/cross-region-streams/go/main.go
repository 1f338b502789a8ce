// A service that takes orders in several regions wants two things that
// pull against each other: every write fast and local, even when the other
// regions are unreachable, and every region able to read every order. With
// JetStream in a super-cluster, each region writes only to a stream of its
// own, in its own cluster, and each region also keeps a global stream that
// sources all the regional ones. No stream is written from two regions, so
// nothing conflicts; the copying happens in the background, across the
// gateways, and catches up by itself after an interruption.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

var regions = []string{"east", "west", "central"}

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	// The recorder runs three clusters of three servers, one per region,
	// joined by gateways, and gives each server a URL. One client per
	// region connects to a server of its own region, as an application
	// running there would.
	url := func(region string) string {
		if u := os.Getenv("NATS_URL_" + strings.ToUpper(region) + "_1"); u != "" {
			return u
		}
		return nats.DefaultURL
	}

	// The west client tells when it loses its server, through its
	// `DisconnectErrHandler`, which closes the `westGone` channel. The
	// handler runs for every connection lost, and the recorder stops the
	// west servers one after another, so the client may reconnect to a
	// second west server and lose that one too; closing a channel twice
	// panics, so `sync.OnceFunc` makes sure it happens once. The client
	// then tries to reconnect, in vain, in the background.
	clients := map[string]*nats.Conn{}
	closed := map[string]chan struct{}{}
	westGone := make(chan struct{})
	markWestGone := sync.OnceFunc(func() { close(westGone) })
	for _, r := range regions {
		ch := make(chan struct{})
		opts := []nats.Option{nats.ClosedHandler(func(*nats.Conn) { close(ch) })}
		if r == "west" {
			opts = append(opts, nats.DisconnectErrHandler(func(*nats.Conn, error) { markWestGone() }))
		}
		nc, err := nats.Connect(url(r), opts...)
		if err != nil {
			return err
		}
		defer nc.Close()
		clients[r], closed[r] = nc, ch
	}
	js := map[string]jetstream.JetStream{}
	for r, nc := range clients {
		var err error
		if js[r], err = jetstream.New(nc); err != nil {
			return err
		}
	}
	east := js["east"]
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	// Start clean: delete the streams if an interrupted run left them.
	for _, r := range regions {
		for _, name := range []string{"GLOBAL_" + strings.ToUpper(r), "ORDERS_" + strings.ToUpper(r)} {
			if err := east.DeleteStream(ctx, name); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
				return err
			}
		}
	}

	// A regional stream per region: ORDERS_EAST takes `orders.east.>` and
	// lives in cluster east (`Placement`), three replicas, and so on. Any
	// client may create any of them; placement decides where they live.
	for _, r := range regions {
		if _, err := east.CreateStream(ctx, jetstream.StreamConfig{
			Name:      "ORDERS_" + strings.ToUpper(r),
			Subjects:  []string{"orders." + r + ".>"},
			Replicas:  3,
			Placement: &jetstream.Placement{Cluster: r},
		}); err != nil {
			return err
		}
	}

	// And a global stream per region: GLOBAL_EAST, in east, sources the
	// three regional streams, and so do GLOBAL_WEST and GLOBAL_CENTRAL in
	// their regions. A source copies each message with its subject, so a
	// global stream knows where every order came from.
	for _, r := range regions {
		var sources []*jetstream.StreamSource
		for _, s := range regions {
			sources = append(sources, &jetstream.StreamSource{Name: "ORDERS_" + strings.ToUpper(s)})
		}
		if _, err := east.CreateStream(ctx, jetstream.StreamConfig{
			Name:      "GLOBAL_" + strings.ToUpper(r),
			Replicas:  3,
			Placement: &jetstream.Placement{Cluster: r},
			Sources:   sources,
		}); err != nil {
			return err
		}
	}

	// Each region takes an order, on its own subjects. The publish is
	// answered by the regional stream, in the client's own cluster: the
	// write never waits on another region. A new stream's interest takes a
	// moment to reach every server; until then a publish finds nobody
	// (`jetstream.ErrNoStreamResponse`, and nothing is stored), so it is
	// tried again every 50 ms until a deadline.
	takeOrder := func(region string, n int) error {
		subject := fmt.Sprintf("orders.%s.%d", region, n)
		deadline := time.Now().Add(10 * time.Second)
		for {
			ack, err := js[region].Publish(ctx, subject, []byte("an order"))
			if err == nil {
				fmt.Printf("%s client: %s -> stored in %s\n", region, subject, ack.Stream)
				return nil
			}
			if !errors.Is(err, jetstream.ErrNoStreamResponse) || time.Now().After(deadline) {
				return err
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	for _, r := range regions {
		if err := takeOrder(r, 1); err != nil {
			return err
		}
	}

	// The global streams fill in the background. Each region waits, with a
	// deadline, until its own global stream holds what it expects, and then
	// counts its orders by region of origin, from the subjects.
	globalView := func(region string, expected uint64) error {
		name := "GLOBAL_" + strings.ToUpper(region)
		stream, err := js[region].Stream(ctx, name)
		if err != nil {
			return err
		}
		deadline := time.Now().Add(15 * time.Second)
		for {
			info, err := stream.Info(ctx)
			if err != nil {
				return err
			}
			if info.State.Msgs >= expected {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s holds %d orders, expected %d", name, info.State.Msgs, expected)
			}
			time.Sleep(100 * time.Millisecond)
		}
		origins := map[string]int{}
		for seq := uint64(1); seq <= expected; seq++ {
			msg, err := stream.GetMsg(ctx, seq)
			if err != nil {
				return err
			}
			origins[strings.Split(msg.Subject, ".")[1]]++
		}
		var counts []string
		for _, r := range regions {
			counts = append(counts, fmt.Sprintf("%s %d", r, origins[r]))
		}
		fmt.Printf("%s: %d orders (%s)\n", name, expected, strings.Join(counts, ", "))
		return nil
	}
	for _, r := range regions {
		if err := globalView(r, 3); err != nil {
			return err
		}
	}

	// Now the west region is lost: the recorder stops its three servers
	// when this line is printed. The program waits, with a deadline, until
	// the west client has lost its server, then closes it, which also
	// ends its attempts to reconnect.
	fmt.Println("stopping region west")
	select {
	case <-westGone:
	case <-time.After(15 * time.Second):
		return errors.New("the west client never lost its server")
	}
	clients["west"].Close()
	fmt.Println("west client: disconnected, its region is gone")

	// East and central go on taking orders: their regional streams and
	// their global streams live in their own regions, and copying between
	// them goes on. West's order, copied before the loss, is still in every
	// global stream that is left. When west comes back, its global stream
	// picks up where it stopped: a source remembers the last message it
	// copied.
	for _, r := range []string{"east", "central"} {
		if err := takeOrder(r, 2); err != nil {
			return err
		}
	}
	for _, r := range []string{"east", "central"} {
		if err := globalView(r, 5); err != nil {
			return err
		}
	}

	// Losing a region also loses its servers' votes in JetStream's meta
	// group: creating, changing or deleting streams needs a majority of all
	// JetStream servers, which three regions keep. See [Super-Cluster
	// JetStream Quorum](../../topologies/supercluster-jetstream-arbiter/index.md).
	//
	// Clean up: delete the streams, the lost region's included (a deletion
	// is the meta group's decision; west's servers learn of it when they
	// return). If the meta group's leader was in west, the six servers left
	// elect a new one first, which takes a few seconds: until then the API
	// does not answer, or answers "JetStream system temporarily
	// unavailable" (status 503), so each deletion is tried again, with two
	// seconds for each try, until the overall deadline. A stream that is
	// already gone counts as deleted: a try that timed out may still have
	// gone through.
	deleteStream := func(name string) error {
		for {
			try, cancelTry := context.WithTimeout(ctx, 2*time.Second)
			err := east.DeleteStream(try, name)
			cancelTry()
			var apiErr *jetstream.APIError
			switch {
			case err == nil, errors.Is(err, jetstream.ErrStreamNotFound):
				return nil
			case ctx.Err() != nil:
				return fmt.Errorf("delete %s: %w", name, err)
			case errors.Is(err, context.DeadlineExceeded), errors.Is(err, nats.ErrTimeout),
				errors.As(err, &apiErr) && apiErr.Code == 503:
				time.Sleep(250 * time.Millisecond)
			default:
				return fmt.Errorf("delete %s: %w", name, err)
			}
		}
	}
	for _, r := range regions {
		for _, name := range []string{"GLOBAL_" + strings.ToUpper(r), "ORDERS_" + strings.ToUpper(r)} {
			if err := deleteStream(name); err != nil {
				return err
			}
		}
	}
	for _, r := range []string{"east", "central"} {
		if err := clients[r].Drain(); err != nil {
			return err
		}
		<-closed[r]
	}
	return nil
}
