// An object store keeps, next to each object's chunks, one small metadata
// message: name, size, digest, description, headers. Watching a bucket
// means following those messages, changing metadata means replacing one,
// and a link is an object that has nothing but metadata. This program uses
// the object store API of nats.go's `jetstream` package.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()

	// Start clean: delete the buckets if an interrupted run left them.
	for _, bucket := range []string{"assets", "releases"} {
		if err := js.DeleteObjectStore(ctx, bucket); err != nil && !errors.Is(err, jetstream.ErrBucketNotFound) {
			return err
		}
	}
	assets, err := js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: "assets"})
	if err != nil {
		return err
	}
	releases, err := js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: "releases"})
	if err != nil {
		return err
	}
	stored := func() (uint64, error) {
		stream, err := js.Stream(ctx, "OBJ_assets")
		if err != nil {
			return 0, err
		}
		return stream.CachedInfo().State.Msgs, nil
	}

	// A 300 KiB logo, the same bytes on every run. nats.go cuts it into
	// 128 KiB chunks: three chunk messages plus one metadata message.
	pattern := make([]byte, 256)
	for i := range pattern {
		pattern[i] = byte(i)
	}
	logo := bytes.Repeat(pattern, 1200)
	info, err := assets.PutBytes(ctx, "logo.png", logo)
	if err != nil {
		return err
	}
	fmt.Printf("put logo.png: %d bytes in %d chunks\n", info.Size, info.Chunks)
	n, err := stored()
	if err != nil {
		return err
	}
	fmt.Printf("OBJ_assets holds %d messages\n", n)

	// A watcher started now first reports the objects already there, then
	// `nil` to say it has caught up, then every change as it happens.
	// Each update is a `*jetstream.ObjectInfo`, read from the metadata
	// message. (The `jetstream.UpdatesOnly()` option would skip the
	// objects already there.)
	watcher, err := assets.Watch(ctx)
	if err != nil {
		return err
	}
	defer watcher.Stop()
	showUpdate := func() error {
		var info *jetstream.ObjectInfo
		select {
		case info = <-watcher.Updates():
		case <-time.After(2 * time.Second):
			return errors.New("no watch update within 2 s")
		}
		switch {
		case info == nil:
			fmt.Println("  watch: caught up")
		case info.Deleted:
			fmt.Printf("  watch: %s deleted\n", info.Name)
		default:
			details := []string{fmt.Sprintf("%d bytes", info.Size)}
			if info.Description != "" {
				details = append(details, fmt.Sprintf("'%s'", info.Description))
			}
			for _, name := range slices.Sorted(maps.Keys(info.Headers)) {
				details = append(details, name+": "+strings.Join(info.Headers.Values(name), ", "))
			}
			fmt.Printf("  watch: %s: %s\n", info.Name, strings.Join(details, ", "))
		}
		return nil
	}
	for range 2 {
		if err := showUpdate(); err != nil {
			return err
		}
	}

	// `UpdateMeta` publishes a new metadata message for the object and the
	// stream's rollup drops the old one: the chunks are not touched, and
	// the stream holds as many messages as before. It takes a whole
	// `ObjectMeta`: fields left out are cleared, and a different `Name`
	// renames the object. `Headers` is a `nats.Header`, a name mapped to a
	// list of values, as in NATS message headers.
	if err := assets.UpdateMeta(ctx, "logo.png", jetstream.ObjectMeta{
		Name:        "logo.png",
		Description: "company logo",
		Headers:     nats.Header{"Content-Type": []string{"image/png"}},
	}); err != nil {
		return err
	}
	fmt.Println("update_meta logo.png: a description and a header")
	if err := showUpdate(); err != nil {
		return err
	}
	if n, err = stored(); err != nil {
		return err
	}
	fmt.Printf("OBJ_assets still holds %d messages\n", n)

	// A link is an object whose metadata points at another object, here
	// in another bucket; reading the link reads the target. `AddLink`
	// takes the target's `ObjectInfo` and stores an object with no chunks
	// and a pointer to the target's bucket and name. `Get` follows it:
	// the result's `Info` is the target's, and reading it returns the
	// target's bytes. `io.ReadAll` reads it to the end, which is also when
	// the digest is checked.
	target, err := assets.GetInfo(ctx, "logo.png")
	if err != nil {
		return err
	}
	if _, err := releases.AddLink(ctx, "current-logo", target); err != nil {
		return err
	}
	readLink := func() ([]byte, *jetstream.ObjectInfo, error) {
		result, err := releases.Get(ctx, "current-logo")
		if err != nil {
			return nil, nil, err
		}
		defer result.Close()
		data, err := io.ReadAll(result)
		if err != nil {
			return nil, nil, err
		}
		info, err := result.Info()
		return data, info, err
	}
	data, linked, err := readLink()
	if err != nil {
		return err
	}
	fmt.Printf("get releases/current-logo -> %s/%s: %d bytes, identical: %t\n",
		linked.Bucket, linked.Name, len(data), bytes.Equal(data, logo))

	// Putting `logo.png` again replaces it: new chunks, and new metadata
	// (the description and headers are gone, since this put gave none).
	// The link names an object, not a version, so it now reads the new
	// logo.
	if info, err = assets.PutBytes(ctx, "logo.png", logo[:2048]); err != nil {
		return err
	}
	fmt.Printf("put logo.png again: %d bytes\n", info.Size)
	if err := showUpdate(); err != nil {
		return err
	}
	if data, _, err = readLink(); err != nil {
		return err
	}
	fmt.Printf("get releases/current-logo: %d bytes\n", len(data))

	// Deleting the target leaves the link dangling: reading it fails with
	// `jetstream.ErrObjectNotFound`, as if the object had never been
	// there.
	if err := assets.Delete(ctx, "logo.png"); err != nil {
		return err
	}
	fmt.Println("delete logo.png")
	if err := showUpdate(); err != nil {
		return err
	}
	_, _, err = readLink()
	switch {
	case errors.Is(err, jetstream.ErrObjectNotFound):
		fmt.Println("get releases/current-logo: not found")
	case err != nil:
		return err
	default:
		return errors.New("a dangling link was read")
	}

	// Clean up: stop the watcher (the deferred call then does nothing),
	// then delete both buckets.
	if err := watcher.Stop(); err != nil {
		return err
	}
	for _, bucket := range []string{"assets", "releases"} {
		if err := js.DeleteObjectStore(ctx, bucket); err != nil {
			return err
		}
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
