// Besides nats.go this example uses the Go protobuf module,
// `google.golang.org/protobuf`: `descriptorpb` and `protodesc` to describe
// a message type in code, `dynamicpb` to create messages of that type,
// `proto` to encode and decode them, and `protowire` to look at raw fields.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

// In a real project the schema lives in a `.proto` file:
//
//	syntax = "proto3";
//	package shop;
//	option go_package = "example.com/shop";
//	message Order {
//	  int64 id = 1;
//	  string item = 2;
//	  int32 quantity = 3;
//	}
//
// and `protoc --go_out=. order.proto` generates a Go struct `shop.Order`
// with `GetId()`, `GetItem()` and friends; you pass a `*shop.Order` to
// `proto.Marshal` and `proto.Unmarshal`. Every other language generates
// its classes from the same file, which keeps services in sync. There is
// no `protoc` here, so the same description is built by hand and used
// through `dynamicpb`, which works on any described type at run time.
//
// The field *numbers*, not the names, go on the wire. `field` is one
// field's name, number and type, and `orderFields` the fields of `Order`,
// so a newer version of the schema and a different message can be built
// later on.
type field struct {
	name   string
	number int32
	kind   descriptorpb.FieldDescriptorProto_Type
}

var orderFields = []field{
	{"id", 1, descriptorpb.FieldDescriptorProto_TYPE_INT64},
	{"item", 2, descriptorpb.FieldDescriptorProto_TYPE_STRING},
	{"quantity", 3, descriptorpb.FieldDescriptorProto_TYPE_INT32},
}

// `messageType` turns a name and its fields into a message descriptor.
// `protodesc.NewFile` checks the description (as `protoc` would) and
// returns an error for a bad one; each call builds its own file, so two
// different definitions of `shop.Order` can exist side by side.
func messageType(name string, fields []field) (protoreflect.MessageDescriptor, error) {
	msg := &descriptorpb.DescriptorProto{Name: proto.String(name)}
	for _, f := range fields {
		msg.Field = append(msg.Field, &descriptorpb.FieldDescriptorProto{
			Name:     proto.String(f.name),
			JsonName: proto.String(f.name),
			Number:   proto.Int32(f.number),
			Type:     f.kind.Enum(),
			Label:    descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
		})
	}
	file, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{
		Name:        proto.String("shop/" + name + ".proto"),
		Package:     proto.String("shop"),
		Syntax:      proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{msg},
	}, new(protoregistry.Files))
	if err != nil {
		return nil, err
	}
	return file.Messages().ByName(protoreflect.Name(name)), nil
}

// `newMessage` makes a message of a type and sets its fields by name.
// Generated code would just be `&shop.Order{Id: 1, Item: "coffee"}`.
func newMessage(md protoreflect.MessageDescriptor, values map[string]any) *dynamicpb.Message {
	msg := dynamicpb.NewMessage(md)
	for name, value := range values {
		msg.Set(md.Fields().ByName(protoreflect.Name(name)), protoreflect.ValueOf(value))
	}
	return msg
}

