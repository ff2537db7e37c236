package io.fulgur.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.fulgur.WorkFailure;
import io.fulgur.internal.node.NodeSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The wire format's saved bytes: one file per message, command and event kind under {@code
 * src/test/resources/wire/v<version>/}. Each is decoded into the message it was made from and
 * re-encoded byte for byte, so a change of the format fails here and is made on purpose: a new
 * version, new files ({@code -Dfulgur.wire.golden.write=true} writes the missing ones).
 */
class WireGoldenTest {
  /** A fixed app token: the same bytes in every run. */
  private static final AppToken TOKEN =
      AppToken.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});

  private static final Path DIR =
      Path.of("src", "test", "resources", "wire", "v" + WireSerializer.VERSION);

  private static ActorSystem<Void> system;
  private static WireSerializer serializer;
  private static ActorRef<FlowMessage> flow;
  private static ActorRef<HostMessage> host;

  @BeforeAll
  static void start() {
    system =
        NodeSystem.start(
            NodeSystem.resolve(ConfigFactory.parseString("fulgur.node.host-works = off")), s -> {});
    serializer = new WireSerializer((ExtendedActorSystem) Adapter.toClassic(system));
    // refs of another node at a fixed address: they serialise to the same text in any run
    ActorRefResolver resolver = ActorRefResolver.get(system);
    flow = resolver.resolveActorRef("pekko://fulgur@127.0.0.1:25520/user/flow#1");
    host = resolver.resolveActorRef("pekko://fulgur@127.0.0.1:25521/user/host#3");
  }

  @AfterAll
  static void stop() {
    NodeSystem.shutdown(system, Duration.ofSeconds(10));
  }

  private static JsonNode json(Object value) {
    return Json.MAPPER.valueToTree(value);
  }

  /** One message of every kind the wire knows, by file name. */
  private static Map<String, Object> samples() {
    Map<String, Object> samples = new LinkedHashMap<>();
    JsonNode object = json(Map.of("label", "shard-1", "size", 3, "tags", List.of("a", "b")));
    samples.put(
        "host-batch-place",
        batch(
            new HostMessage.Place("root.w", "com.acme.Trainer", "gpu", true, false, true, object)));
    samples.put("host-batch-run", batch(new HostMessage.RunWork("root.w", 7, json("data"), null)));
    samples.put(
        "host-batch-run-typed",
        batch(new HostMessage.RunWork("root.w", 8, object, "com.acme.Point")));
    samples.put(
        "host-batch-stop", batch(new HostMessage.StopWork("root.w", "stopped_by_flow", true)));
    List<FlowMessage.Event> events =
        List.of(
            new FlowMessage.PlacementFailed(
                "root.w", "pekko://fulgur@127.0.0.1:25521", "class not found"),
            new FlowMessage.Started("root.w", 7),
            new FlowMessage.StateChanged("root.w", object),
            new FlowMessage.Done("root.w", 7, json(42)),
            new FlowMessage.Failed(
                "root.w",
                8,
                new WorkFailure(
                    "user_exception", "java.lang.IllegalStateException", "boom", "at x"),
                json(-5)),
            new FlowMessage.Stopped("root.w", 9, "app_ended"),
            new FlowMessage.Released("root.w"),
            new FlowMessage.Queued("root.w", 10),
            new FlowMessage.Output(
                "root.w",
                List.of(
                    new PrintMessage.Line(false, "line 1"),
                    new PrintMessage.Line(true, "ünïcode"))));
    for (FlowMessage.Event e : events) {
      samples.put("event-" + WireTags.Event.of(e).name().toLowerCase(java.util.Locale.ROOT), e);
    }
    samples.put("event-batch", new FlowMessage.Batch(host, TOKEN, 12, 11, events));
    samples.put("host-ack", new HostMessage.Ack("5f3a9c", TOKEN, 300));
    samples.put("flow-ack", new FlowMessage.Ack(host, TOKEN, 301));
    return samples;
  }

  private static HostMessage.Batch batch(HostMessage.Command command) {
    return new HostMessage.Batch("5f3a9c", TOKEN, flow, 200, 199, List.of(command));
  }

  @Test
  void everyKindHasSavedBytesThatDecodeToItsMessageAndEncodeBackTheSame() throws IOException {
    boolean write = Boolean.getBoolean("fulgur.wire.golden.write");
    for (Map.Entry<String, Object> sample : samples().entrySet()) {
      Path file = DIR.resolve(sample.getKey() + ".bin");
      Object message = sample.getValue();
      String manifest = serializer.manifest(message);
      byte[] encoded = serializer.toBinary(message);
      if (write && !Files.exists(file)) {
        Files.createDirectories(DIR);
        Files.write(file, encoded);
      }
      assertThat(file).as("saved bytes of " + sample.getKey()).exists();
      byte[] saved = Files.readAllBytes(file);
      Object decoded = serializer.decode(saved, manifest);
      assertThat(decoded).as(sample.getKey() + " decoded").isEqualTo(message);
      assertThat(serializer.toBinary(decoded)).as(sample.getKey() + " re-encoded").isEqualTo(saved);
      assertThat(encoded).as(sample.getKey() + " encoded today").isEqualTo(saved);
    }
  }

  @Test
  void everyCommandAndEventCodeHasASample() {
    Map<String, Object> samples = samples();
    for (WireTags.Event e : WireTags.Event.values()) {
      assertThat(samples).containsKey("event-" + e.name().toLowerCase(java.util.Locale.ROOT));
    }
    assertThat(samples)
        .containsKeys(
            "host-batch-place", "host-batch-run", "host-batch-run-typed", "host-batch-stop");
    assertThat(WireTags.Command.values()).hasSize(4);
    assertThat(WireTags.Message.values()).hasSize(5);
  }
}
