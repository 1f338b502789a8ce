// A NATS connection outlives the TCP connection under it. When its server
// goes away, nats.go reconnects by itself, to another server of the
// cluster or to the same one when it is back, sends its subscriptions
// again and carries on; meanwhile, publishes wait in a buffer inside the
// client. The program hears of it all through handlers passed as connect
// options. This example makes a server leave in each of the two ways
// servers leave: politely, in lame-duck mode, and abruptly.
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// The buffer for publishes made while disconnected. nats.go keeps 8 MiB by
// default; this example makes it small enough to fill.
const buffer = 1024

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	// The recorder runs a cluster of three servers, n1, n2 and n3, and
	// gives each one a URL of its own. nats.go takes them as one
	// comma-separated string.
	var urls []string
	for _, n := range []string{"N1", "N2", "N3"} {
		if url := os.Getenv("NATS_URL_" + n); url != "" {
			urls = append(urls, url)
		}
	}
	if len(urls) == 0 {
		urls = []string{nats.DefaultURL}
	}

	// nats.go runs every connection handler on one goroutine of its own,
	// in the order the events happen. Here each handler only sends the
	// event's name into a channel; `waitFor` prints the events as the main
	// goroutine reads them, until the one it waits for, with a deadline,
	// instead of guessing how long a reconnect takes.
	events := make(chan string, 16)
	send := func(name string) func(*nats.Conn) {
		return func(*nats.Conn) { events <- name }
	}
	waitFor := func(name string) error {
		deadline := time.After(15 * time.Second)
		for {
			select {
			case got := <-events:
				fmt.Printf("  callback: %s\n", got)
				if got == name {
					return nil
				}
			case <-deadline:
				return fmt.Errorf("no %q event within 15 s", name)
			}
		}
	}

	// `DontRandomize` keeps the servers in the order given (nats.go
	// shuffles them by default, so that clients spread over the
	// cluster). `MaxReconnects(-1)` never gives up (the default is 60
	// attempts per server), and `ReconnectBufSize` bounds the buffer.
	//
	// On its own, nats.go tries the next server of its list at once and
	// pauses (`ReconnectWait`, 2 s by default) only after a whole round of
	// the list has failed. `ReconnectToServer` hands both choices to the
	// program: for every attempt, which server and how long to wait
	// first. This one goes round the list in order (the client starts on
	// the first) and waits half a second before each attempt, so that
	// the moments without a connection are long enough to see.
	next := 1
	nc, err := nats.Connect(strings.Join(urls, ","),
		nats.DontRandomize(),
		nats.MaxReconnects(-1),
		nats.ReconnectBufSize(buffer),
		nats.ReconnectToServer(func(servers []nats.Server, _ nats.ServerInfo) (*nats.Server, time.Duration) {
			server := &servers[next%len(servers)]
			next++
			return server, 500 * time.Millisecond
		}),
		nats.DisconnectErrHandler(func(*nats.Conn, error) { events <- "disconnected" }),
		nats.ReconnectHandler(send("reconnected")),
		nats.ClosedHandler(send("closed")),
		nats.LameDuckModeHandler(send("lame duck mode")),
	)
	if err != nil {
		return err
	}
	defer nc.Close()

	// `ConnectedServerName` is the name the server gives itself in its
	// INFO message.
	fmt.Printf("connected to %s\n", nc.ConnectedServerName())

	// The client subscribes to the subject it publishes on, so it sees
	// its own messages come back (NATS echoes them unless `nats.NoEcho`).
	sub, err := nc.SubscribeSync("orders")
	if err != nil {
		return err
	}
	sendAndReceive := func(text string) error {
		if err := nc.Publish("orders", []byte(text)); err != nil {
			return err
		}
		msg, err := sub.NextMsg(5 * time.Second)
		if err != nil {
			return err
		}
		fmt.Printf("published and received: %s\n", msg.Data)
		return nil
	}
	if err := sendAndReceive("order 1"); err != nil {
		return err
	}

	// 1. Lame-duck mode. Before a server is taken down, for an upgrade
	// say, it is put into lame-duck mode (`nats-server --signal ldm`): it
	// stops accepting connections and tells its clients, whose
	// `LameDuckModeHandler` runs. After a grace period (10 s) it closes
	// the connections left, a few at a time, over `lame_duck_duration` (2
	// minutes), so that thousands of clients do not all reconnect at once.
	//
	// The recorder puts n1 into lame-duck mode when this line is printed.
	fmt.Println("asking n1 to enter lame-duck mode")
	if err := waitFor("lame duck mode"); err != nil {
		return err
	}

	// nats.go only reports it. A client that would rather move now than be
	// cut off later calls `ForceReconnect`: it drops the connection and
	// takes the next server, the usual reconnect path, with both
	// handlers. It returns at once; the handlers say when it is done. The
	// subscription comes along.
	fmt.Println("moving on: ForceReconnect()")
	if err := nc.ForceReconnect(); err != nil {
		return err
	}
	if err := waitFor("reconnected"); err != nil {
		return err
	}
	fmt.Printf("now connected to %s\n", nc.ConnectedServerName())
	if err := sendAndReceive("order 2"); err != nil {
		return err
	}

	// 2. A server that simply goes away: a crash, a machine that fails.
	// The recorder stops n2 when this line is printed, and the client
	// finds its connection gone.
	fmt.Println("stopping n2")
	if err := waitFor("disconnected"); err != nil {
		return err
	}
	fmt.Printf("is_connected: %t, is_reconnecting: %t\n", nc.IsConnected(), nc.IsReconnecting())

	// Until a server takes the client back, `Publish` neither fails nor
	// waits: it appends the message to the client's buffer and returns.
	// `Buffered` says how many bytes wait there. Here another server is
	// up and the wait is short; with every server down it lasts until one
	// is back, or until the client gives up.
	for n := 3; n <= 5; n++ {
		if err := nc.Publish("orders", fmt.Appendf(nil, "order %d", n)); err != nil {
			return err
		}
	}
	buffered, err := nc.Buffered()
	if err != nil {
		return err
	}
	fmt.Printf("published order 3, 4 and 5: %d bytes wait in the buffer\n", buffered)

	// The size limit is checked before a message is added, not after: a
	// publish is refused only once the buffer is already full. So a
	// 1000-byte message still goes in, taking the buffer past its 1024
	// bytes, and the next publish fails with `nats.ErrReconnectBufExceeded`.
	// That message is dropped; the ones already buffered stay.
	if err := nc.Publish("orders", make([]byte, 1000)); err != nil {
		return err
	}
	if buffered, err = nc.Buffered(); err != nil {
		return err
	}
	fmt.Printf("a 1000-byte publish still goes in: %d bytes wait in the %d-byte buffer\n", buffered, buffer)
	err = nc.Publish("orders", []byte("order 6"))
	switch {
	case errors.Is(err, nats.ErrReconnectBufExceeded):
		fmt.Printf("the next publish does not fit: %v\n", err)
	case err != nil:
		return err
	default:
		return errors.New("a full buffer took one more message")
	}

	// Once a server takes the client, nats.go sends its subscriptions
	// first and the buffer after them, so the messages published while
	// disconnected arrive, in order: the three orders, then the 1000
	// bytes.
	if err := waitFor("reconnected"); err != nil {
		return err
	}
	fmt.Printf("now connected to %s\n", nc.ConnectedServerName())
	var received []string
	for range 3 {
		msg, err := sub.NextMsg(5 * time.Second)
		if err != nil {
			return err
		}
		received = append(received, string(msg.Data))
	}
	msg, err := sub.NextMsg(5 * time.Second)
	if err != nil {
		return err
	}
	fmt.Printf("received after the reconnect: %s, then %d bytes\n", strings.Join(received, ", "), len(msg.Data))

	// The buffer lives in this process's memory: what is in it when the
	// process ends, or when the program closes the connection, is lost.
	// A message that must not be lost goes to a JetStream stream, whose
	// publish waits for the server's acknowledgement.
	//
	// `Close` ends the connection for good. nats.go runs the disconnected
	// handler once more, then the closed one, which a program also gets
	// when the client gives up reconnecting.
	fmt.Println("closing")
	nc.Close()
	return waitFor("closed")
}
