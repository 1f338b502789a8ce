// A key-value bucket is not a separate storage engine: it is a stream with
// a naming convention, a few settings, and a header that marks deletes.
// This program looks underneath a bucket with the ordinary stream API of
// nats.go's `jetstream` package.
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

// The name of an entry's operation as the `KV-Operation` header writes it,
// or its value for a put.
func describe(e jetstream.KeyValueEntry) string {
	switch e.Operation() {
	case jetstream.KeyValueDelete:
		return "DEL"
	case jetstream.KeyValuePurge:
		return "PURGE"
	}
	return string(e.Value())
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
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// Start clean: delete the bucket if an interrupted run left it.
	if err := js.DeleteKeyValue(ctx, "profiles"); err != nil && !errors.Is(err, jetstream.ErrBucketNotFound) {
		return err
	}

	// Creating bucket `profiles` creates stream `KV_profiles`, listening
	// on `$KV.profiles.>`: key `alice` is subject `$KV.profiles.alice`.
	// `History` becomes the stream's limit of messages per subject, so a
	// key's oldest revisions make way for new ones. `DiscardNew` makes a
	// full bucket (one that reached its `MaxBytes`) refuse writes rather
	// than drop the oldest messages, which could be other keys' current
	// values. `DenyDelete` forbids removing single messages through the
	// stream API, and `AllowRollup` lets a purge replace a key's whole
	// history (see below). nats.go also turns on `AllowDirect`, so that
	// reads use direct get. `js.Stream` opens the stream by its name, like
	// any other.
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "profiles", History: 5})
	if err != nil {
		return err
	}
	stream, err := js.Stream(ctx, "KV_profiles")
	if err != nil {
		return err
	}
	c := stream.CachedInfo().Config
	fmt.Printf("bucket profiles is stream %s, subjects %s\n", c.Name, strings.Join(c.Subjects, ", "))
	fmt.Printf("  max_msgs_per_subject=%d discard=%v deny_delete=%t allow_rollup_hdrs=%t\n",
		c.MaxMsgsPerSubject, c.Discard, c.DenyDelete, c.AllowRollup)

	// A put is a JetStream publish, and the revision is the stream
	// sequence. So a plain publish on the key's subject is a put too,
	// and the bucket API reads it back like any other value.
	if _, err := kv.Put(ctx, "alice", []byte("v1")); err != nil {
		return err
	}
	if _, err := kv.Put(ctx, "alice", []byte("v2")); err != nil {
		return err
	}
	if _, err := js.Publish(ctx, "$KV.profiles.bob", []byte("published")); err != nil {
		return err
	}
	bob, err := kv.Get(ctx, "bob")
	if err != nil {
		return err
	}
	fmt.Printf("publish $KV.profiles.bob -> get bob = '%s' (rev %d)\n", bob.Value(), bob.Revision())
	for _, v := range []string{"c1", "c2"} {
		if _, err := kv.Put(ctx, "carol", []byte(v)); err != nil {
			return err
		}
	}

	// Deleting a key cannot remove its messages (`DenyDelete`), so the
	// client writes a new message on the key's subject: empty, with the
	// header `KV-Operation: DEL`. Readers treat it as "no value", and the
	// earlier revisions stay in the history. Purging writes
	// `KV-Operation: PURGE` together with `Nats-Rollup: sub`, which makes
	// the server drop every earlier message of that subject. The markers
	// themselves stay, as tombstones, until `PurgeDeletes` clears out the
	// old ones.
	if err := kv.Delete(ctx, "alice"); err != nil {
		return err
	}
	if err := kv.Purge(ctx, "carol"); err != nil {
		return err
	}

	// Read the stream itself, message by message. Sequences 4 and 5, the
	// two values of carol, are gone: the purge rolled them up, and
	// `GetMsg` answers `jetstream.ErrMsgNotFound`. A direct get adds
	// headers of its own to the answer (`Nats-Stream`, `Nats-Sequence`,
	// `Nats-Subject`, `Nats-Time-Stamp`), which `RawStreamMsg` also
	// offers as fields; the loop prints only the headers that were
	// stored.
	info, err := stream.Info(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("stream KV_profiles: %d messages\n", info.State.Msgs)
	added := []string{jetstream.StreamHeader, jetstream.SequenceHeader, jetstream.SubjectHeader, jetstream.TimeStampHeaer}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		msg, err := stream.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			fmt.Printf("  seq %d: removed\n", seq)
			continue
		}
		if err != nil {
			return err
		}
		var headers []string
		for _, name := range slices.Sorted(maps.Keys(msg.Header)) {
			if !slices.Contains(added, name) {
				headers = append(headers, name+": "+msg.Header.Get(name))
			}
		}
		data := "(no data)"
		if len(msg.Data) > 0 {
			data = fmt.Sprintf("'%s'", msg.Data)
		}
		fmt.Println(strings.TrimRight(fmt.Sprintf("  seq %d: %s %s %s", seq, msg.Subject, data, strings.Join(headers, ", ")), " "))
	}

	// Through the bucket API: a deleted key is not found, but its history
	// is still there, ending with the delete; a purged key keeps only the
	// purge marker; and the key listing skips both.
	if _, err := kv.Get(ctx, "alice"); errors.Is(err, jetstream.ErrKeyNotFound) {
		fmt.Println("get alice -> not found")
	} else {
		return fmt.Errorf("get alice: %v", err)
	}
	for _, key := range []string{"alice", "carol"} {
		history, err := kv.History(ctx, key)
		if err != nil {
			return err
		}
		var ops []string
		for _, e := range history {
			ops = append(ops, describe(e))
		}
		fmt.Printf("history of %s: %s\n", key, strings.Join(ops, ", "))
	}
	keys, err := kv.Keys(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("keys: %s\n", strings.Join(keys, ", "))

	// Clean up: deleting the bucket deletes its stream.
	if err := js.DeleteKeyValue(ctx, "profiles"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
