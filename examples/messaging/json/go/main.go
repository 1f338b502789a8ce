// JSON needs nothing beyond the standard library: `encoding/json` turns a
// struct into bytes and back, and `errors` lets the subscriber sort a
// decoding failure into the kind of mistake it is.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

// The message schema, shared by publisher and subscriber (in a larger
// system it would live in a package both import). The struct tags name the
// JSON fields, so the Go names can stay exported and capitalised while the
// wire format uses `id`, `item` and `quantity`.
type Order struct {
	ID       int    `json:"id"`
	Item     string `json:"item"`
	Quantity int    `json:"quantity"`
}

// Two error values name the two ways a payload can be wrong. They are
// sentinels: a caller checks for one with `errors.Is`, even after the
// decoder wrapped it with the details (`%w` in `fmt.Errorf` keeps the
// sentinel inside the longer message).
var (
	errNotJSON    = errors.New("not valid JSON")
	errWrongShape = errors.New("JSON without the expected fields")
)

// Decoding is where things go wrong, so it lives in one function.
// `json.Unmarshal` would silently ignore fields it does not know and leave
// missing ones at their zero value, so a `json.Decoder` with
// `DisallowUnknownFields` is used instead, and the required fields are
// checked by hand. A `*json.SyntaxError` (found with `errors.As`) means the
// bytes were not JSON at all; any other error means JSON of the wrong shape.
func decodeOrder(data []byte) (Order, error) {
	var order Order
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&order); err != nil {
		var syntaxErr *json.SyntaxError
		if errors.As(err, &syntaxErr) {
			return Order{}, fmt.Errorf("%w (%v)", errNotJSON, err)
		}
		return Order{}, fmt.Errorf("%w (%v)", errWrongShape, err)
	}
	if order.Item == "" || order.Quantity == 0 {
		return Order{}, fmt.Errorf("%w (item and quantity are required)", errWrongShape)
	}
	return order, nil
}

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

	// The `closed` channel is closed by the `ClosedHandler` once the
	// connection has finished draining at the end of `run`.
	closed := make(chan struct{})
	nc, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) {
		close(closed)
	}))
	if err != nil {
		return err
	}
	defer nc.Close()

	// The subscriber reads one message at a time with `NextMsg`, so the
	// output stays in step with what is published.
	sub, err := nc.SubscribeSync("orders.new")
	if err != nil {
		return err
	}

	// `receive` waits for the next message and decodes it. An error from
	// `NextMsg` (a timeout, a closed connection) is a real failure and is
	// returned. A decoding error is expected here: `errors.Is` recognises
	// either sentinel inside the wrapped error, and the message is
	// rejected with its reason. `%#v` prints a value in Go syntax, type
	// and field names included, which makes the decoded struct easy to read.
	receive := func() error {
		msg, err := sub.NextMsg(time.Second)
		if err != nil {
			return err
		}
		order, err := decodeOrder(msg.Data)
		switch {
		case errors.Is(err, errNotJSON), errors.Is(err, errWrongShape):
			fmt.Printf("rejected: %v\n", err)
		case err != nil:
			return err
		default:
			fmt.Printf("received %#v\n", order)
		}
		return nil
	}

	// Encoding: `json.Marshal` turns the struct into the bytes NATS
	// carries. It fails only for values JSON cannot represent (channels,
	// functions, cyclic data), but the error is still checked.
	payload, err := json.Marshal(Order{ID: 1, Item: "coffee", Quantity: 2})
	if err != nil {
		return err
	}
	if err := nc.Publish("orders.new", payload); err != nil {
		return err
	}
	fmt.Printf("published %s\n", payload)
	if err := receive(); err != nil {
		return err
	}

	// NATS delivers whatever bytes it is given. A producer with a bug (or
	// a person testing with the `nats` CLI) can send text that is not
	// JSON. The decoder reports a syntax error (it took the leading `t` for
	// the start of `true`) and the subscriber rejects the message instead
	// of crashing.
	//
	// The same care applies to callback subscriptions: a handler has no
	// caller to return an error to, and a panic in it would end the whole
	// program, so decode defensively and log what you reject.
	payload = []byte("two coffees, please")
	if err := nc.Publish("orders.new", payload); err != nil {
		return err
	}
	fmt.Printf("published %s\n", payload)
	if err := receive(); err != nil {
		return err
	}

	// Valid JSON is not enough either: this one parses, but its fields are
	// not an `Order`'s. The decoder refuses the unknown field `product`;
	// without `DisallowUnknownFields` it would have returned an order with
	// no item and a quantity of 0, and only the check of required fields
	// would have caught it.
	payload = []byte(`{"id": 2, "product": "tea"}`)
	if err := nc.Publish("orders.new", payload); err != nil {
		return err
	}
	fmt.Printf("published %s\n", payload)
	if err := receive(); err != nil {
		return err
	}

	// Drain the connection so everything in flight is handled, and wait
	// for the `ClosedHandler` before the program exits.
	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
