// The system account is where nats-servers talk about themselves. Every
// server answers monitoring requests on `$SYS.REQ.>` subjects and publishes
// events (connects, disconnects, stats) on `$SYS.>`, all over plain NATS.
// A client in the system account can watch a whole deployment, every
// server of every cluster, through a single connection. The answers are
// JSON; `encoding/json` decodes the few fields this program prints into
// small structs.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// The parts of the servers' JSON that the program reads. Fields that are
// not listed are ignored by `json.Unmarshal`.
type (
	serverInfo struct {
		Name    string `json:"name"`
		Version string `json:"ver"`
	}
	connection struct {
		Name    string `json:"name"`
		Account string `json:"account"`
		User    string `json:"authorized_user"`
	}
	event struct {
		Type   string `json:"type"`
		Client struct {
			Account string `json:"acc"`
			User    string `json:"user"`
			Name    string `json:"name"`
		} `json:"client"`
	}
	pingAnswer struct {
		Server serverInfo `json:"server"`
		Statsz struct {
			Connections    int `json:"connections"`
			ActiveAccounts int `json:"active_accounts"`
		} `json:"statsz"`
		Data struct {
			Connections []connection `json:"connections"`
			Status      string       `json:"status"`
		} `json:"data"`
	}
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

	// Log in as `admin`, a user of the SYS account (server.conf names SYS
	// as `system_account`). `nats.Name` gives the connection a name that
	// monitoring shows.
	sysClosed := make(chan struct{})
	sys, err := nats.Connect(url, nats.UserInfo("admin", "admin-secret"), nats.Name("monitor"),
		nats.ClosedHandler(func(*nats.Conn) { close(sysClosed) }))
	if err != nil {
		return err
	}
	defer sys.Close()

	// Servers announce every client that connects or disconnects, on
	// `$SYS.ACCOUNT.<account>.CONNECT` and `.DISCONNECT`. The event is JSON
	// describing the client: its account, user, name, address and more.
	// We watch the APP account. (A `*` for the account would watch all of
	// them, and could even catch the announcement of this monitor's own
	// connection, which the server sends a moment after it connected.)
	// The handler runs on the subscription's goroutine; it turns each
	// event into a line and hands it to the main goroutine on a channel.
	// `waitForEvent` prints the next line, or fails after a deadline.
	events := make(chan string, 8)
	onEvent := func(msg *nats.Msg) {
		var e event
		if err := json.Unmarshal(msg.Data, &e); err != nil {
			log.Printf("bad event: %v", err)
			return
		}
		kind := e.Type[strings.LastIndex(e.Type, ".")+1:]
		events <- fmt.Sprintf("event %s: account %s, user %s, %s", kind, e.Client.Account, e.Client.User, e.Client.Name)
	}
	waitForEvent := func() error {
		select {
		case line := <-events:
			fmt.Println(line)
			return nil
		case <-time.After(5 * time.Second):
			return errors.New("no event within 5 s")
		}
	}
	for _, subject := range []string{"$SYS.ACCOUNT.APP.CONNECT", "$SYS.ACCOUNT.APP.DISCONNECT"} {
		if _, err := sys.Subscribe(subject, onEvent); err != nil {
			return err
		}
	}
	if err := sys.Flush(); err != nil {
		return err
	}

	// Two application clients connect; the events above report them.
	connectApp := func(name string) (*nats.Conn, error) {
		return nats.Connect(url, nats.UserInfo("app", "app-secret"), nats.Name(name))
	}
	orders, err := connectApp("orders")
	if err != nil {
		return err
	}
	defer orders.Close()
	if err := waitForEvent(); err != nil {
		return err
	}
	billing, err := connectApp("billing")
	if err != nil {
		return err
	}
	defer billing.Close()
	if err := waitForEvent(); err != nil {
		return err
	}

	// Requests on `$SYS.REQ.SERVER.PING` go to every server, and each one
	// answers, so this is scatter-gather rather than a plain request:
	// publish with a reply inbox, then collect answers for a short while.
	// (`expected` ends the wait early once we know how many servers exist;
	// 0 means wait for the whole half second.)
	ping := func(subject string, payload []byte, expected int) ([]pingAnswer, error) {
		inbox := sys.NewInbox()
		sub, err := sys.SubscribeSync(inbox)
		if err != nil {
			return nil, err
		}
		defer sub.Unsubscribe()
		if err := sys.PublishRequest(subject, inbox, payload); err != nil {
			return nil, err
		}
		var answers []pingAnswer
		for expected == 0 || len(answers) < expected {
			msg, err := sub.NextMsg(500 * time.Millisecond)
			if errors.Is(err, nats.ErrTimeout) {
				break
			}
			if err != nil {
				return nil, err
			}
			var a pingAnswer
			if err := json.Unmarshal(msg.Data, &a); err != nil {
				return nil, err
			}
			answers = append(answers, a)
		}
		return answers, nil
	}

	// The bare PING returns each server's identity and current statistics
	// (`statsz`). Server IDs and timestamps change on every run, so we
	// print the stable fields: name, version, connection counts.
	answers, err := ping("$SYS.REQ.SERVER.PING", nil, 0)
	if err != nil {
		return err
	}
	fmt.Printf("PING: %d server(s) answered\n", len(answers))
	slices.SortFunc(answers, func(a, b pingAnswer) int { return strings.Compare(a.Server.Name, b.Server.Name) })
	for _, a := range answers {
		fmt.Printf("  %s: version %s, %d connections, %d active accounts\n",
			a.Server.Name, a.Server.Version, a.Statsz.Connections, a.Statsz.ActiveAccounts)
	}
	servers := len(answers)

	// `PING.<ENDPOINT>` asks every server for one of its monitoring
	// endpoints, the same data the HTTP monitoring port serves (VARZ,
	// CONNZ, ACCOUNTZ, JSZ, HEALTHZ...). The payload carries the
	// endpoint's options: for CONNZ, `auth` adds each connection's account
	// and user.
	connz, err := ping("$SYS.REQ.SERVER.PING.CONNZ", []byte(`{"auth": true}`), servers)
	if err != nil {
		return err
	}
	for _, a := range connz {
		fmt.Printf("CONNZ from %s:\n", a.Server.Name)
		for _, c := range a.Data.Connections {
			fmt.Printf("  %s: account %s, user %s\n", c.Name, c.Account, c.User)
		}
	}
	healthz, err := ping("$SYS.REQ.SERVER.PING.HEALTHZ", nil, servers)
	if err != nil {
		return err
	}
	for _, a := range healthz {
		fmt.Printf("HEALTHZ from %s: %s\n", a.Server.Name, a.Data.Status)
	}

	// What can an application account ask? Every account gets three
	// system requests imported by the server, each answered about that
	// account only: `$SYS.REQ.SERVER.PING.CONNZ` and
	// `$SYS.REQ.ACCOUNT.PING.CONNZ` list its own connections, and
	// `$SYS.REQ.ACCOUNT.PING.STATZ` gives its own message and connection
	// counts. (`$SYS.REQ.USER.INFO`, who am I and with what permissions,
	// is there too.) Asking with `auth` still only shows the caller's
	// account: here the monitor's connection in SYS does not appear.
	reply, err := orders.Request("$SYS.REQ.ACCOUNT.PING.CONNZ", []byte(`{"auth": true}`), time.Second)
	if err != nil {
		return err
	}
	var own pingAnswer
	if err := json.Unmarshal(reply.Data, &own); err != nil {
		return err
	}
	var names []string
	for _, c := range own.Data.Connections {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	fmt.Printf("orders (account APP): $SYS.REQ.ACCOUNT.PING.CONNZ -> %s\n", strings.Join(names, ", "))

	// Everything else under `$SYS` is out of reach. The server-wide PING,
	// VARZ, HEALTHZ, JSZ, the events: in APP those are ordinary subjects
	// that nobody serves, so a request finds no responders.
	_, err = orders.Request("$SYS.REQ.SERVER.PING", nil, time.Second)
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		fmt.Println("orders (account APP): $SYS.REQ.SERVER.PING -> no responders")
	case err != nil:
		return err
	default:
		return errors.New("an application account reached the server-wide PING")
	}

	// Closing a client produces a DISCONNECT event.
	billing.Close()
	if err := waitForEvent(); err != nil {
		return err
	}

	// The monitor stops listening before the last client leaves, so its
	// disconnect is not part of the output. `orders` has nothing in
	// flight, so closing it is enough.
	if err := sys.Drain(); err != nil {
		return err
	}
	<-sysClosed
	orders.Close()
	return nil
}
