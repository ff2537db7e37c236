package io.fulgur.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.fulgur.WorkFailure;
import io.fulgur.internal.node.NodeSystem;
import java.io.NotSerializableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every message of a call crosses nodes through the compact serializer, and comes back equal. */
class WireSerializerTest {
  /** A fixed app token: the same bytes in every run. */
  private static final AppToken TOKEN =
      AppToken.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});

  /** The wire version, the first byte of every message. */
  private static final byte V = (byte) WireSerializer.VERSION;

  private static ActorSystem<Void> system;
  private static Serialization serialization;
  private static ActorRef<FlowMessage> flow;
  private static ActorRef<HostMessage> host;

  @BeforeAll
  static void start() {
    system =
        NodeSystem.start(
            NodeSystem.resolve(ConfigFactory.parseString("fulgur.node.host-works = off")), s -> {});
    serialization = SerializationExtension.get(Adapter.toClassic(system));
    flow = system.systemActorOf(Behaviors.<FlowMessage>empty(), "flow", Props.empty());
    host = system.systemActorOf(Behaviors.<HostMessage>empty(), "host", Props.empty());
  }

  @AfterAll
  static void stop() {
    NodeSystem.shutdown(system, Duration.ofSeconds(10));
  }

  private static Object roundTrip(Object message) {
    if (message instanceof FlowMessage.Event) {
      // events cross nodes only in batches (no binding): their encoding alone, for the format
      WireSerializer wire = serializer();
      try {
        return wire.decode(wire.toBinary(message), wire.manifest(message));
      } catch (NotSerializableException e) {
        throw new AssertionError(e);
      }
    }
    Serializer serializer = serialization.findSerializerFor(message);
    assertThat(serializer.identifier()).as(message.toString()).isEqualTo(WireSerializer.IDENTIFIER);
    byte[] bytes = serialization.serialize(message).get();
    return serialization
        .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message))
        .get();
  }

  private static JsonNode json(Object value) {
    return Json.MAPPER.valueToTree(value);
  }

  @Test
  void commandBatchesKeepEveryFieldAndInput() {
    List<JsonNode> inputs =
        List.of(
            json(42),
            json(-7),
            json(Long.MAX_VALUE),
            json("text é ✓"),
            json(true),
            json(false),
            json(3.25),
            json(Map.of("a", List.of(1, 2), "b", Map.of("c", "d"))),
            json(null));
    List<HostMessage.Command> commands = new java.util.ArrayList<>();
    commands.add(
        new HostMessage.Place(
            "root.w", "com.example.W", "cpu", true, false, true, json(Map.of("count", 3))));
    commands.add(new HostMessage.Place("root.v", "com.example.V", "gpu", false, true, false, null));
    long callId = 0;
    for (JsonNode input : inputs) {
      commands.add(new HostMessage.RunWork("root.w", callId++, input, null));
    }
    commands.add(new HostMessage.RunWork("root.w", 1L << 40, null, "com.acme.Point"));
    commands.add(new HostMessage.StopWork("root.w", "stopped_by_flow", false));
    commands.add(new HostMessage.StopWork("root.v", "app_ended", true));
    HostMessage.Batch batch = new HostMessage.Batch("app-1", TOKEN, flow, 1, 0, commands);
    assertThat(roundTrip(batch)).isEqualTo(batch);
  }

  @Test
  void everyEventAloneAndInABatch() {
    WorkFailure failure =
        new WorkFailure(
            "user_exception", "java.lang.IllegalStateException", "boom", "trace\n\tat x");
    List<FlowMessage.Event> events =
        List.of(
            new FlowMessage.PlacementFailed("root.w", "pekko://fulgur@127.0.0.1:1234", "no class"),
            new FlowMessage.Started("root.w", 3),
            new FlowMessage.Queued("root.w", 4),
            new FlowMessage.StateChanged("root.w", json(Map.of("value", 5))),
            new FlowMessage.Done("root.w", 3, json(Map.of("value", List.of("x", "y")))),
            new FlowMessage.Done("root.w", 4, null),
            new FlowMessage.Failed("root.w", 5, failure, null),
            new FlowMessage.Failed(
                "root.w", 6, new WorkFailure("input_error", null, null, null), json(1)),
            new FlowMessage.Stopped("root.w", 7, "stopped_by_flow"),
            new FlowMessage.Released("root.w"));
    for (FlowMessage.Event event : events) {
      assertThat(roundTrip(event)).isEqualTo(event);
    }
    FlowMessage.Batch batch = new FlowMessage.Batch(host, TOKEN, 3, 2, events);
    assertThat(roundTrip(batch)).isEqualTo(batch);
  }

  @Test
  void repeatedClassComputeAndNodeNamesAreWrittenOnceAndReadBack() {
    String cls = "com.example.some.pkg.LongWorkClassName";
    List<HostMessage.Command> same = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      same.add(new HostMessage.Place("root.w." + i, cls, "cpu", true, false, false, null));
    }
    HostMessage.Batch sameBatch = new HostMessage.Batch("app-1", TOKEN, flow, 2, 5, same);
    assertThat(roundTrip(sameBatch)).isEqualTo(sameBatch);
    byte[] bytes = serialization.serialize(sameBatch).get();
    assertThat(bytes.length).as("a class name written 100 times").isLessThan(100 * cls.length());

    // more distinct names than the table keeps, repeated and interleaved, and nulls
    List<HostMessage.Command> mixed = new java.util.ArrayList<>();
    List<FlowMessage.Event> events = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      mixed.add(
          new HostMessage.Place(
              "w" + i, "com.example.C" + (i % 13), "role" + (i % 3), false, true, false, null));
      events.add(new FlowMessage.Started("w" + i, i));
      events.add(
          new FlowMessage.PlacementFailed(
              "w" + i, i % 4 == 0 ? null : "node" + (i % 9), "no class"));
    }
    HostMessage.Batch mixedBatch =
        new HostMessage.Batch("app-2", TOKEN, flow, Long.MAX_VALUE, 0, mixed);
    assertThat(roundTrip(mixedBatch)).isEqualTo(mixedBatch);
    FlowMessage.Batch eventBatch = new FlowMessage.Batch(host, TOKEN, 3, 2, events);
    assertThat(roundTrip(eventBatch)).isEqualTo(eventBatch);
  }

  @Test
  void outputLinesAndTheChannelsAcks() {
    FlowMessage.Output output =
        new FlowMessage.Output(
            "root.w",
            List.of(
                new PrintMessage.Line(false, "line 1"), new PrintMessage.Line(true, "ünïcode")));
    assertThat(roundTrip(output)).isEqualTo(output);
    FlowMessage.Batch lines = new FlowMessage.Batch(host, TOKEN, 1, 0, List.of(output));
    assertThat(roundTrip(lines)).isEqualTo(lines);
    HostMessage.Ack hostAck = new HostMessage.Ack("app-1", TOKEN, 77);
    assertThat(roundTrip(hostAck)).isEqualTo(hostAck);
    FlowMessage.Ack flowAck = new FlowMessage.Ack(host, TOKEN, 78);
    assertThat(roundTrip(flowAck)).isEqualTo(flowAck);
  }

  @Test
  void aChannelNumberBelowOneIsRefused() {
    byte[] batch = serializer().toBinary(new FlowMessage.Batch(host, TOKEN, 1, 0, List.of()));
    // the batch ends with its number (1), its ack (0) and its count of events (0)
    batch[batch.length - 3] = 0;
    refused(batch, "eb", "channel number 0");
  }

  /** The bytes of an event batch up to its count of events. */
  private static byte[] eventBatchHead() {
    byte[] empty = serializer().toBinary(new FlowMessage.Batch(host, TOKEN, 1, 0, List.of()));
    return java.util.Arrays.copyOf(empty, empty.length - 1);
  }

  private static byte[] eventBatch(int... rest) {
    byte[] head = eventBatchHead();
    byte[] bytes = java.util.Arrays.copyOf(head, head.length + rest.length);
    for (int i = 0; i < rest.length; i++) {
      bytes[head.length + i] = (byte) rest[i];
    }
    return bytes;
  }

  private static WireSerializer serializer() {
    return new WireSerializer((ExtendedActorSystem) Adapter.toClassic(system));
  }

  private static void refused(byte[] bytes, String manifest, String reason) {
    assertThatThrownBy(() -> serializer().decode(bytes, manifest))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void malformedBytesFailWithAClearMessage() {
    WireSerializer serializer = serializer();
    byte[] bytes = serializer.toBinary(new FlowMessage.Done("root.w", 3, json("x")));
    refused(java.util.Arrays.copyOf(bytes, bytes.length - 1), "e4", "bytes left");
    refused(java.util.Arrays.copyOf(bytes, 0), "e4", "truncated");
    refused(bytes, "?", "manifest");
    refused(bytes, "E4", "manifest");
    byte[] trailing = java.util.Arrays.copyOf(bytes, bytes.length + 1);
    refused(trailing, "e4", "after the message's end");
    // a PlacementFailed whose node refers to a shared string that was never written
    refused(new byte[] {V, 4, 'r', '.', 'w', 1, 3}, "e1", "string reference 3");
    // an event batch with an unknown event code
    refused(eventBatch(1, 42), "eb", "event code 42");
    // a host batch with an unknown command code (after its app id, flow and printer)
    byte[] batch =
        serializer.toBinary(
            new HostMessage.Batch(
                "app", TOKEN, flow, 1, 0, List.of(new HostMessage.StopWork("root.w", "r", false))));
    int code = batch.length - 1 - 1 - 2 - 7; // release, reason (1+1), work (1+6), code
    assertThat(batch[code]).isEqualTo((byte) 3);
    batch[code] = 9;
    refused(batch, "hb", "command code 9");
  }

  @Test
  void lengthsAndCountsAreCheckedAgainstTheBytesThatRemain() {
    // an event batch that claims 2^31-1 events in three bytes: refused before any list is made
    refused(eventBatch(0xff, 0xff, 0xff, 0xff, 0x07), "eb", "count of 2147483647");
    // a number beyond an int where a length is read
    refused(eventBatch(0xff, 0xff, 0xff, 0xff, 0x0f), "eb", "out of range");
    // a string longer than the message
    refused(new byte[] {V, 100, 'a'}, "e7", "a length of 99");
    // a shared string whose length would be negative cannot be written: 0 and 1 are null and a
    // reference, so the smallest length is 0 (2); a reference past the strings seen is refused
    refused(new byte[] {V, 2, 'w', 1, 0}, "e1", "string reference 0");
  }

  @Test
  void aDecodedMessageIsValidatedBeforeAnyActorSeesIt() {
    // a Failed event without its failure's reason
    refused(new byte[] {V, 2, 'w', 3, 0, 0, 0, 0, 0}, "e5", "the failure's reason is missing");
    // a host batch without its app id
    refused(new byte[] {V, 0}, "hb", "the app id is missing");
    // a Stopped event without its reason
    refused(new byte[] {V, 2, 'w', 3, 0}, "e6", "the reason is missing");
    // a boolean that is neither 0 nor 1 (a line's err flag)
    byte[] output =
        serializer()
            .toBinary(new FlowMessage.Output("w", List.of(new PrintMessage.Line(false, "x"))));
    output[output.length - 3] = 7;
    refused(output, "e9", "boolean");
    assertThatThrownBy(() -> new FlowMessage.Failed("w", 1, null, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void everyMessageStartsWithTheWireVersionAndAnotherVersionIsRefused() {
    byte[] bytes = serializer().toBinary(new FlowMessage.Released("root.w"));
    assertThat(bytes[0]).isEqualTo((byte) WireSerializer.VERSION);
    bytes[0] = (byte) (WireSerializer.VERSION + 1);
    refused(bytes, "e7", "wire version " + (WireSerializer.VERSION + 1));
  }

  @Test
  void aClassTheFormatDoesNotMapIsRefusedOnWrite() {
    assertThatThrownBy(() -> serializer().toBinary("a string"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> serializer().manifest(new HostMessage.WorkIdle("app", null)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nodeLocalMessagesHaveNoSerializer() {
    for (Object local :
        List.of(
            new HostMessage.WorkIdle("app", null),
            new HostMessage.Emit("app", new FlowMessage.Released("w")),
            new HostMessage.Print("app", new FlowMessage.Output("w", List.of()), null),
            new WorkMessage.Run(1, null, null),
            new WorkMessage.Stop("r", false))) {
      assertThat(local)
          .isInstanceOf(org.apache.pekko.actor.NoSerializationVerificationNeeded.class);
      assertThatThrownBy(() -> serialization.findSerializerFor(local))
          .as(local.getClass().getName())
          .isInstanceOf(Exception.class);
    }
  }

  @Test
  void anEventAloneFromTheNetworkIsRefused() {
    WireSerializer serializer = serializer();
    FlowMessage.Done done = new FlowMessage.Done("root.w", 1, null);
    byte[] bytes = serializer.toBinary(done);
    String manifest = serializer.manifest(done);
    assertThatThrownBy(() -> serializer.fromBinary(bytes, manifest))
        .isInstanceOf(java.io.NotSerializableException.class)
        .hasMessageContaining("never crosses nodes");
  }
}
