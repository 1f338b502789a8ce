// A stream knows every subject it holds messages for and how many
// messages each one has. In nats.go's `jetstream` package the list comes
// with the stream info, when `Info` is given a subject filter.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"maps"
	"os"
	"slices"
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
	if err := js.DeleteStream(ctx, "SENSORS"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}

	// A stream of sensor readings, one subject per region and metric. The
	// stream captures `sensors.>`, so the subjects are created simply by
	// publishing to them; nothing declares them ahead of time.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "SENSORS", Subjects: []string{"sensors.>"}})
	if err != nil {
		return err
	}
	readings := []struct {
		subject string
		count   int
	}{
		{"sensors.eu.temp", 3},
		{"sensors.eu.humidity", 2},
		{"sensors.us.temp", 4},
		{"sensors.us.pressure", 1},
	}
	total := 0
	for _, r := range readings {
		for i := 1; i <= r.count; i++ {
			if _, err := js.Publish(ctx, r.subject, fmt.Appendf(nil, "reading %d", i)); err != nil {
				return err
			}
		}
		total += r.count
	}
	fmt.Printf("published %d readings on %d subjects\n", total, len(readings))

	// Plain stream info reports totals only. Listing subjects can be
	// expensive on a stream with millions of them, so the server leaves
	// the list out unless the request asks for it: the `Subjects` map is
	// nil.
	info, err := stream.Info(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("stream info: %d messages, subjects=%#v\n", info.State.Msgs, info.State.Subjects)

	// `jetstream.WithSubjectFilter` asks for the subjects matching a
	// filter, each with its number of messages; the filter `>` matches
	// them all. A server answer holds at most 100,000 subjects, and `Info`
	// asks for the next page until it has them all. The result is a Go
	// map, which has no order, so the keys are sorted for printing.
	listSubjects := func(filter string) error {
		info, err := stream.Info(ctx, jetstream.WithSubjectFilter(filter))
		if err != nil {
			return err
		}
		subjects := info.State.Subjects
		fmt.Printf("filter '%s': %d subject(s)\n", filter, len(subjects))
		for _, subject := range slices.Sorted(maps.Keys(subjects)) {
			fmt.Printf("  %s: %d\n", subject, subjects[subject])
		}
		return nil
	}
	if err := listSubjects(">"); err != nil {
		return err
	}

	// Filters use the usual NATS wildcards: `*` matches one token, `>`
	// the rest of the subject. So we can ask for one region, or for one
	// metric across all regions, or check a single subject.
	for _, filter := range []string{"sensors.eu.*", "sensors.*.temp", "sensors.us.pressure"} {
		if err := listSubjects(filter); err != nil {
			return err
		}
	}

	// The list always reflects what the stream holds right now. Purge the
	// pressure readings (`WithPurgeSubject` limits the purge to one
	// subject) and that subject is gone; a filter that matches nothing
	// returns no subjects at all.
	if err := stream.Purge(ctx, jetstream.WithPurgeSubject("sensors.us.pressure")); err != nil {
		return err
	}
	fmt.Println("purged sensors.us.pressure")
	for _, filter := range []string{"sensors.us.*", "sensors.asia.>"} {
		if err := listSubjects(filter); err != nil {
			return err
		}
	}

	// Clean up: deleting the stream deletes its messages too.
	if err := js.DeleteStream(ctx, "SENSORS"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