// A one-line summary of an order, from the fields its type knows about.
func describe(order *dynamicpb.Message) string {
	get := func(name string) protoreflect.Value {
		return order.Get(order.Descriptor().Fields().ByName(protoreflect.Name(name)))
	}
	return fmt.Sprintf("id=%d item=%q quantity=%d", get("id").Int(), get("item").String(),
		get("quantity").Int())
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

	closed := make(chan struct{})
	nc, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) {
		close(closed)
	}))
	if err != nil {
		return err
	}
	defer nc.Close()

	order, err := messageType("Order", orderFields)
	if err != nil {
		return err
	}
	sub, err := nc.SubscribeSync("orders.new")
	if err != nil {
		return err
	}

	// `proto.Marshal` produces the binary encoding. It is much smaller
	// than JSON because field names are not sent, only field numbers and
	// values.
	payload, err := proto.Marshal(newMessage(order, map[string]any{
		"id": int64(1), "item": "coffee", "quantity": int32(2)}))
	if err != nil {
		return err
	}
	asJSON, err := json.Marshal(map[string]any{"id": 1, "item": "coffee", "quantity": 2})
	if err != nil {
		return err
	}
	if err := nc.Publish("orders.new", payload); err != nil {
		return err
	}
	fmt.Printf("published Order (%d bytes; as JSON it would be %d bytes)\n", len(payload), len(asJSON))

	// On the subscriber, `proto.Unmarshal` fills an empty message from the
	// bytes. The subject does not say which type a payload is: publisher
	// and subscriber agree on it, per subject, as part of their contract.
	msg, err := sub.NextMsg(time.Second)
	if err != nil {
		return err
	}
	received := dynamicpb.NewMessage(order)
	if err := proto.Unmarshal(msg.Data, received); err != nil {
		return err
	}
	fmt.Printf("received Order: %s\n", describe(received))

	// Bytes that are not well-formed protobuf make `proto.Unmarshal`
	// return an error. A subscriber rejects the message and carries on;
	// plain text usually fails this way.
	//
	// Every error of the protobuf module matches `proto.Error` under
	// `errors.Is`; test for that, never for the text. The module makes
	// its texts deliberately unstable (after `proto:` it writes a normal
	// or a non-breaking space, chosen per build) so that nobody matches
	// strings. `strings.Fields` splits on either, so joining the words
	// again prints the same line from one build to the next.
	if err := nc.Publish("orders.new", []byte("two coffees, please")); err != nil {
		return err
	}
	fmt.Println("published two coffees, please")
	if msg, err = sub.NextMsg(time.Second); err != nil {
		return err
	}
	err = proto.Unmarshal(msg.Data, dynamicpb.NewMessage(order))
	switch {
	case errors.Is(err, proto.Error):
		fmt.Printf("rejected: %s\n", strings.Join(strings.Fields(err.Error()), " "))
	case err != nil:
		return err
	default:
		return errors.New("the text parsed as an Order")
	}

	// But parsing checks only the wire format, never that the bytes were
	// meant as an `Order`. The encoding carries no type name, so another
	// message type with compatible field numbers, such as this `Payment`
	// published on the wrong subject, parses without any error into a
	// nonsense order (as do about 2 in 100 random 12-byte strings). The
	// subject is the contract; a header naming the type, and checks on the
	// fields you rely on, catch what parsing cannot.
	payment, err := messageType("Payment", []field{
		{"amount_cents", 1, descriptorpb.FieldDescriptorProto_TYPE_INT64},
		{"currency", 2, descriptorpb.FieldDescriptorProto_TYPE_STRING},
	})
	if err != nil {
		return err
	}
	if payload, err = proto.Marshal(newMessage(payment, map[string]any{
		"amount_cents": int64(4200), "currency": "EUR"})); err != nil {
		return err
	}
	if err := nc.Publish("orders.new", payload); err != nil {
		return err
	}
	fmt.Println("published a Payment on orders.new by mistake")
	if msg, err = sub.NextMsg(time.Second); err != nil {
		return err
	}
	received = dynamicpb.NewMessage(order)
	if err := proto.Unmarshal(msg.Data, received); err != nil {
		return err
	}
	fmt.Printf("parsed without error as Order: %s\n", describe(received))

	// Schemas evolve. Say the publisher moves to a newer schema that adds
	// `string gift_note = 4`, while this subscriber still runs the old
	// code. Protobuf is built for this: the old type parses the message,
	// fills in the fields it knows, and keeps field 4 aside as raw unknown
	// bytes (`GetUnknown`) instead of failing; `proto.Marshal` writes them
	// back out if the old code forwards the message. This is why a field
	// number, once used, must never be given a different meaning.
	orderV2, err := messageType("Order", append(orderFields,
		field{"gift_note", 4, descriptorpb.FieldDescriptorProto_TYPE_STRING}))
	if err != nil {
		return err
	}
	if payload, err = proto.Marshal(newMessage(orderV2, map[string]any{
		"id": int64(2), "item": "tea", "quantity": int32(1), "gift_note": "happy birthday"})); err != nil {
		return err
	}
	if err := nc.Publish("orders.new", payload); err != nil {
		return err
	}
	fmt.Println("published Order from the newer schema, with a gift_note")
	if msg, err = sub.NextMsg(time.Second); err != nil {
		return err
	}
	received = dynamicpb.NewMessage(order)
	if err := proto.Unmarshal(msg.Data, received); err != nil {
		return err
	}

	// The unknown bytes are a sequence of (tag, value) pairs;
	// `protowire.ConsumeField` reads one at a time and reports its field
	// number, or a negative length if the bytes are malformed.
	var unknown []protowire.Number
	for raw := received.GetUnknown(); len(raw) > 0; {
		number, _, n := protowire.ConsumeField(raw)
		if n < 0 {
			return protowire.ParseError(n)
		}
		unknown = append(unknown, number)
		raw = raw[n:]
	}
	fmt.Printf("old subscriber received Order: %s, unknown fields: %v\n", describe(received), unknown)

	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
