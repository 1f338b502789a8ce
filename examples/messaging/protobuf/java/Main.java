// Besides jnats this example uses the protobuf runtime for Java
// (`protobuf-java`, pinned in `examples/pom.xml`): `DescriptorProtos` and
// `Descriptors` describe a message type, `DynamicMessage` builds, writes
// and parses messages of a type known only at run time, and
// `InvalidProtocolBufferException` reports bytes that do not parse.
// Jackson is here only to measure the same order as JSON.
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class Main {
    // In a real project the schema lives in a `.proto` file:
    //
    //     syntax = "proto3";
    //     package shop;
    //     option java_multiple_files = true;
    //     message Order {
    //       int64 id = 1;
    //       string item = 2;
    //       int32 quantity = 3;
    //     }
    //
    // and `protoc --java_out=src order.proto` (or the Maven or Gradle
    // protobuf plugin) generates an `Order` class with a builder,
    // `toByteArray` and `Order.parseFrom(bytes)`. Every other language
    // generates its classes from the same file, which keeps services in
    // sync. This single-file program has no `protoc` step, so it builds the
    // same description at run time and uses `DynamicMessage`, which offers
    // the same operations through field descriptors instead of getters.
    //
    // The field *numbers*, not the names, are what goes on the wire. The
    // helper takes a message name and its fields (name, number, type), so
    // we can also build a newer version of the schema, and a different
    // message, later on. Each call builds its own `FileDescriptor`, so two
    // different definitions of `shop.Order` can exist side by side.
    record Field(String name, int number, FieldDescriptorProto.Type type) {}

    static final List<Field> ORDER_FIELDS = List.of(
            new Field("id", 1, FieldDescriptorProto.Type.TYPE_INT64),
            new Field("item", 2, FieldDescriptorProto.Type.TYPE_STRING),
            new Field("quantity", 3, FieldDescriptorProto.Type.TYPE_INT32));

    static Descriptor messageType(String name, List<Field> fields) throws Exception {
        DescriptorProto.Builder message = DescriptorProto.newBuilder().setName(name);
        for (Field f : fields) {
            message.addField(FieldDescriptorProto.newBuilder()
                    .setName(f.name()).setNumber(f.number()).setType(f.type()));
        }
        FileDescriptorProto file = FileDescriptorProto.newBuilder()
                .setName("shop/" + name + ".proto").setPackage("shop").setSyntax("proto3")
                .addMessageType(message).build();
        return FileDescriptor.buildFrom(file, new FileDescriptor[0]).findMessageTypeByName(name);
    }

    // Build a message of any type from field names and values, the dynamic
    // counterpart of a generated builder's setters.
    static DynamicMessage build(Descriptor type, Map<String, Object> values) {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        values.forEach((name, value) -> builder.setField(type.findFieldByName(name), value));
        return builder.build();
    }

    // A one-line summary of an order, using the fields its type knows.
    // An unset proto3 field reads as its default (0, or "").
    static String describe(DynamicMessage order) {
        Descriptor type = order.getDescriptorForType();
        return "id=" + order.getField(type.findFieldByName("id"))
                + " item=\"" + order.getField(type.findFieldByName("item")) + "\""
                + " quantity=" + order.getField(type.findFieldByName("quantity"));
    }

    public static void main(String[] args) throws Exception {
        String urls = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Options options = Options.builder().servers(urls.split(",")).build();

        try (Connection nc = Nats.connect(options)) {
            Descriptor order = messageType("Order", ORDER_FIELDS);
            Subscription sub = nc.subscribe("orders.new");

            // `toByteArray` produces the binary encoding. It is much smaller
            // than JSON because field names are not sent, only field numbers
            // and values. (Jackson writes JSON without spaces.)
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("id", 1L);
            values.put("item", "coffee");
            values.put("quantity", 2);
            byte[] payload = build(order, values).toByteArray();
            byte[] asJson = new ObjectMapper().writeValueAsBytes(values);
            nc.publish("orders.new", payload);
            System.out.println("published Order (" + payload.length + " bytes; as JSON it would be "
                    + asJson.length + " bytes)");

            // On the subscriber, `DynamicMessage.parseFrom` turns the bytes
            // back into an `Order` (with generated code: `Order.parseFrom`).
            // The subject does not say which type a payload is: publisher
            // and subscriber agree on it, per subject, as part of their
            // contract.
            Message msg = sub.nextMessage(Duration.ofSeconds(1));
            System.out.println("received Order: " + describe(DynamicMessage.parseFrom(order, msg.getData())));

            // Bytes that are not well-formed protobuf throw
            // `InvalidProtocolBufferException`, a checked `IOException`
            // that a subscriber should catch rather than let one bad message
            // end it. Plain text usually fails this way.
            nc.publish("orders.new", "two coffees, please".getBytes(StandardCharsets.UTF_8));
            System.out.println("published two coffees, please");
            msg = sub.nextMessage(Duration.ofSeconds(1));
            try {
                DynamicMessage.parseFrom(order, msg.getData());
            } catch (InvalidProtocolBufferException e) {
                System.out.println("rejected: " + e.getMessage());
            }

            // But parsing checks only the wire format, never that the bytes
            // were meant as an `Order`. The encoding carries no type name,
            // so another message type with compatible field numbers, such as
            // this `Payment` published on the wrong subject, parses without
            // any error into a nonsense order (as do about 2 in 100 random
            // 12-byte strings). The subject is the contract; a header naming
            // the type, and checks on the fields you rely on, catch what
            // parsing cannot.
            Descriptor payment = messageType("Payment", List.of(
                    new Field("amount_cents", 1, FieldDescriptorProto.Type.TYPE_INT64),
                    new Field("currency", 2, FieldDescriptorProto.Type.TYPE_STRING)));
            nc.publish("orders.new", build(payment, Map.of("amount_cents", 4200L, "currency", "EUR")).toByteArray());
            System.out.println("published a Payment on orders.new by mistake");
            msg = sub.nextMessage(Duration.ofSeconds(1));
            System.out.println("parsed without error as Order: " + describe(DynamicMessage.parseFrom(order, msg.getData())));

            // Schemas evolve. Say the publisher moves to a newer schema that
            // adds `string gift_note = 4`, while this subscriber still runs
            // the old code. Protobuf is built for this: the old type parses
            // the message, fills in the fields it knows, and keeps field 4
            // aside in its `UnknownFieldSet` instead of failing (it is even
            // written back out if the old code re-serializes the message).
            // This is why a field number, once used, must never be given a
            // different meaning.
            List<Field> v2Fields = new ArrayList<>(ORDER_FIELDS);
            v2Fields.add(new Field("gift_note", 4, FieldDescriptorProto.Type.TYPE_STRING));
            Descriptor orderV2 = messageType("Order", v2Fields);
            Map<String, Object> newer = new LinkedHashMap<>();
            newer.put("id", 2L);
            newer.put("item", "tea");
            newer.put("quantity", 1);
            newer.put("gift_note", "happy birthday");
            nc.publish("orders.new", build(orderV2, newer).toByteArray());
            System.out.println("published Order from the newer schema, with a gift_note");
            msg = sub.nextMessage(Duration.ofSeconds(1));
            DynamicMessage received = DynamicMessage.parseFrom(order, msg.getData());
            System.out.println("old subscriber received Order: " + describe(received)
                    + ", unknown fields: " + received.getUnknownFields().asMap().keySet());

            nc.drain(Duration.ofSeconds(5)).get();
        }
    }
}
