// A request's reply travels on an ordinary subject, the requester's
// *inbox*, and anyone allowed to subscribe to it can read the reply. This
// program shows the leak and the fix: a private inbox prefix per user,
// enforced by permissions, and set in nats.go with the
// `nats.CustomInboxPrefix` option. `regexp` hides the random part of inbox
// names in the output.
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// The random part of an inbox name: 22 letters and digits.
var random = regexp.MustCompile(`(?i)(_inbox\.)[a-z0-9]{22}`)

// A client: its connection, the errors the server reported to it
// asynchronously, and a channel closed once it has closed.
type client struct {
	nc     *nats.Conn
	errs   chan error
	closed chan struct{}
}

// `connect` logs in as a user, with any extra options. Permission
// violations come back asynchronously, to the connection's
// `ErrorHandler`, on a goroutine of nats.go's; it forwards them into a
// channel for the main goroutine to print.
func connect(url, user string, options ...nats.Option) (*client, error) {
	c := &client{errs: make(chan error, 8), closed: make(chan struct{})}
	options = append(options,
		nats.UserInfo(user, user+"-secret"),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { c.errs <- err }),
		nats.ClosedHandler(func(*nats.Conn) { close(c.closed) }),
	)
	nc, err := nats.Connect(url, options...)
	c.nc = nc
	return c, err
}

// `expectViolation` prints the next permissions violation reported to a
// client, with the random part of an inbox name hidden so that the output
// is the same on every run.
func (c *client) expectViolation(user string) error {
	select {
	case err := <-c.errs:
		if !errors.Is(err, nats.ErrPermissionViolation) {
			return err
		}
		fmt.Printf("  %s: error: %s\n", user, random.ReplaceAllString(err.Error(), "${1}<random>"))
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

	// The bank answers balance requests on `bank.balance`.
	balances := map[string]string{"alice": "120 EUR", "bob": "75 EUR"}
	bank, err := connect(url, "bank")
	if err != nil {
		return err
	}
	defer bank.nc.Close()
	if _, err := bank.nc.Subscribe("bank.balance", func(msg *nats.Msg) {
		who := string(msg.Data)
		if err := msg.Respond([]byte(who + ": " + balances[who])); err != nil {
			log.Printf("bank: %v", err)
		}
	}); err != nil {
		return err
	}
	if err := bank.nc.Flush(); err != nil {
		return err
	}

	// By default nats.go receives replies on `_INBOX.<random>.*`, and the
	// usual permission for that is `_INBOX.>`: every inbox. eve has it,
	// and subscribes to all of it. The random part hides nothing from a
	// wildcard.
	eve, err := connect(url, "eve")
	if err != nil {
		return err
	}
	defer eve.nc.Close()
	overheard, err := eve.nc.SubscribeSync("_INBOX.>")
	if err != nil {
		return err
	}
	if err := eve.nc.Flush(); err != nil {
		return err
	}

	// alice connects with `nats.CustomInboxPrefix("_INBOX.alice")`: her
	// replies come to `_INBOX.alice.<random>.<random>`, the only inboxes
	// her permissions let her subscribe to. Her request works, and eve
	// reads the answer too.
	alice, err := connect(url, "alice", nats.CustomInboxPrefix("_INBOX.alice"))
	if err != nil {
		return err
	}
	defer alice.nc.Close()
	reply, err := alice.nc.Request("bank.balance", []byte("alice"), time.Second)
	if err != nil {
		return err
	}
	fmt.Printf("alice: request bank.balance -> '%s'\n", reply.Data)
	leaked, err := overheard.NextMsg(time.Second)
	if err != nil {
		return err
	}
	prefix := strings.Join(strings.Split(leaked.Subject, ".")[:2], ".")
	fmt.Printf("eve, allowed _INBOX.>, overheard on %s.*.*: '%s'\n", prefix, leaked.Data)

	// eve has made her point and stops listening. (Left subscribed, her
	// synchronous subscription would collect every later reply unread,
	// and draining her connection at the end would wait for someone to
	// read them, until its 30-second drain timeout.)
	if err := overheard.Unsubscribe(); err != nil {
		return err
	}

	// The fix is in the permissions: each user may subscribe to its own
	// prefix only, as bob may to `_INBOX.bob.>`. His attempts to listen to
	// every inbox, or to alice's, are refused by the server. `Subscribe`
	// itself returns nil; the refusal arrives a moment later.
	fmt.Println("bob tries to listen to other inboxes:")
	bob, err := connect(url, "bob")
	if err != nil {
		return err
	}
	defer bob.nc.Close()
	for _, subject := range []string{"_INBOX.>", "_INBOX.alice.>"} {
		if _, err := bob.nc.SubscribeSync(subject); err != nil {
			return err
		}
		if err := bob.expectViolation("bob"); err != nil {
			return err
		}
	}

	// The client has to play along. Without the prefix, bob's request
	// subscribes to a default inbox his permissions forbid: the server
	// refuses the subscription, the bank's answer has nowhere to go, and
	// the request ends with `nats.ErrTimeout`. The refusal was reported
	// while the request waited, and is printed first.
	fmt.Println("bob requests without inbox_prefix:")
	_, err = bob.nc.Request("bank.balance", []byte("bob"), time.Second)
	if !errors.Is(err, nats.ErrTimeout) {
		return fmt.Errorf("bob's request: %v", err)
	}
	if err := bob.expectViolation("bob"); err != nil {
		return err
	}
	fmt.Println("  bob: request bank.balance -> timed out")

	// With his prefix, it works, and no other customer can read it.
	bobPrivate, err := connect(url, "bob", nats.CustomInboxPrefix("_INBOX.bob"))
	if err != nil {
		return err
	}
	defer bobPrivate.nc.Close()
	if reply, err = bobPrivate.nc.Request("bank.balance", []byte("bob"), time.Second); err != nil {
		return err
	}
	fmt.Printf("bob with inbox_prefix _INBOX.bob: request bank.balance -> '%s'\n", reply.Data)

	return errors.Join(bobPrivate.drain(), bob.drain(), alice.drain(), eve.drain(), bank.drain())
}
