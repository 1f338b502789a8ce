// The object store keeps files and blobs of any size in JetStream, cut
// into chunks. In nats.go it is part of the `jetstream` package, and it
// works with the standard `io` interfaces: `Put` reads from any
// `io.Reader`, `Get` returns an `io.ReadCloser`, so a file streams in and
// out without being held in memory.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
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
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// A bucket is backed by a stream called `OBJ_assets`. Other programs
	// open it with `js.ObjectStore(ctx, "assets")`. (Start clean: delete
	// the bucket first if an interrupted run left it.)
	if err := js.DeleteObjectStore(ctx, "assets"); err != nil && !errors.Is(err, jetstream.ErrBucketNotFound) {
		return err
	}
	store, err := js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: "assets"})
	if err != nil {
		return err
	}

	// A watcher reports every change to the bucket's objects on a channel:
	// first the objects already there (none yet), then a `nil` marker,
	// which we skip, then each put, metadata update and delete as it
	// happens. We read one update after each step below, waiting at most
	// two seconds for it.
	watcher, err := store.Watch(ctx)
	if err != nil {
		return err
	}
	defer watcher.Stop()
	nextUpdate := func() (*jetstream.ObjectInfo, error) {
		select {
		case info := <-watcher.Updates():
			return info, nil
		case <-time.After(2 * time.Second):
			return nil, errors.New("no watch update within 2 s")
		}
	}
	if _, err := nextUpdate(); err != nil {
		return err
	}
	showUpdate := func() error {
		info, err := nextUpdate()
		if err != nil {
			return err
		}
		if info.Deleted {
			fmt.Printf("  watch: %s: deleted\n", info.Name)
		} else {
			fmt.Printf("  watch: %s: %d bytes, %q\n", info.Name, info.Size, info.Description)
		}
		return nil
	}

	// `PutBytes` stores a small object from a byte slice (`PutString` from
	// a string). The `*jetstream.ObjectInfo` it returns describes what was
	// stored: the size, the number of chunks and a SHA-256 digest.
	info, err := store.PutBytes(ctx, "motd.txt", []byte("Welcome to NATS!\n"))
	if err != nil {
		return err
	}
	fmt.Printf("put %s: %d bytes in %d chunk\n", info.Name, info.Size, info.Chunks)
	if err := showUpdate(); err != nil {
		return err
	}

	// Files go in a temporary folder, removed by the deferred call
	// whatever happens.
	tmp, err := os.MkdirTemp("", "os-intro")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	// Why chunks: a NATS message may not exceed the server's
	// `max_payload`, 1 MiB by default, which the client learns when it
	// connects (`nc.MaxPayload`). Our report is 2.5 MiB, generated so its
	// content (and digest) is the same on every run; as one message,
	// `Publish` refuses it with `nats.ErrMaxPayload` before it leaves the
	// client.
	var report bytes.Buffer
	for i := range 100_000 {
		fmt.Fprintf(&report, "%08d,%016d\n", i, i*i)
	}
	source := filepath.Join(tmp, "report.csv")
	if err := os.WriteFile(source, report.Bytes(), 0o600); err != nil {
		return err
	}
	fmt.Printf("server max_payload: %d bytes\n", nc.MaxPayload())
	err = nc.Publish("reports.raw", report.Bytes())
	switch {
	case errors.Is(err, nats.ErrMaxPayload):
		fmt.Printf("publish %d bytes as one message -> %v\n", report.Len(), err)
	case err != nil:
		return err
	default:
		return errors.New("a message larger than max_payload was published")
	}

	// The object store cuts it up. `Put` reads the open file in 128 KiB
	// chunks and publishes each as a message, so even very large files
	// never have to fit in memory. `ObjectMeta` names the object and can
	// describe it.
	f, err := os.Open(source)
	if err != nil {
		return err
	}
	info, err = store.Put(ctx, jetstream.ObjectMeta{Name: "reports/2024-05.csv", Description: "monthly report"}, f)
	f.Close()
	if err != nil {
		return err
	}
	fmt.Printf("put %s: %d bytes in %d chunks\n", info.Name, info.Size, info.Chunks)
	fmt.Printf("  digest %s\n", info.Digest)
	if err := showUpdate(); err != nil {
		return err
	}

	// `Get` returns a reader that reassembles the object from its chunks
	// as it is read, and checks the digest at the end: a mismatch comes
	// back as `jetstream.ErrDigestMismatch` from the last `Read`.
	// `io.Copy` streams it into a file. (`GetFile` does the same in one
	// call.)
	if err := func() error {
		obj, err := store.Get(ctx, "reports/2024-05.csv")
		if err != nil {
			return err
		}
		defer obj.Close()
		target, err := os.Create(filepath.Join(tmp, "downloaded.csv"))
		if err != nil {
			return err
		}
		defer target.Close()
		_, err = io.Copy(target, obj)
		return err
	}(); err != nil {
		return err
	}
	downloaded, err := os.ReadFile(filepath.Join(tmp, "downloaded.csv"))
	if err != nil {
		return err
	}
	fmt.Printf("get reports/2024-05.csv into a file: identical to the original: %t\n",
		bytes.Equal(downloaded, report.Bytes()))

	// `UpdateMeta` rewrites the metadata message only (here the
	// description), leaving the chunks alone, and watchers see it. The
	// name in the new metadata may differ from the old one, which renames
	// the object.
	if err := store.UpdateMeta(ctx, "reports/2024-05.csv",
		jetstream.ObjectMeta{Name: "reports/2024-05.csv", Description: "final report"}); err != nil {
		return err
	}
	if info, err = store.GetInfo(ctx, "reports/2024-05.csv"); err != nil {
		return err
	}
	fmt.Printf("update_meta: description=%q, still %d chunks\n", info.Description, info.Chunks)
	if err := showUpdate(); err != nil {
		return err
	}

	// `Delete` purges the object's chunks and leaves a marker saying it
	// is gone, so a later lookup fails with `jetstream.ErrObjectNotFound`,
	// and watchers see the deletion. `List` leaves deleted objects out.
	if err := store.Delete(ctx, "motd.txt"); err != nil {
		return err
	}
	if err := showUpdate(); err != nil {
		return err
	}
	_, err = store.Get(ctx, "motd.txt")
	switch {
	case errors.Is(err, jetstream.ErrObjectNotFound):
		fmt.Println("get motd.txt after delete: not found")
	case err != nil:
		return err
	default:
		return errors.New("a deleted object was found")
	}
	objects, err := store.List(ctx)
	if err != nil {
		return err
	}
	var names []string
	for _, o := range objects {
		names = append(names, o.Name)
	}
	fmt.Printf("list after delete: %q\n", names)

	// Clean up: stop the watcher (the deferred call then does nothing),
	// and delete the bucket with its stream.
	if err := watcher.Stop(); err != nil {
		return err
	}
	if err := js.DeleteObjectStore(ctx, "assets"); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
