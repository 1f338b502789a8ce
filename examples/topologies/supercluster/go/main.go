// A super-cluster joins whole clusters with gateways, typically one
// cluster per region or cloud. Clients connect to their local cluster, and
// gateways carry messages to other clusters only when someone there is
// interested. Queue groups prefer members in the local cluster and fall
// back to other clusters, which gives services geo-affinity and failover
// for free.
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

// The recorder runs the clusters `east` and `west`, three nodes each, and
// gives every node a URL of its own (`NATS_URL` lists the east nodes).
func nodeURL(node string) string {
	if url := os.Getenv("NATS_URL_" + node); url != "" {
		return url
	}
	return nats.DefaultURL
}

// A responder is an ordinary queue subscriber with its own connection.
// nats.go can tell which cluster a connection landed in:
// `ConnectedClusterName` reports the cluster named in the server's INFO.
// Each responder puts it in its answers, to make the routing visible.
// `Flush` returns once the responder's own server has the subscription.
func startResponder(node string) (*nats.Conn, *nats.Subscription, error) {
	nc, err := nats.Connect(nodeURL(node))
	if err != nil {
		return nil, nil, err
	}
	cluster := nc.ConnectedClusterName()
	sub, err := nc.QueueSubscribe("weather", "weather-service", func(msg *nats.Msg) {
		if err := msg.Respond([]byte("answered by a responder in " + cluster)); err != nil {
			log.Printf("responder in %s: %v", cluster, err)
		}
	})
	if err == nil {
		err = nc.Flush()
	}
	return nc, sub, err
}

func run() error {
	closed := make(chan struct{})
	client, err := nats.Connect(nodeURL("EAST_1"), nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	if err != nil {
		return err
	}
	defer client.Close()

	// News of a subscription takes a moment to travel through routes and
	// gateways; until it reaches the east client's server, a request there
	// finds no responders. So `ask` tries again after a short pause, until
	// a deadline.
	ask := func() (string, error) {
		deadline := time.Now().Add(5 * time.Second)
		for {
			reply, err := client.Request("weather", nil, time.Second)
			if err == nil {
				return string(reply.Data), nil
			}
			if !errors.Is(err, nats.ErrNoResponders) || time.Now().After(deadline) {
				return "", err
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	// 1. The only responder is in the west. The east client's request
	// crosses the gateway, and the answer comes back the same way.
	west, _, err := startResponder("WEST_2")
	if err != nil {
		return err
	}
	defer west.Close()
	answer, err := ask()
	if err != nil {
		return err
	}
	fmt.Printf("only a west responder: east client's request -> %s\n", answer)

	// 2. A responder joins the same queue group in the east. The east
	// servers now have a member nearby, so the requests stay in the east
	// cluster, with no gateway hop.
	east, eastSub, err := startResponder("EAST_1")
	if err != nil {
		return err
	}
	defer east.Close()
	for i := 1; i <= 3; i++ {
		if answer, err = ask(); err != nil {
			return err
		}
		fmt.Printf("responders in both: east client's request %d -> %s\n", i, answer)
	}

	// 3. The east responder leaves the group. The queue group still has a
	// member in the west, so requests fail over across the gateway.
	if err := eastSub.Unsubscribe(); err != nil {
		return err
	}
	if err := east.Flush(); err != nil {
		return err
	}
	if answer, err = ask(); err != nil {
		return err
	}
	fmt.Printf("east responder gone: east client's request -> %s\n", answer)

	// JetStream spans the super-cluster too. A stream can be placed in a
	// chosen cluster with `Placement`; here the east client creates one in
	// the west, and the stream's info names the cluster that holds it.
	// (Start clean: delete it first if an interrupted run left it.)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	js, err := jetstream.New(client)
	if err != nil {
		return err
	}
	if err := js.DeleteStream(ctx, "WEST_EVENTS"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:      "WEST_EVENTS",
		Subjects:  []string{"west.events.>"},
		Placement: &jetstream.Placement{Cluster: "west"},
	})
	if err != nil {
		return err
	}
	fmt.Printf("stream WEST_EVENTS created from the east, placed in cluster %s\n", stream.CachedInfo().Cluster.Name)

	// A warning about this layout. Every stream and consumer is created,
	// changed and deleted through JetStream's meta group: one Raft group
	// of all six servers, in both clusters, which acts only with a
	// majority, four of six. If one region goes down, the other has three:
	// no majority. Streams that live in the surviving region keep storing
	// and delivering messages, but creating or deleting any stream or
	// consumer (ephemeral consumers and KV watchers included) fails
	// everywhere until the lost region returns. Two regions cannot outvote
	// each other; with JetStream, run three, or two and a small third
	// cluster whose only job is to vote.
	//
	// Clean up: delete the stream, close the responders (every request
	// has been answered, so nothing is in flight for them; the deferred
	// `Close` calls then do nothing) and drain the client.
	if err := js.DeleteStream(ctx, "WEST_EVENTS"); err != nil {
		return err
	}
	east.Close()
	west.Close()
	if err := client.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
