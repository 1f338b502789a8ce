// nats.go's `micro` package turns request handlers into a proper service:
// named, versioned, discoverable and with built-in statistics. Callers
// need nothing but core NATS requests; `encoding/json` reads the
// discovery replies into the types `micro` exports for them.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/micro"
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

	// A service has a name (shared by all its running instances), a
	// semantic version and an optional description. `micro.AddService`
	// checks the config (a bad name or version is an error) and starts the
	// service right away: it already answers discovery requests. `defer`
	// stops it on every way out of `run`.
	svc, err := micro.AddService(nc, micro.Config{
		Name:        "text",
		Version:     "1.0.0",
		Description: "Small text utilities",
	})
	if err != nil {
		return err
	}
	defer svc.Stop()

	// Endpoints are handlers that receive a `micro.Request` and respond to
	// it. `req.Error` sends an error reply, with the code and description
	// in the `Nats-Service-Error-Code` and `Nats-Service-Error` headers,
	// and counts the error in the endpoint's stats. A handler has nobody to
	// return an error to, so a failed reply is logged.
	upper := func(req micro.Request) {
		if err := req.Respond([]byte(strings.ToUpper(string(req.Data())))); err != nil {
			log.Printf("upper: %v", err)
		}
	}
	words := func(req micro.Request) {
		fields := strings.Fields(string(req.Data()))
		var err error
		if len(fields) == 0 {
			err = req.Error("400", "empty input", nil)
		} else {
			err = req.Respond([]byte(strconv.Itoa(len(fields))))
		}
		if err != nil {
			log.Printf("words: %v", err)
		}
	}

	// A group puts its endpoints under a common subject prefix, so these
	// two listen on `text.upper` and `text.words`. Every endpoint joins a
	// queue group (`q` unless told otherwise), so starting more instances
	// of the service spreads the requests over them. `micro.HandlerFunc`
	// turns a plain function into a `micro.Handler`.
	group := svc.AddGroup("text")
	if err := group.AddEndpoint("upper", micro.HandlerFunc(upper)); err != nil {
		return err
	}
	if err := group.AddEndpoint("words", micro.HandlerFunc(words)); err != nil {
		return err
	}
	fmt.Println("service text 1.0.0 started")

	// Calling an endpoint is a plain NATS request. An error reply is an
	// ordinary reply whose headers carry the error.
	call := func(subject, text string) error {
		reply, err := nc.Request(subject, []byte(text), time.Second)
		if err != nil {
			return err
		}
		result := fmt.Sprintf("%q", reply.Data)
		if code := reply.Header.Get(micro.ErrorCodeHeader); code != "" {
			result = fmt.Sprintf("error %s: %s", code, reply.Header.Get(micro.ErrorHeader))
		}
		fmt.Printf("%s %q -> %s\n", subject, text, result)
		return nil
	}
	for _, c := range []struct{ subject, text string }{
		{"text.upper", "hello nats"},
		{"text.words", "the quick brown fox"},
		{"text.words", "   "},
	} {
		if err := call(c.subject, c.text); err != nil {
			return err
		}
	}

	// Every service answers three discovery requests on `$SRV.<verb>`,
	// optionally narrowed by service name and instance ID: `$SRV.PING`
	// finds running instances, `$SRV.INFO` describes their endpoints and
	// `$SRV.STATS` reports request counts and errors. Any client, in any
	// language, can ask; the answers are JSON, and `micro.Ping`,
	// `micro.Info` and `micro.Stats` are the Go types to decode them into.
	// (With many instances you would gather all replies rather than take
	// the first.)
	discover := func(subject string, into any) error {
		reply, err := nc.Request(subject, nil, time.Second)
		if err != nil {
			return err
		}
		return json.Unmarshal(reply.Data, into)
	}
	var ping micro.Ping
	if err := discover("$SRV.PING", &ping); err != nil {
		return err
	}
	fmt.Printf("PING: %s %s (instance id is this service's: %t)\n", ping.Name, ping.Version, ping.ID == svc.Info().ID)

	var info micro.Info
	if err := discover("$SRV.INFO.text", &info); err != nil {
		return err
	}
	fmt.Printf("INFO: %s - %s\n", info.Name, info.Description)
	for _, ep := range info.Endpoints {
		fmt.Printf("  endpoint %s on %s (queue group %s)\n", ep.Name, ep.Subject, ep.QueueGroup)
	}

	var stats micro.Stats
	if err := discover("$SRV.STATS.text."+svc.Info().ID, &stats); err != nil {
		return err
	}
	fmt.Println("STATS:")
	for _, ep := range stats.Endpoints {
		line := fmt.Sprintf("  %s: %d request(s), %d error(s)", ep.Name, ep.NumRequests, ep.NumErrors)
		if ep.LastError != "" {
			line += ", last error " + ep.LastError
		}
		fmt.Println(line)
	}

	// Stopping the service drains its endpoint and discovery
	// subscriptions (the deferred `Stop` then does nothing); then drain
	// the connection.
	if err := svc.Stop(); err != nil {
		return err
	}
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
