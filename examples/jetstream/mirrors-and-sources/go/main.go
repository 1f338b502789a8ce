// Mirrors and sources let one stream be filled from others by the server
// itself. From nats.go we only declare them: a `jetstream.StreamSource` in
// the `Mirror` or `Sources` field of a `jetstream.StreamConfig`.
package main

import (
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

var streamNames = []string{"ORDERS_EU", "ORDERS_US", "ORDERS_EU_BACKUP", "ORDERS_ALL", "PRIORITY"}

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

	// Start clean: delete the five streams if an interrupted run left them.
	for _, name := range streamNames {
		if err := js.DeleteStream(ctx, name); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			return err
		}
	}

	// Two origin streams, one per region, each taking orders on its own
	// subjects. Each order is either `standard` or `priority`.
	streams := map[string]jetstream.Stream{}
	create := func(cfg jetstream.StreamConfig) error {
		stream, err := js.CreateStream(ctx, cfg)
		streams[cfg.Name] = stream
		return err
	}
	if err := create(jetstream.StreamConfig{Name: "ORDERS_EU", Subjects: []string{"orders.eu.>"}}); err != nil {
		return err
	}
	if err := create(jetstream.StreamConfig{Name: "ORDERS_US", Subjects: []string{"orders.us.>"}}); err != nil {
		return err
	}
	publish := func(region string, kinds ...string) error {
		for _, kind := range kinds {
			if _, err := js.Publish(ctx, "orders."+region+"."+kind, []byte(region+" "+kind+" order")); err != nil {
				return err
			}
		}
		return nil
	}
	if err := publish("eu", "standard", "priority", "standard"); err != nil {
		return err
	}
	if err := publish("us", "priority", "standard", "standard", "priority"); err != nil {
		return err
	}
	fmt.Println("published 3 orders to ORDERS_EU and 4 to ORDERS_US")

	// A mirror is a read-only copy of exactly one stream: same messages,
	// same sequence numbers. It has no subjects of its own, so nobody can
	// publish into it. Mirrors serve as backups, or as read replicas
	// placed closer to where the data is read.
	if err := create(jetstream.StreamConfig{
		Name:   "ORDERS_EU_BACKUP",
		Mirror: &jetstream.StreamSource{Name: "ORDERS_EU"},
	}); err != nil {
		return err
	}

	// A stream with sources aggregates one or more streams, each message
	// getting a new sequence in the aggregate. Here ORDERS_ALL combines
	// both regions, and PRIORITY takes only the priority orders from each,
	// using a subject filter per source.
	if err := create(jetstream.StreamConfig{
		Name:    "ORDERS_ALL",
		Sources: []*jetstream.StreamSource{{Name: "ORDERS_EU"}, {Name: "ORDERS_US"}},
	}); err != nil {
		return err
	}
	if err := create(jetstream.StreamConfig{
		Name: "PRIORITY",
		Sources: []*jetstream.StreamSource{
			{Name: "ORDERS_EU", FilterSubject: "orders.eu.priority"},
			{Name: "ORDERS_US", FilterSubject: "orders.us.priority"},
		},
	}); err != nil {
		return err
	}

	// Copying happens in the background: the server runs an internal
	// consumer for each mirror and source. So `waitFor` asks for the
	// stream info every 100 ms (a `time.Ticker`) until the expected count
	// arrives, and gives up when its deadline passes, so a broken setup
	// fails instead of hanging.
	waitFor := func(name string, expected uint64) error {
		ticker := time.NewTicker(100 * time.Millisecond)
		defer ticker.Stop()
		deadline := time.After(5 * time.Second)
		for {
			info, err := streams[name].Info(ctx)
			if err != nil {
				return err
			}
			if info.State.Msgs >= expected {
				fmt.Printf("  %s: %d messages\n", name, info.State.Msgs)
				return nil
			}
			select {
			case <-ticker.C:
			case <-deadline:
				return fmt.Errorf("%s has %d messages, expected %d", name, info.State.Msgs, expected)
			}
		}
	}
	fmt.Println("message counts:")
	for _, w := range []struct {
		name     string
		expected uint64
	}{{"ORDERS_EU_BACKUP", 3}, {"ORDERS_ALL", 7}, {"PRIORITY", 3}} {
		if err := waitFor(w.name, w.expected); err != nil {
			return err
		}
	}

	// The mirror really is a copy: message 2 has the same subject and
	// data in both streams. `GetMsg` reads one stored message by its
	// sequence number, without any consumer.
	for _, name := range []string{"ORDERS_EU", "ORDERS_EU_BACKUP"} {
		msg, err := streams[name].GetMsg(ctx, 2)
		if err != nil {
			return err
		}
		fmt.Printf("%-23s %s '%s'\n", name+" seq 2:", msg.Subject, msg.Data)
	}

	// Mirrors and sources keep following their origins. Two new priority
	// orders, one per region, flow into every stream that wants them.
	if err := publish("eu", "priority"); err != nil {
		return err
	}
	if err := publish("us", "priority"); err != nil {
		return err
	}
	fmt.Println("published 1 more priority order to each region")
	for _, w := range []struct {
		name     string
		expected uint64
	}{{"ORDERS_EU_BACKUP", 4}, {"ORDERS_ALL", 9}, {"PRIORITY", 5}} {
		if err := waitFor(w.name, w.expected); err != nil {
			return err
		}
	}

	// Clean up: the copies first, then the streams they copy from.
	for _, name := range slices.Backward(streamNames) {
		if err := js.DeleteStream(ctx, name); err != nil {
			return err
		}
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
