package io.fulgur.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.fulgur.internal.node.NodeSystem;
import io.fulgur.internal.protocol.AppToken;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.Json;
import io.fulgur.internal.protocol.WireSerializer;
import java.io.NotSerializableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * What Fulgur's wire format costs per message: bytes, and serialise plus deserialise time, for the
 * messages of a call (a batch of one run, a batch of one {@code Done}, and batches of 100 of each).
 */
final class WireCost {
  /** A fixed app token: the same bytes in every run. */
  private static final AppToken TOKEN =
      AppToken.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});

  private WireCost() {}

  /** Adds a bytes row and a time row per message to {@code rows}. */
  static void measure(boolean quick, int iterations, List<Row> rows)
      throws NotSerializableException {
    ActorSystem<Void> system =
        NodeSystem.start(
            NodeSystem.resolve(ConfigFactory.parseString("fulgur.node.host-works = off")), s -> {});
    try {
      WireSerializer serializer =
          new WireSerializer((ExtendedActorSystem) Adapter.toClassic(system));
      ActorRefResolver resolver = ActorRefResolver.get(system);
      ActorRef<FlowMessage> flow =
          resolver.resolveActorRef("pekko://fulgur@127.0.0.1:25520/user/flow#1");
      ActorRef<HostMessage> host =
          resolver.resolveActorRef("pekko://fulgur@127.0.0.1:25521/user/host#2");
      int ops = quick ? 200 : 20_000;
      for (Map.Entry<String, Object> m : messages(flow, host).entrySet()) {
        Object message = m.getValue();
        String manifest = serializer.manifest(message);
        byte[] bytes = serializer.toBinary(message);
        double[] micros = new double[iterations];
        for (int it = -2; it < iterations; it++) {
          long start = System.nanoTime();
          for (int i = 0; i < ops; i++) {
            serializer.fromBinary(serializer.toBinary(message), manifest);
          }
          if (it >= 0) {
            micros[it] = (System.nanoTime() - start) / 1000.0 / ops;
          }
        }
        rows.add(
            new Row(
                "wire, " + m.getKey() + ": bytes",
                "B",
                false,
                new double[] {bytes.length},
                null,
                null));
        rows.add(
            new Row(
                "wire, " + m.getKey() + ": serialise + deserialise",
                "us",
                false,
                micros,
                null,
                null));
      }
    } finally {
      NodeSystem.shutdown(system, Duration.ofSeconds(10));
    }
  }

  private static Map<String, Object> messages(
      ActorRef<FlowMessage> flow, ActorRef<HostMessage> host) {
    JsonNode input = Json.MAPPER.valueToTree(12345);
    List<HostMessage.Command> runs = new ArrayList<>();
    List<FlowMessage.Event> dones = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      runs.add(new HostMessage.RunWork("root.works." + i, i + 1, input, null));
      dones.add(new FlowMessage.Done("root.works." + i, i + 1, null));
    }
    Map<String, Object> messages = new LinkedHashMap<>();
    messages.put(
        "a batch of one run",
        new HostMessage.Batch("5f3a9c", TOKEN, flow, 1, 0, runs.subList(0, 1)));
    // events cross nodes only in batches: a Done alone travels as a batch of one
    messages.put(
        "a batch of one Done event", new FlowMessage.Batch(host, TOKEN, 1, 0, dones.subList(0, 1)));
    messages.put("a batch of 100 runs", new HostMessage.Batch("5f3a9c", TOKEN, flow, 2, 1, runs));
    messages.put("a batch of 100 Done events", new FlowMessage.Batch(host, TOKEN, 1, 2, dones));
    return messages;
  }
}
