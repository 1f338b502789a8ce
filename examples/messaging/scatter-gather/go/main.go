// Scatter-gather is built from core NATS pieces. The standard library's
// `context` carries the deadline of each gathering round.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// A quote is one shop's answer.
type quote struct {
	shop  string
	price float64
}

// `scatterGather` sends one request to everyone subscribed to `subject`
// and gathers their replies until the context's deadline passes, or until
// `maxReplies` have arrived (0 means no limit).
//
// `nc.Request` stops at the first reply, so the steps are done by hand.
// `NewInbox` returns a unique subject (`_INBOX.` and a random ID) that
// only this requester listens on. Subscribing to it *before* publishing
// ensures no early reply is missed, and `PublishRequest` sends the request
// with the inbox as its reply subject: that is `msg.Reply` for the
// responders. `defer sub.Unsubscribe()` stops listening when the function
// returns; a reply that arrives later finds no interest and is dropped by
// the server.
//
// `NextMsgWithContext` waits for the next reply until the context is
// done, then returns the context's error, `context.DeadlineExceeded`. If
// nobody at all is subscribed to the subject, the server says so at once
// by sending the inbox an empty message with a 503 status header, and
// nats.go turns that message into `nats.ErrNoResponders`.
func scatterGather(ctx context.Context, nc *nats.Conn, subject string, maxReplies int) ([]quote, error) {
	inbox := nc.NewInbox()
	sub, err := nc.SubscribeSync(inbox)
	if err != nil {
		return nil, err
	}
	defer sub.Unsubscribe()
	if err := nc.PublishRequest(subject, inbox, nil); err != nil {
		return nil, err
	}

	var quotes []quote
	for maxReplies == 0 || len(quotes) < maxReplies {
		msg, err := sub.NextMsgWithContext(ctx)
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			return quotes, nil
		case errors.Is(err, nats.ErrNoResponders):
			fmt.Printf("nobody answers %s: no responders\n", subject)
			return quotes, nil
		case err != nil:
			return nil, err
		}
		shop, price, _ := strings.Cut(string(msg.Data), " ")
		value, err := strconv.ParseFloat(price, 64)
		if err != nil {
			return nil, fmt.Errorf("bad quote %q: %w", msg.Data, err)
		}
		quotes = append(quotes, quote{shop, value})
	}
	return quotes, nil
}

func run() error {
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}

	// The shops and the requester are separate clients, each with its own
	// connection (they could be five programs). `shopsClosed` and
	// `clientClosed` report when each connection has finished draining.
	shopsClosed := make(chan struct{})
	shops, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) {
		close(shopsClosed)
	}))
	if err != nil {
		return err
	}
	defer shops.Close()

	// Four shops answer price requests on `quote.coffee`. They use plain
	// subscriptions, not a queue group, so every one of them receives each
	// request. Each takes a different time to answer; `slow-brew` is so
	// slow that it will miss the requester's deadline. nats.go runs each
	// subscription's handler on a goroutine of its own, so a shop that
	// sleeps holds up only its own requests, not the other shops'.
	type shop struct {
		name, price string
		delay       time.Duration
	}
	for _, s := range []shop{
		{"cafe-corner", "3.40", 50 * time.Millisecond},
		{"daily-grind", "2.90", 100 * time.Millisecond},
		{"bean-barn", "3.10", 200 * time.Millisecond},
		{"slow-brew", "2.50", time.Second},
	} {
		_, err := shops.Subscribe("quote.coffee", func(msg *nats.Msg) {
			time.Sleep(s.delay)
			if err := msg.Respond([]byte(s.name + " " + s.price)); err != nil {
				log.Printf("%s could not answer: %v", s.name, err)
			}
		})
		if err != nil {
			return err
		}
	}
	// One round trip makes sure the server has every shop's subscription
	// before the first request goes out.
	if err := shops.Flush(); err != nil {
		return err
	}

	clientClosed := make(chan struct{})
	client, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) {
		close(clientClosed)
	}))
	if err != nil {
		return err
	}
	defer client.Close()

	// First round: wait 0.5 s and take whatever has arrived. Three shops
	// make it; `slow-brew` does not, and the requester does not wait for
	// it. `context.WithTimeout` makes a context that is done after 0.5 s;
	// calling `cancel` releases its timer, and `defer` makes sure it is
	// called. Replies arrive in whatever order the shops finish, so they
	// are sorted before printing.
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	quotes, err := scatterGather(ctx, client, "quote.coffee", 0)
	if err != nil {
		return err
	}
	slices.SortFunc(quotes, func(a, b quote) int { return strings.Compare(a.shop, b.shop) })
	fmt.Printf("gathered %d quotes before the deadline:\n", len(quotes))
	for _, q := range quotes {
		fmt.Printf("  %s: %.2f\n", q.shop, q.price)
	}
	cheapest := slices.MinFunc(quotes, func(a, b quote) int { return cmp.Compare(a.price, b.price) })
	fmt.Printf("cheapest: %s at %.2f\n", cheapest.shop, cheapest.price)

	// Second round: stop as soon as two replies are in. This trades
	// completeness for latency, for example when any two answers are
	// enough to go on. The two fastest shops answer first.
	ctx, cancel = context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if quotes, err = scatterGather(ctx, client, "quote.coffee", 2); err != nil {
		return err
	}
	var names []string
	for _, q := range quotes {
		names = append(names, q.shop)
	}
	slices.Sort(names)
	fmt.Printf("gathered the first %d quotes: %s\n", len(quotes), strings.Join(names, ", "))

	// Third round: no shop sells tea. Instead of waiting out the deadline,
	// the gatherer learns at once that nobody is listening.
	ctx, cancel = context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if quotes, err = scatterGather(ctx, client, "quote.tea", 0); err != nil {
		return err
	}
	fmt.Printf("gathered %d tea quotes\n", len(quotes))

	// Draining the shops' connection waits for their handlers to finish,
	// including `slow-brew`'s late answers, which nobody receives anymore.
	if err := client.Drain(); err != nil {
		return err
	}
	<-clientClosed
	if err := shops.Drain(); err != nil {
		return err
	}
	<-shopsClosed
	return nil
}
