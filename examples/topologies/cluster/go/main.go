// A NATS cluster is a set of nats-servers joined by routes. Clients can
// connect to any node and still reach every subscriber on every other
// node, and JetStream can keep each stream on several nodes at once, so
// losing a server loses neither connectivity nor data.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
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

// `poll` calls `check` every 100 ms until it reports true, returns an
// error, or the context's deadline passes. Things that happen
// asynchronously in a cluster (news crossing the routes, an election) are
// waited for this way: on a condition, with a deadline, never with a
// fixed sleep.
func poll(ctx context.Context, check func() (bool, error)) error {
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	for {
		done, err := check()
		if done || err != nil {
			return err
		}
		select {
		case <-ticker.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func run() error {
	// Each node has its own client URL. Connecting to one explicitly shows
	// that it does not matter which node a client uses. (`NATS_URL` lists
	// all three; a real application passes that whole list, so it can fail
	// over to another node.)
	conns := map[string]*nats.Conn{}
	closed := map[string]chan struct{}{}
	for _, node := range []string{"n1", "n2", "n3"} {
		url := os.Getenv("NATS_URL_" + strings.ToUpper(node))
		if url == "" {
			url = nats.DefaultURL
		}
		ch := make(chan struct{})
		nc, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) { close(ch) }))
		if err != nil {
			return err
		}
		defer nc.Close()
		conns[node], closed[node] = nc, ch
	}
	n1, n2, n3 := conns["n1"], conns["n2"], conns["n3"]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Core NATS across the cluster: a responder on n3, a requester on n1.
	// The routes tell every node about each subscription, so n1 knows to
	// forward the request to n3, and n3 sends the reply back to n1. That
	// news travels asynchronously, though: `Flush` only tells us that n3
	// has the subscription, and for a moment n1 may not have heard yet and
	// answers "no responders". A client that starts at the same time as
	// its peers simply tries again, until a deadline.
	if _, err := n3.Subscribe("greet", func(msg *nats.Msg) {
		if err := msg.Respond(append([]byte("hello from a client on n3, to "), msg.Data...)); err != nil {
			log.Printf("greet: %v", err)
		}
	}); err != nil {
		return err
	}
	if err := n3.Flush(); err != nil {
		return err
	}
	var reply *nats.Msg
	routed, cancelRouted := context.WithTimeout(ctx, 5*time.Second)
	defer cancelRouted()
	if err := poll(routed, func() (bool, error) {
		var err error
		reply, err = n1.Request("greet", []byte("a client on n1"), time.Second)
		if errors.Is(err, nats.ErrNoResponders) {
			return false, nil
		}
		return err == nil, err
	}); err != nil {
		return err
	}
	fmt.Printf("client on n1 sent a request, reply: %s\n", reply.Data)

	// JetStream: `Replicas: 3` keeps a copy of the stream on three nodes.
	// One of them is the stream's leader, elected with Raft; the other two
	// are replicas that follow it. (Start clean: delete the stream if an
	// interrupted run left it.)
	js1, err := jetstream.New(n1)
	if err != nil {
		return err
	}
	if err := js1.DeleteStream(ctx, "ORDERS"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}
	stream, err := js1.CreateStream(ctx, jetstream.StreamConfig{
		Name:     "ORDERS",
		Subjects: []string{"orders.>"},
		Replicas: 3,
	})
	if err != nil {
		return err
	}

	// Stream info shows the placement (`Cluster`). The leader is whichever
	// node won the election, so it changes from run to run; we print the
	// facts that do not: there is one leader, two replicas, and together
	// they are all three nodes. The replicas may need a moment to catch
	// up, so we wait until all of them report `Current`, for at most ten
	// seconds.
	var cluster *jetstream.ClusterInfo
	placed, cancelPlaced := context.WithTimeout(ctx, 10*time.Second)
	defer cancelPlaced()
	if err := poll(placed, func() (bool, error) {
		info, err := stream.Info(ctx)
		if err != nil {
			return false, err
		}
		cluster = info.Cluster
		if cluster == nil || cluster.Leader == "" || len(cluster.Replicas) != 2 {
			return false, nil
		}
		for _, r := range cluster.Replicas {
			if !r.Current {
				return false, nil
			}
		}
		return true, nil
	}); err != nil {
		return err
	}
	peers := []string{cluster.Leader}
	for _, r := range cluster.Replicas {
		peers = append(peers, r.Name)
	}
	slices.Sort(peers)
	fmt.Printf("stream ORDERS: stored on %s\n", strings.Join(peers, ","))
	fmt.Printf("stream ORDERS: 1 leader (one of those), %d replicas, all current\n", len(cluster.Replicas))

	// Publish through n1. The acknowledgement comes only after a majority
	// of the three copies has stored the message.
	for i := 1; i <= 3; i++ {
		ack, err := js1.Publish(ctx, fmt.Sprintf("orders.%d", i), fmt.Appendf(nil, "order %d", i))
		if err != nil {
			return err
		}
		fmt.Printf("published orders.%d via n1 -> stream %s, seq %d\n", i, ack.Stream, ack.Sequence)
	}

	// Ask the leader to step down. The stream elects a new leader among the
	// replicas, as it would if the leader's server went away. The
	// `jetstream` package has no method for this, but every JetStream API
	// call is a plain request on a `$JS.API.` subject, answered with JSON.
	oldLeader := cluster.Leader
	resp, err := n2.Request("$JS.API.STREAM.LEADER.STEPDOWN.ORDERS", nil, 5*time.Second)
	if err != nil {
		return err
	}
	var stepdown struct {
		Success bool `json:"success"`
	}
	if err := json.Unmarshal(resp.Data, &stepdown); err != nil {
		return err
	}
	fmt.Printf("leader step-down requested: success=%t\n", stepdown.Success)

	// While the election runs, the stream briefly has no leader and API
	// calls may fail or time out; we ask again, through n3, for at most
	// ten seconds. Each attempt gets a short context of its own.
	js3, err := jetstream.New(n3)
	if err != nil {
		return err
	}
	elected, cancelElected := context.WithTimeout(ctx, 10*time.Second)
	defer cancelElected()
	if err := poll(elected, func() (bool, error) {
		attempt, cancel := context.WithTimeout(elected, time.Second)
		defer cancel()
		s, err := js3.Stream(attempt, "ORDERS")
		if err != nil {
			return false, nil
		}
		c := s.CachedInfo().Cluster
		return c != nil && c.Leader != "" && c.Leader != oldLeader, nil
	}); err != nil {
		return err
	}
	fmt.Println("stream ORDERS: a new leader was elected on another node")

	// The data is all still there, on the new leader too, and a client on
	// n3 reads it. Wherever a client is connected, the routes carry its
	// JetStream requests to the nodes that lead the stream and consumer.
	reader, err := js3.CreateOrUpdateConsumer(ctx, "ORDERS", jetstream.ConsumerConfig{Durable: "reader"})
	if err != nil {
		return err
	}
	batch, err := reader.Fetch(3, jetstream.FetchMaxWait(2*time.Second))
	if err != nil {
		return err
	}
	for msg := range batch.Messages() {
		fmt.Printf("client on n3 fetched %s: %s\n", msg.Subject(), msg.Data())
		if err := msg.Ack(); err != nil {
			return err
		}
	}
	if err := batch.Error(); err != nil {
		return err
	}

	// Clean up: deleting the stream removes all three copies and the
	// consumer. Then drain every connection.
	if err := js3.DeleteStream(ctx, "ORDERS"); err != nil {
		return err
	}
	for _, node := range []string{"n1", "n2", "n3"} {
		if err := conns[node].Drain(); err != nil {
			return err
		}
		<-closed[node]
	}
	return nil
}
