// Accounts are NATS's unit of multi-tenancy: each account has its own
// subject namespace, and two accounts share only what one explicitly
// exports and the other explicitly imports. All of it is server
// configuration (see server.conf); the clients are ordinary nats.go
// connections.
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// `connect` logs in as a user and returns, with the connection, a channel
// that is closed once the connection has closed after a drain.
func connect(url, user, password string) (*nats.Conn, <-chan struct{}, error) {
	closed := make(chan struct{})
	nc, err := nats.Connect(url, nats.UserInfo(user, password),
		nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	return nc, closed, err
}

func run() error {
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}

	// The user a client logs in as decides its account: `shop` belongs to
	// SHOP and `partner` to PARTNER (see server.conf).
	shop, shopClosed, err := connect(url, "shop", "shop-secret")
	if err != nil {
		return err
	}
	defer shop.Close()
	partner, partnerClosed, err := connect(url, "partner", "partner-secret")
	if err != nil {
		return err
	}
	defer partner.Close()

	// The shop's inventory service answers on `inventory.check`. It also
	// shows the reply subject it was given: for a request that crossed
	// accounts the server substitutes a reply subject of its own (starting
	// with `_R_.`), so the requester's inbox never leaks into the shop's
	// account. `Flush` makes sure the server has the subscription before
	// the partner sends to it.
	if _, err := shop.Subscribe("inventory.check", func(msg *nats.Msg) {
		fmt.Printf("shop: inventory.check '%s', reply subject starts with '%s'\n", msg.Data, msg.Reply[:4])
		if err := msg.Respond(fmt.Appendf(nil, "%s: 12 in stock", msg.Data)); err != nil {
			log.Printf("shop: %v", err)
		}
	}); err != nil {
		return err
	}
	if err := shop.Flush(); err != nil {
		return err
	}

	// The partner calls the service under the name it chose when importing
	// it. The server forwards the request into SHOP's account and routes
	// the answer back to the partner's private inbox.
	reply, err := partner.Request("shop.inventory.check", []byte("widget"), time.Second)
	if err != nil {
		return err
	}
	fmt.Printf("partner: request shop.inventory.check -> %s\n", reply.Data)

	// `inventory.check` in PARTNER's own namespace is a different subject
	// from the shop's, and nobody in PARTNER listens on it: the request
	// fails at once with `nats.ErrNoResponders`.
	_, err = partner.Request("inventory.check", []byte("widget"), time.Second)
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		fmt.Println("partner: request inventory.check -> no responders (not in this account)")
	case err != nil:
		return err
	default:
		return errors.New("a request reached another account without an import")
	}

	// Now the stream. The partner listens three ways: on the imported
	// subjects (`shop.orders.>`), on the shop's original subject name
	// (`orders.>`, which in PARTNER's namespace is unrelated), and on
	// `audit.>`, which the shop never exported.
	subs := []struct {
		label string
		sub   *nats.Subscription
	}{{label: "shop.orders.>"}, {label: "orders.>"}, {label: "audit.>"}}
	for i := range subs {
		if subs[i].sub, err = partner.SubscribeSync(subs[i].label); err != nil {
			return err
		}
	}
	if err := partner.Flush(); err != nil {
		return err
	}

	if err := shop.Publish("orders.created", []byte("order 1: 1 widget")); err != nil {
		return err
	}
	if err := shop.Publish("audit.login", []byte("admin logged in")); err != nil {
		return err
	}
	if err := shop.Flush(); err != nil {
		return err
	}
	fmt.Println("shop: published orders.created and audit.login")

	// Only the exported stream arrives, renamed with the partner's prefix.
	// `NextMsg` returns `nats.ErrTimeout` for the subscriptions that get
	// nothing.
	for _, s := range subs {
		msg, err := s.sub.NextMsg(500 * time.Millisecond)
		switch {
		case errors.Is(err, nats.ErrTimeout):
			fmt.Printf("partner: on %s nothing\n", s.label)
		case err != nil:
			return err
		default:
			fmt.Printf("partner: on %s received %s: %s\n", s.label, msg.Subject, msg.Data)
		}
	}

	if err := partner.Drain(); err != nil {
		return err
	}
	<-partnerClosed
	if err := shop.Drain(); err != nil {
		return err
	}
	<-shopClosed
	return nil
}
