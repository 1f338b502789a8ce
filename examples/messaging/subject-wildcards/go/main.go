// Wildcards are part of core NATS, so only the `nats` package is needed.
// `sync` provides the mutex that guards the table the handlers fill in.
package main

import (
	"fmt"
	"log"
	"os"
	"strings"
	"sync"

	"github.com/nats-io/nats.go"
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

	// As in every example here, the `ClosedHandler` closes `closed` when
	// the connection has finished draining.
	closed := make(chan struct{})
	nc, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) {
		close(closed)
	}))
	if err != nil {
		return err
	}
	defer nc.Close()

	// Four subscriptions, each with a different pattern:
	//
	// - `orders.*`: `orders` followed by exactly one more token.
	// - `orders.*.shipped`: a `*` can stand in the middle, here for a region.
	// - `orders.>`: everything below `orders`, however deep.
	// - `*.eu.>`: wildcards combine; any first token, then `eu`, then at
	//   least one more token.
	patterns := []string{"orders.*", "orders.*.shipped", "orders.>", "*.eu.>"}

	// Each handler records the subjects it was given. `msg.Subject` is the
	// concrete subject the message was published to, not the pattern, so
	// a wildcard handler can tell the messages apart.
	//
	// nats.go runs each subscription's handler on its own goroutine, so the
	// four handlers may run at the same moment. They share the `received`
	// map, and a Go map must not be written from two goroutines at once:
	// the mutex makes them take turns.
	var mu sync.Mutex
	received := map[string]map[string]bool{}
	for _, pattern := range patterns {
		received[pattern] = map[string]bool{}
		_, err := nc.Subscribe(pattern, func(msg *nats.Msg) {
			mu.Lock()
			defer mu.Unlock()
			received[pattern][msg.Subject] = true
		})
		if err != nil {
			return err
		}
	}

	// Publish one message to each subject. The server compares each
	// subject with every pattern and delivers a copy to each subscription
	// that matches. A subject may match several patterns, or none at all.
	subjects := []string{
		"orders",
		"orders.new",
		"orders.eu.shipped",
		"orders.us.shipped",
		"orders.eu.paris.shipped",
	}
	for _, subject := range subjects {
		if err := nc.Publish(subject, nil); err != nil {
			return err
		}
	}

	// Draining unsubscribes, lets every handler finish the messages already
	// on their way, then closes the connection. Once `closed` is closed no
	// handler runs any more, so the table is complete.
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed

	// Print one row per subject and one column per subscription. Notice:
	//
	// - `orders` matches nothing: `*` and `>` both need at least one token.
	// - `orders.eu.paris.shipped` has one token too many for
	//   `orders.*.shipped`; a `*` never spans two tokens.
	// - Only `orders.>` sees every order event.
	width := 0
	for _, subject := range subjects {
		width = max(width, len(subject)+2)
	}
	row := func(first string, cells []string) {
		line := fmt.Sprintf("%-*s", width, first)
		for _, cell := range cells {
			line += fmt.Sprintf("%-18s", cell)
		}
		fmt.Println(strings.TrimRight(line, " "))
	}
	row("subject", patterns)
	for _, subject := range subjects {
		var marks []string
		for _, pattern := range patterns {
			if received[pattern][subject] {
				marks = append(marks, "yes")
			} else {
				marks = append(marks, "-")
			}
		}
		row(subject, marks)
	}
	return nil
}
