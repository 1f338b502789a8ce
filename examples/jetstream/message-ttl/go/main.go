// Since nats-server 2.11 a message can carry its own time to live, and a
// stream can leave a *delete marker* behind when the last message of a
// subject expires, so consumers hear about it. nats.go's `jetstream`
// package has a publish option for the TTL and stream settings for both.
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
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := js.DeleteStream(ctx, "PRESENCE"); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}

	// Devices announce that they are online on `presence.<device>`, and
	// the stream keeps the latest announcement of each. Per-message TTL is
	// off by default: a message with a TTL is refused, not stored without
	// one. `jetstream.WithMsgTTL` puts the TTL in the `Nats-TTL` header.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:              "PRESENCE",
		Subjects:          []string{"presence.>"},
		MaxMsgsPerSubject: 1,
	})
	if err != nil {
		return err
	}
	_, err = js.Publish(ctx, "presence.sensor-1", []byte("online"), jetstream.WithMsgTTL(time.Second))
	var apiErr *jetstream.APIError
	switch {
	case errors.As(err, &apiErr):
		fmt.Printf("publish with a TTL -> %s\n", apiErr.Description)
	case err != nil:
		return err
	default:
		return errors.New("a TTL was accepted by a stream that does not allow it")
	}

	// The stream is updated to allow it (`AllowMsgTTL`), with a stream
	// wide `MaxAge` of 3 s for messages without a TTL, and
	// `SubjectDeleteMarkerTTL`: when the last message of a subject
	// expires, the server stores a marker in its place, kept for 1 s.
	// (A `MaxAge` this short needs a duplicate window no longer than it.)
	// The update starts from a copy of the current configuration, so the
	// fields it does not name keep their values.
	info, err := stream.Info(ctx)
	if err != nil {
		return err
	}
	cfg := info.Config
	cfg.AllowMsgTTL = true
	cfg.SubjectDeleteMarkerTTL = time.Second
	cfg.MaxAge = 3 * time.Second
	cfg.Duplicates = time.Second
	if _, err := js.UpdateStream(ctx, cfg); err != nil {
		return err
	}
	fmt.Println("PRESENCE: allow_msg_ttl, max_age=3s, subject_delete_marker_ttl=1s")

	// Three announcements. sensor-1 is good for 1 s and must announce
	// again to stay listed. sensor-2 sets no TTL, so the stream's `MaxAge`
	// applies. The gateway's TTL is `never`: it outlives `MaxAge`. There is
	// no option for `never`, so that message is built with its header
	// (`jetstream.MsgTTLHeader`) and sent with `PublishMsg`.
	if _, err := js.Publish(ctx, "presence.sensor-1", []byte("online"), jetstream.WithMsgTTL(time.Second)); err != nil {
		return err
	}
	if _, err := js.Publish(ctx, "presence.sensor-2", []byte("online")); err != nil {
		return err
	}
	gateway := nats.NewMsg("presence.gateway")
	gateway.Header.Set(jetstream.MsgTTLHeader, "never")
	gateway.Data = []byte("online")
	if _, err := js.PublishMsg(ctx, gateway); err != nil {
		return err
	}

	// A consumer reading the stream sees the three announcements, then,
	// as the sensors expire, a delete marker for each: a message with no
	// data on the same subject, whose `Nats-Marker-Reason` header says
	// why (`MaxAge`, for a TTL or the stream's `MaxAge`) and whose
	// `Nats-TTL` is the marker's own lifetime. An ordered consumer suits a
	// reader like this one, which only follows along; `Next` waits at most
	// five seconds for each message.
	reader, err := js.OrderedConsumer(ctx, "PRESENCE", jetstream.OrderedConsumerConfig{})
	if err != nil {
		return err
	}
	iter, err := reader.Messages()
	if err != nil {
		return err
	}
	defer iter.Stop()
	for range 5 {
		msg, err := iter.Next(jetstream.NextMaxWait(5 * time.Second))
		if err != nil {
			return err
		}
		meta, err := msg.Metadata()
		if err != nil {
			return err
		}
		if reason := msg.Headers().Get("Nats-Marker-Reason"); reason != "" {
			fmt.Printf("  seq %d %s: delete marker, reason %s, kept %s\n",
				meta.Sequence.Stream, msg.Subject(), reason, msg.Headers().Get(jetstream.MsgTTLHeader))
		} else {
			fmt.Printf("  seq %d %s: '%s'\n", meta.Sequence.Stream, msg.Subject(), msg.Data())
		}
	}
	iter.Stop()

	// The markers expire in turn. We poll the stream's subjects every
	// 100 ms until only one is left, with a deadline: the gateway, which
	// ignores `MaxAge`.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if info, err = stream.Info(ctx, jetstream.WithSubjectFilter(">")); err != nil {
			return err
		}
		if len(info.State.Subjects) == 1 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("PRESENCE still holds %d subjects", len(info.State.Subjects))
		}
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Printf("PRESENCE holds %s\n", strings.Join(slices.Sorted(maps.Keys(info.State.Subjects)), ", "))

	// Clean up.
	if err := js.DeleteStream(ctx, "PRESENCE"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
