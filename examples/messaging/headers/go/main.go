// Headers are part of core NATS (servers 2.2 and later). In nats.go they
// are the `nats.Header` type, set on a `*nats.Msg` and sent with
// `PublishMsg` or `RequestMsg`; nothing beyond the `nats` package is needed.
package main

import (
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
	"time"

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

	closed := make(chan struct{})
	nc, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) {
		close(closed)
	}))
	if err != nil {
		return err
	}
	defer nc.Close()

	sub, err := nc.SubscribeSync("orders.new")
	if err != nil {
		return err
	}

	// `Publish` takes only a subject and a payload. To send headers, build
	// a `*nats.Msg` (`nats.NewMsg` gives it an empty header map) and pass
	// it to `PublishMsg`. Here the headers say how to decode the payload
	// and which order it is about, so a consumer can route or log the
	// message without parsing the body.
	msg := nats.NewMsg("orders.new")
	msg.Header.Set("Content-Type", "application/json")
	msg.Header.Set("Order-Id", "42")
	msg.Data = []byte(`{"item": "coffee", "quantity": 2}`)
	if err := nc.PublishMsg(msg); err != nil {
		return err
	}

	// `nats.Header` is a `map[string][]string`, like `http.Header`, with
	// one difference: its methods do not change the case of names. Names
	// arrive exactly as sent and `Get` looks them up case-sensitively, so
	// agree on one spelling (`Order-Id`, not `order-id`) across services.
	// A Go map has no order, so the names are sorted before printing.
	received, err := sub.NextMsg(time.Second)
	if err != nil {
		return err
	}
	fmt.Printf("received %s with headers:\n", received.Subject)
	names := make([]string, 0, len(received.Header))
	for name := range received.Header {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Printf("  %s: %s\n", name, received.Header.Get(name))
	}
	fmt.Printf("payload: %s\n", received.Data)

	// A message published without headers has a nil `Header`. Reading a
	// nil map is safe in Go (`Get` returns ""), so optional headers need
	// no special case; only writing to it would panic.
	if err := nc.Publish("orders.new", []byte("{}")); err != nil {
		return err
	}
	if received, err = sub.NextMsg(time.Second); err != nil {
		return err
	}
	fmt.Printf("received without headers: msg.Header is nil: %t\n", received.Header == nil)

	// Headers work on requests and replies too. A common use is a trace ID
	// that every service copies along, so one request can be followed
	// through the logs of many services.
	//
	// `msg.Respond` sends only a payload. To answer with headers, build
	// the reply as a `*nats.Msg` and send it with `msg.RespondMsg`, which
	// addresses it to the request's reply subject. The handler runs on the
	// subscription's goroutine and has nobody to return an error to, so
	// it logs a failed reply.
	_, err = nc.Subscribe("price.coffee", func(req *nats.Msg) {
		traceID := req.Header.Get("Trace-Id")
		fmt.Printf("service saw Trace-Id: %s\n", traceID)
		reply := nats.NewMsg(req.Reply)
		reply.Header.Set("Trace-Id", traceID)
		reply.Header.Set("Served-By", "pricing-1")
		reply.Data = []byte("3.50")
		if err := req.RespondMsg(reply); err != nil {
			log.Printf("could not reply: %v", err)
		}
	})
	if err != nil {
		return err
	}

	// `RequestMsg` is `Request` for a whole message: it fills in the reply
	// subject, sends the headers along and waits up to the timeout.
	req := nats.NewMsg("price.coffee")
	req.Header.Set("Trace-Id", "trace-7f3a")
	reply, err := nc.RequestMsg(req, time.Second)
	if err != nil {
		return err
	}
	fmt.Printf("reply: %s\n", reply.Data)
	fmt.Printf("reply headers: %v\n", reply.Header)

	// The NATS protocol allows a header name to appear more than once, and
	// nats.go keeps every value: `Add` appends one, `Values` returns them
	// all in order (`Get` only the first). No need to pack a list into a
	// single comma-separated value.
	msg = nats.NewMsg("orders.new")
	msg.Header.Add("Tags", "fragile")
	msg.Header.Add("Tags", "gift")
	if err := nc.PublishMsg(msg); err != nil {
		return err
	}
	if received, err = sub.NextMsg(time.Second); err != nil {
		return err
	}
	tags := received.Header.Values("Tags")
	fmt.Printf("Tags has %d values: %s\n", len(tags), strings.Join(tags, ", "))

	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
