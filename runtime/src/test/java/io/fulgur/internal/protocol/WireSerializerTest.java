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
  private static ActorSystem<Void> system;
  private static Serialization serialization;
  private static ActorRef<FlowMessage> flow;
  private static ActorRef<PrintMessage> printer;
  private static ActorRef<WorkMessage> work;

  @BeforeAll
  static void start() {
    system =
        NodeSystem.start(
            NodeSystem.resolve(ConfigFactory.parseString("fulgur.node.host-works = off")), s -> {});
    serialization = SerializationExtension.get(Adapter.toClassic(system));
    flow = system.systemActorOf(Behaviors.<FlowMessage>empty(), "flow", Props.empty());
    printer = system.systemActorOf(Behaviors.<PrintMessage>empty(), "printer", Props.empty());
    work = system.systemActorOf(Behaviors.<WorkMessage>empty(), "work", Props.empty());
  }

  @AfterAll
  static void stop() {
    NodeSystem.shutdown(system, Duration.ofSeconds(10));
  }

  private static Object roundTrip(Object message) {
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
    HostMessage.Batch batch = new HostMessage.Batch("app-1", flow, printer, commands);
    assertThat(roundTrip(batch)).isEqualTo(batch);
  }

  @Test
  void everyEventAloneAndInABatch() {
    WorkFailure failure =
        new WorkFailure("user_exception", "java.lang.IllegalStateException", "boom", "trace\n\tat x");
    List<FlowMessage.Event> events =
        List.of(
            new FlowMessage.PlacementFailed("root.w", "pekko://fulgur@127.0.0.1:1234", "no class"),
            new FlowMessage.Started("root.w", 3),
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
    FlowMessage.Batch batch = new FlowMessage.Batch(events);
    assertThat(roundTrip(batch)).isEqualTo(batch);
  }

  @Test
  void repeatedClassComputeAndNodeNamesAreWrittenOnceAndReadBack() {
    String cls = "com.example.some.pkg.LongWorkClassName";
    List<HostMessage.Command> same = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      same.add(new HostMessage.Place("root.w." + i, cls, "cpu", true, false, false, null));
    }
    HostMessage.Batch sameBatch = new HostMessage.Batch("app-1", flow, printer, same);
    assertThat(roundTrip(sameBatch)).isEqualTo(sameBatch);
    byte[] bytes = serialization.serialize(sameBatch).get();
    assertThat(bytes.length).as("a class name written 100 times").isLessThan(100 * cls.length());

    // more distinct names than the table keeps, repeated and interleaved, and nulls
    List<HostMessage.Command> mixed = new java.util.ArrayList<>();
    List<FlowMessage.Event> events = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      mixed.add(new HostMessage.Place("w" + i, "com.example.C" + (i % 13), "role" + (i % 3), false,
          true, false, null));
      events.add(new FlowMessage.Started("w" + i, i));
      events.add(new FlowMessage.PlacementFailed("w" + i, i % 4 == 0 ? null : "node" + (i % 9),
          "no class"));
    }
    HostMessage.Batch mixedBatch = new HostMessage.Batch("app-2", flow, printer, mixed);
    assertThat(roundTrip(mixedBatch)).isEqualTo(mixedBatch);
    FlowMessage.Batch eventBatch = new FlowMessage.Batch(events);
    assertThat(roundTrip(eventBatch)).isEqualTo(eventBatch);
  }

  @Test
  void outputLinesAndTheirAcknowledgement() {
    PrintMessage.Print print =
        new PrintMessage.Print(
            "root.w",
            List.of(new PrintMessage.Line(false, "line 1"), new PrintMessage.Line(true, "ünïcode")),
            work);
    assertThat(roundTrip(print)).isEqualTo(print);
    assertThat(roundTrip(WorkMessage.OutputPrinted.INSTANCE))
        .isSameAs(WorkMessage.OutputPrinted.INSTANCE);
  }

  @Test
  void malformedBytesFailWithAClearMessage() {
    WireSerializer serializer = new WireSerializer((ExtendedActorSystem) Adapter.toClassic(system));
    byte[] bytes = serializer.toBinary(new FlowMessage.Done("root.w", 3, json("x")));
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 1);
    assertThatThrownBy(() -> serializer.fromBinary(truncated, "d"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> serializer.fromBinary(bytes, "?"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("manifest");
    // a PlacementFailed whose node refers to a shared string that was never written
    byte[] badReference = {4, 'r', '.', 'w', 1, 3};
    assertThatThrownBy(() -> serializer.fromBinary(badReference, "f"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("string reference 3");
    // an event batch with an unknown event kind
    byte[] badKind = {1, 42};
    assertThatThrownBy(() -> serializer.fromBinary(badKind, "F"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("event kind 42");
  }
}
