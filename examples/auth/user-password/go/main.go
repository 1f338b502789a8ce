// Users and passwords: the server knows each user by name, checks the
// password when the client connects, then applies that user's permissions
// to every publish and subscribe. In nats.go the credentials are a connect
// option, `nats.UserInfo`, and violations arrive at the connection's error
// handler.
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

// A client: its connection, the asynchronous errors the server reported
// to it, and a channel closed once it has closed.
type client struct {
	nc     *nats.Conn
	errs   chan error
	closed chan struct{}
}

// `connect` logs in as a user. Violations are not errors of the call that
// caused them: the server reports them later with an `-ERR` line, and
// nats.go passes them to the connection's `ErrorHandler`, on a goroutine
// of its own. The handler here only forwards each error into a channel;
// the main goroutine decides when to read it.
func connect(url, user, password string) (*client, error) {
	c := &client{errs: make(chan error, 8), closed: make(chan struct{})}
	nc, err := nats.Connect(url,
		nats.UserInfo(user, password),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			c.errs <- err
		}),
		nats.ClosedHandler(func(*nats.Conn) { close(c.closed) }),
	)
	c.nc = nc
	return c, err
}

// `expectViolation` waits for the next error the server reports to a
// client, at most two seconds, and prints it with the user's name. nats.go
// wraps the server's text around `nats.ErrPermissionViolation`, so
// `errors.Is` tells a permissions violation from any other error.
func (c *client) expectViolation(user string) error {
	select {
	case err := <-c.errs:
		if !errors.Is(err, nats.ErrPermissionViolation) {
			return fmt.Errorf("%s: unexpected error: %w", user, err)
		}
		fmt.Printf("%s: error: %v\n", user, err)
		return nil
	case <-time.After(2 * time.Second):
		return fmt.Errorf("%s: no violation reported", user)
	}
}

func (c *client) drain() error {
	if err := c.nc.Drain(); err != nil {
		return err
	}
	<-c.closed
	return nil
}

func run() error {
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}

	// First, a wrong password. The server answers the CONNECT with
	// "Authorization Violation" and closes the connection, and
	// `nats.Connect` returns `nats.ErrAuthorization`. (On a first
	// connection nats.go does not retry unless told to with
	// `nats.RetryOnFailedConnect`.)
	_, err := nats.Connect(url, nats.UserInfo("web", "not-the-password"))
	switch {
	case errors.Is(err, nats.ErrAuthorization):
		fmt.Printf("connect as web with a wrong password -> %v\n", err)
	case err != nil:
		return err
	default:
		return errors.New("a wrong password was accepted")
	}

	// Now connect both users with their real passwords. `nats.UserInfo`
	// puts them into the CONNECT message (so use TLS when the network is
	// not trusted); they can also be written in the URL as
	// `nats://web:web-secret@host:4222`.
	web, err := connect(url, "web", "web-secret")
	if err != nil {
		return err
	}
	defer web.nc.Close()
	orders, err := connect(url, "orders", "orders-secret")
	if err != nil {
		return err
	}
	defer orders.nc.Close()
	fmt.Println("connected as web and as orders")

	// The order service subscribes to `orders.>`, which its permissions
	// allow. It may publish nothing at all, except that `allow_responses`
	// lets it answer each request it receives, once, on that request's
	// reply subject. `Flush` returns once the server has handled the
	// subscription.
	if _, err := orders.nc.Subscribe("orders.>", func(msg *nats.Msg) {
		if err := msg.Respond(append([]byte("order accepted: "), msg.Data...)); err != nil {
			log.Printf("orders: %v", err)
		}
	}); err != nil {
		return err
	}
	if err := orders.nc.Flush(); err != nil {
		return err
	}

	// The web user may publish to `orders.>` and subscribe to `_INBOX.>`,
	// which is exactly what a request needs: publish the question, receive
	// the answer on a private inbox.
	reply, err := web.nc.Request("orders.new", []byte("2 coffees"), time.Second)
	if err != nil {
		return err
	}
	fmt.Printf("web: request orders.new -> %s\n", reply.Data)

	// Publishing outside its permissions does not fail the call: `Publish`
	// returns nil. The server drops the message and reports a permissions
	// violation, which arrives at the error handler a moment later.
	if err := web.nc.Publish("admin.shutdown", []byte("now")); err != nil {
		return err
	}
	if err := web.expectViolation("web"); err != nil {
		return err
	}

	// The same goes for subscribing: the order service may not listen on
	// `payments.>`. The connection stays open, and the messages it may
	// handle keep flowing.
	if _, err := orders.nc.SubscribeSync("payments.>"); err != nil {
		return err
	}
	if err := orders.expectViolation("orders"); err != nil {
		return err
	}

	// Even with `allow_responses`, the service cannot publish on its own.
	if err := orders.nc.Publish("orders.shipped", []byte("order 1")); err != nil {
		return err
	}
	if err := orders.expectViolation("orders"); err != nil {
		return err
	}

	return errors.Join(web.drain(), orders.drain())
}
