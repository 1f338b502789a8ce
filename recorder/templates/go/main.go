// Say in a sentence or two what this program shows and why it matters.
// Every comment block becomes a paragraph of the page, shown beside the
// code that follows it, so write for a reader learning NATS with nats.go
// and replace these hints as you go. The program is built from the one Go
// module in `examples/` (`go.mod` pins nats.go); if you import another
// package, run `go mod tidy` there and commit `go.mod` and `go.sum`.
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/nats-io/nats.go"
)

// Keep the steps in `run` and return every error from it: `main` reports
// the error and exits non-zero, and the deferred cleanup in `run` still
// happens.
func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	// Connect to the servers the recorder started (`NATS_URL`, possibly a
	// comma-separated list), or to a local server. Closing `closed` in the
	// `ClosedHandler` lets the end of `run` wait for the drain.
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

	// Write the example here, one comment block before each step. Print
	// labelled, deterministic lines (no timestamps, inboxes or IDs): the
	// output is shown on the page and replayed at half speed, and the
	// `expect` patterns in meta.yaml must match it in every language.
	// Delete any stream, consumer, bucket or object you create before you
	// create it and again at the end, so a second run prints the same.
	fmt.Println("connected")

	// `Drain` lets everything in flight finish, then closes the
	// connection; it returns before that is done, so wait for `closed`.
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	fmt.Println("done")
	return nil
}
