package io.fulgur.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fulgur.Work;
import io.fulgur.WorkFailure;
import io.fulgur.WorkOptions;
import io.fulgur.internal.node.NodeSystem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serialization$;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import scala.util.DynamicVariable;

/**
 * Fuzzes the decoding of every Fulgur message that can arrive from another node: no bytes a peer
 * sends may make a node run out of memory, spin, or fail in a way Pekko does not expect.
 *
 * <p>The messages and their serializers come from Pekko: one sample of every message kind and shape
 * (every command and event, inputs and states of every JSON shape, real actor refs) is serialized
 * with whatever serializer {@link Serialization#findSerializerFor} binds it to, under the manifest
 * that serializer gives it. So every manifest of Fulgur's wire serializer is fuzzed, and every
 * message still bound to one of Pekko's Jackson serializers is fuzzed with that one; Pekko's
 * Jackson serializers are also fed Fulgur's class names as manifests whether or not anything is
 * bound to them, since a peer can address them anyway. A message with no serializer (it never
 * leaves its node) has nothing to fuzz.
 *
 * <p>The inputs, from a fixed seed: half random byte arrays (mostly short, one in ten up to
 * Artery's {@code maximum-frame-size}), half mutations of the samples' real encodings (bit flips,
 * boundary bytes, inserted, deleted and duplicated runs, truncation, splices of other encodings,
 * huge varints, CBOR headers with huge lengths or deep nesting, the gzip and LZ4 headers that
 * Pekko's Jackson serializer decompresses whatever its compression setting, gzip of an encoding
 * padded with a long run). Each goes with a manifest of its serializer, sometimes another one,
 * sometimes one no serializer knows. For each input the decoder must:
 *
 * <ul>
 *   <li>return a message of the manifest's type whose {@code toString} works and that its
 *       serializer can write again; Fulgur's wire serializer must also read that back to an equal
 *       message (actor refs aside: a path that names no valid ref resolves to another ref), or
 *   <li>throw {@link NotSerializableException} or {@link IllegalArgumentException}, or, for a
 *       Jackson serializer, an {@link IOException}: nothing else, no {@link OutOfMemoryError}, no
 *       {@link StackOverflowError}, no other {@link RuntimeException};
 *   <li>take at most 100 ms, and allocate (on its thread, {@code ThreadMXBean}) at most 8 times the
 *       input's size plus 64 KiB: a list sized by a count the bytes cannot hold fails here even
 *       when the heap could take it. Both are measured after a warm-up; an input over either limit
 *       is decoded once more and counts only if it is over again (a GC pause, a class loaded on
 *       first use).
 * </ul>
 *
 * <p>200,000 inputs by default, in at most 60 s; {@code ./mvnw verify} runs it in a JVM of its own
 * with {@code -Xmx256m} (execution {@code wire-fuzz} in runtime/pom.xml). On its own, from the
 * project's root:
 *
 * <pre>
 * ./mvnw -B -o -q test -pl runtime -Dtest=WireFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>A longer run (the time limit grows with the count), another seed:
 *
 * <pre>
 * ./mvnw -B -o -q test -pl runtime -Dtest=WireFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfulgur.fuzz.count=5000000 -Dfulgur.fuzz.seed=12345
 * </pre>
 *
 * <p>The run stops when it has spent its time, and fails then too. A failing run lists the failures
 * by kind, each with its count and its shortest input (hex), manifest and origin (the mutations
 * that made it); {@code runtime/target/wire-fuzz/failures.txt} has those inputs in full (up to 4
 * KiB each), the exceptions' stack traces and the run's statistics. The inputs depend only on the
 * seed: input #N of a seed is the same in every run.
 */
@Tag("wire-fuzz")
class WireFuzzTest {
  /** A fixed app token: the same bytes in every run. */
  private static final AppToken TOKEN =
      AppToken.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});

  /** Inputs in a run: {@code -Dfulgur.fuzz.count}. */
  private static final long COUNT = Long.getLong("fulgur.fuzz.count", 200_000);

  /** The random generator's seed: {@code -Dfulgur.fuzz.seed}. */
  private static final long SEED = Long.getLong("fulgur.fuzz.seed", 0x46554c47_2d46555aL);

  /** The time for {@link #DEFAULT_COUNT} inputs; a larger count gets proportionally more. */
  private static final Duration BUDGET = Duration.ofSeconds(60);

  private static final long DEFAULT_COUNT = 200_000;

  /** The longest one decode may take. */
  private static final long SLOW_NANOS = 100_000_000L;

  /** Inputs decoded before time and allocation are measured (the JIT compiles meanwhile). */
  private static final long WARM_UP = 5_000;

  /** Allocation per decode: at most this many times the input's size, plus {@link #ALLOC_BASE}. */
  private static final long ALLOC_FACTOR = 8;

  private static final long ALLOC_BASE = 64 * 1024;

  /** Failures described one by one in the assertion message (all of them are counted). */
  private static final int LISTED = 20;

  /** Manifests no serializer gives a Fulgur message. */
  private static final List<String> UNKNOWN_MANIFESTS =
      List.of(
          "",
          "?",
          "Z",
          "\u0000",
          "é",
          "B ",
          "hb2",
          "x#1",
          "x#not-a-number",
          "scala.None$",
          "java.lang.Object",
          "java.lang.String",
          "java.util.HashMap",
          "io.fulgur.WorkOptions",
          "io.fulgur.internal.protocol.PrintMessage$Line",
          "io.fulgur.internal.protocol.HostMessage$Command",
          "io.fulgur.internal.protocol.FlowMessage$Event",
          "io.fulgur.internal.protocol.WorkMessage",
          "io.fulgur.internal.protocol.WorkMessage$Run#2");

  /** The node the samples' actor refs point to. */
  private static final String PEER = "pekko://fuzz@127.0.0.1:25521";

  private static ActorSystem<Void> system;
  private static ExtendedActorSystem classic;
  private static Serialization serialization;
  private static int frameSize;

  /** Serializers under test, by id, in the order they were found. */
  private static final Map<Integer, Target> targets = new LinkedHashMap<>();

  /** Sample messages that have no serializer: they never leave their node. */
  private static final List<String> nodeLocal = new ArrayList<>();

  private static final List<Object> samples = new ArrayList<>();

  /** A serializer under test, its manifests and the samples' encodings. */
  private static final class Target {
    final Serializer serializer;
    final String name;
    final boolean jackson;

    /** The manifests of the samples bound to it, and each one's message class. */
    final Map<String, Class<?>> manifests = new LinkedHashMap<>();

    final List<Seed> seeds = new ArrayList<>();

    Target(Serializer serializer, String name) {
      this.serializer = serializer;
      this.name = name;
      this.jackson = serializer instanceof JacksonSerializer;
    }

    /** The class a message decoded under {@code manifest} must be an instance of, or null. */
    Class<?> expected(String manifest) {
      Class<?> known = manifests.get(manifest);
      if (known != null || !jackson) {
        return known;
      }
      // Pekko's Jackson serializers name the class, with an optional "#version"
      int hash = manifest.lastIndexOf('#');
      String name = hash < 0 ? manifest : manifest.substring(0, hash);
      try {
        return Class.forName(name, false, WireFuzzTest.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        return null;
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A sample message, encoded. */
  private record Seed(Object message, Target target, String manifest, byte[] bytes) {}

  /** Work class for a {@link WorkMessage.Bind} sample. */
  static final class ProbeWork extends Work<String> {
    @Override
    protected void onRun(String input) {}
  }

  @BeforeAll
  static void start() {
    Config config =
        NodeSystem.resolve(
            ConfigFactory.parseString(
                // the decoders' security warnings for refused class names would flood the log
                "pekko.loglevel = ERROR\npekko.stdout-loglevel = ERROR\n"
                    + "fulgur.node.host-works = off"));
    system = ActorSystem.create(Behaviors.empty(), "fuzz", config);
    classic = (ExtendedActorSystem) Adapter.toClassic(system);
    serialization = SerializationExtension.get(classic);
    frameSize =
        (int)
            system
                .settings()
                .config()
                .getBytes("pekko.remote.artery.advanced.maximum-frame-size")
                .longValue();

    // Refs to actors of another node, as in the messages between nodes, resolved by this node.
    // Their paths, unlike a local actor's (this node's port, the actor's uid), are the same in
    // every run: so are the samples' encodings, and the inputs made from them for a seed.
    ActorRefResolver resolver = ActorRefResolver.get(system);
    ActorRef<FlowMessage> flow = resolver.resolveActorRef(PEER + "/user/flow#1");
    ActorRef<HostMessage> host = resolver.resolveActorRef(PEER + "/user/host#22");
    ActorRef<WorkMessage> work = resolver.resolveActorRef(PEER + "/user/host/w-17#-333");
    samples.addAll(samples(flow, host, work));

    for (Object message : samples) {
      Serializer serializer;
      try {
        serializer = serialization.findSerializerFor(message);
        if (serializer instanceof org.apache.pekko.serialization.DisabledJavaSerializer) {
          throw new java.io.NotSerializableException(message.getClass().getName());
        }
      } catch (Exception e) {
        // Pekko throws NotSerializableException (undeclared) for a class with no binding; an
        // enum finds the Java serializer, which is off
        nodeLocal.add(message.getClass().getName());
        continue;
      }
      Target target =
          targets.computeIfAbsent(
              serializer.identifier(), id -> new Target(serializer, serializerName(serializer)));
      String manifest = Serializers.manifestFor(serializer, message);
      byte[] bytes = serialization.serialize(message).get();
      target.manifests.putIfAbsent(manifest, message.getClass());
      target.seeds.add(new Seed(message, target, manifest, bytes));
      if (target.jackson) {
        // what Pekko writes with compression on: it reads gzip whatever its own setting
        target.seeds.add(new Seed(message, target, manifest, gzip(bytes, 0)));
      }
    }
    // A peer can address Pekko's Jackson serializers whether or not anything is bound to them.
    scala.jdk.javaapi.CollectionConverters.asJava(serialization.serializerByIdentity())
        .forEach(
            (id, serializer) -> {
              if (serializer instanceof JacksonSerializer) {
                targets.computeIfAbsent(
                    (Integer) id, i -> new Target(serializer, serializerName(serializer)));
              }
            });
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      NodeSystem.shutdown(system, Duration.ofSeconds(10));
    }
  }

  private static String serializerName(Serializer serializer) {
    return serializer.getClass().getSimpleName() + "(" + serializer.identifier() + ")";
  }

  private static JsonNode json(Object value) {
    return Json.MAPPER.valueToTree(value);
  }

  /** Inputs and states of every shape. */
  private static List<JsonNode> jsonValues() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode nested = f.objectNode();
    nested.put("count", 3);
    nested.put("name", "ünïcode ✓");
    ArrayNode xs = nested.putArray("xs");
    xs.add(1).add(Long.MIN_VALUE).add("two").add(3.5).add(true).addNull();
    xs.addObject().putArray("deeper").addArray().add(false);
    nested.putObject("empty");
    ArrayNode array = f.arrayNode();
    array.add(json(Map.of("a", List.of(1, 2)))).add("x").add(-0.0);
    return List.of(
        NullNode.getInstance(),
        IntNode.valueOf(0),
        IntNode.valueOf(42),
        IntNode.valueOf(-7),
        LongNode.valueOf(1L << 40),
        LongNode.valueOf(Long.MAX_VALUE),
        LongNode.valueOf(Long.MIN_VALUE),
        TextNode.valueOf("text é ✓"),
        TextNode.valueOf(""),
        BooleanNode.TRUE,
        BooleanNode.FALSE,
        DoubleNode.valueOf(3.25),
        BigIntegerNode.valueOf(BigInteger.ONE.shiftLeft(70)),
        nested,
        array,
        f.objectNode(),
        f.arrayNode());
  }

  /**
   * One message of every kind, of every shape: all that crosses nodes, and the other messages of
   * the protocol (whatever serializer, if any, they have).
   */
  private static List<Object> samples(
      ActorRef<FlowMessage> flow, ActorRef<HostMessage> host, ActorRef<WorkMessage> work) {
    List<JsonNode> values = jsonValues();
    JsonNode state = values.get(13);
    List<Object> out = new ArrayList<>();

    // commands, in batches of every kind alone, all together, and none
    List<HostMessage.Command> commands = new ArrayList<>();
    commands.add(new HostMessage.Place("root.w", "com.example.W", "cpu", true, false, true, state));
    commands.add(new HostMessage.Place("root.v", "com.example.V", "gpu", false, true, false, null));
    commands.add(
        new HostMessage.Place(
            "root.u", "com.example.W", "cpu", false, false, false, json(Map.of("count", 3))));
    long callId = 0;
    for (JsonNode input : values) {
      commands.add(new HostMessage.RunWork("root.w", callId++, input, null));
    }
    commands.add(new HostMessage.RunWork("root.w", 0, null, null));
    commands.add(new HostMessage.RunWork("root.w", 1L << 40, null, "com.acme.Point"));
    commands.add(new HostMessage.RunWork("root.w", 5, state, "com.acme.Point"));
    commands.add(new HostMessage.StopWork("root.w", "stopped_by_flow", false));
    commands.add(new HostMessage.StopWork("root.v", "app_ended", true));
    out.add(new HostMessage.Batch("app-1", TOKEN, flow, 1, 0, commands));
    long seq = 2;
    for (HostMessage.Command c :
        List.of(
            commands.get(0),
            commands.get(3),
            commands.get(commands.size() - 3),
            commands.get(commands.size() - 1))) {
      out.add(new HostMessage.Batch("app-1", TOKEN, flow, seq++, seq * 1000, List.of(c)));
    }
    out.add(new HostMessage.Batch("app-1", TOKEN, flow, Long.MAX_VALUE, Long.MAX_VALUE, List.of()));
    out.add(new HostMessage.Ack("app-1", TOKEN, 0));
    out.add(new HostMessage.Ack("app-1", TOKEN, 1L << 50));

    // events alone, in a batch together, and an empty batch
    WorkFailure failure =
        new WorkFailure(
            "user_exception", "java.lang.IllegalStateException", "boom", "trace\n\tat x");
    List<FlowMessage.Event> events =
        List.of(
            new FlowMessage.PlacementFailed("root.w", "pekko://fulgur@127.0.0.1:1234", "no class"),
            new FlowMessage.PlacementFailed("root.v", null, "no node"),
            new FlowMessage.Started("root.w", 3),
            new FlowMessage.Queued("root.w", 4),
            new FlowMessage.StateChanged("root.w", state),
            new FlowMessage.StateChanged("root.w", IntNode.valueOf(5)),
            new FlowMessage.Done("root.w", 3, json(Map.of("value", List.of("x", "y")))),
            new FlowMessage.Done("root.w", 4, null),
            new FlowMessage.Done("root.w", 5, TextNode.valueOf("done")),
            new FlowMessage.Failed("root.w", 5, failure, null),
            new FlowMessage.Failed(
                "root.w", 6, new WorkFailure("input_error", null, null, null), json(1)),
            new FlowMessage.Stopped("root.w", 7, "stopped_by_flow"),
            new FlowMessage.Released("root.w"),
            new FlowMessage.Output(
                "root.w",
                List.of(
                    new PrintMessage.Line(false, "line 1"),
                    new PrintMessage.Line(true, "ünïcode"),
                    new PrintMessage.Line(false, ""))),
            new FlowMessage.Output("root.w", List.of()));
    out.addAll(events);
    out.add(new FlowMessage.Batch(host, TOKEN, 1, 0, events));
    out.add(new FlowMessage.Batch(host, TOKEN, 2, 7, List.of(events.get(5))));
    out.add(new FlowMessage.Batch(host, TOKEN, 300, 1L << 40, List.of()));
    out.add(new FlowMessage.Ack(host, TOKEN, 0));
    out.add(new FlowMessage.Ack(host, TOKEN, 12345));

    // two large messages, near the frame size
    List<PrintMessage.Line> lines = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      String text = "line " + i + " of a long output: " + "x".repeat(40);
      lines.add(new PrintMessage.Line(i % 7 == 0, text));
    }
    out.add(
        new FlowMessage.Batch(
            host, TOKEN, 9, 9, List.of(new FlowMessage.Output("root.big", lines))));
    List<HostMessage.Command> runs = new ArrayList<>();
    for (int i = 0; i < HostMessage.MAX_BATCH; i++) {
      runs.add(new HostMessage.RunWork("root.w." + i, i, TextNode.valueOf("y".repeat(300)), null));
    }
    out.add(new HostMessage.Batch("app-2", TOKEN, flow, 1, 0, runs));

    // the node-local messages (a serializer, if they have one, is fuzzed too)
    out.add(commands.get(0));
    out.add(commands.get(3));
    out.add(commands.get(commands.size() - 3));
    out.add(commands.get(commands.size() - 1));
    out.add(new HostMessage.Emit("app-1", events.get(5)));
    out.add(new HostMessage.Emit("app-1", events.get(8)));
    out.add(new HostMessage.WorkStopped("app-1", "root.w", work, List.of(1L), "it failed"));
    out.add(new HostMessage.WorkIdle("app-1", work));
    out.add(
        new HostMessage.Print(
            "app-1",
            new FlowMessage.Output("root.w", List.of(new PrintMessage.Line(false, "a"))),
            work));
    out.add(WorkMessage.OutputPrinted.INSTANCE);
    out.add(new WorkMessage.Run(3, state, null));
    out.add(new WorkMessage.Run(4, IntNode.valueOf(4), "com.acme.Point"));
    out.add(new WorkMessage.Stop("stopped_by_flow", true));
    out.add(
        new WorkMessage.Bind(
            "app-1",
            "root.w",
            ProbeWork.class,
            WorkOptions.defaults(),
            state,
            flow,
            new WorkMessage.Run(1, TextNode.valueOf("in"), null)));
    return out;
  }

  /** Every message type of the protocol has a sample above. */
  @Test
  void everyMessageTypeHasASample() {
    Set<Class<?>> types = new TreeSet<>(Comparator.comparing(Class::getName));
    for (Class<?> root : List.of(HostMessage.class, FlowMessage.class, WorkMessage.class)) {
      collectConcrete(root, types);
    }
    Set<Class<?>> sampled = new LinkedHashSet<>();
    for (Object s : samples) {
      sampled.add(s.getClass());
    }
    assertThat(sampled).as("samples of the protocol's message types").containsAll(types);
    assertThat(targets.values().stream().anyMatch(t -> !t.seeds.isEmpty()))
        .as("serializers found for the samples")
        .isTrue();
    System.out.println("node-local messages (no serializer): " + nodeLocal);
    for (Target t : targets.values()) {
      System.out.println(
          t + ": " + t.seeds.size() + " encodings, manifests " + t.manifests.keySet());
    }
  }

  private static void collectConcrete(Class<?> type, Set<Class<?>> out) {
    if (!type.isInterface()) {
      out.add(type);
    } else if (type.isSealed()) {
      for (Class<?> sub : type.getPermittedSubclasses()) {
        collectConcrete(sub, out);
      }
    }
    // a non-sealed interface (the actors' own Internal messages) has no list of implementations
  }

  /** Every sample's own encoding decodes, as itself (the fuzzing below starts from them). */
  @Test
  void everySampleDecodesFromItsOwnBytes() throws Exception {
    withTransportInformation(
        () -> {
          for (Target t : targets.values()) {
            for (Seed seed : t.seeds) {
              Object decoded = decode(t, seed.bytes(), seed.manifest());
              assertThat(decoded)
                  .as(seed.message().toString())
                  .isInstanceOf(seed.message().getClass());
              if (!t.jackson) {
                assertThat(decoded).as(seed.message().toString()).isEqualTo(seed.message());
              }
            }
          }
          return null;
        });
  }

  /**
   * Runs {@code body} with the transport information Pekko's own deserialization sets: Pekko's
   * Jackson serializers need it for actor refs.
   */
  private static <T> T withTransportInformation(ThrowingSupplier<T> body) throws Exception {
    DynamicVariable<Serialization.Information> transport =
        Serialization$.MODULE$.currentTransportInformation();
    transport.value_$eq(classic.provider().serializationInformation());
    try {
      return body.get();
    } finally {
      transport.value_$eq(null);
    }
  }

  private interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  private static Object decode(Target t, byte[] bytes, String manifest) throws Exception {
    if (t.serializer instanceof WireSerializer w) {
      return w.decode(bytes, manifest); // lone events too: their decoding is fuzzed as well
    }
    if (t.serializer instanceof SerializerWithStringManifest s) {
      return s.fromBinary(bytes, manifest);
    }
    return serialization.deserialize(bytes, t.serializer.identifier(), manifest).get();
  }

  @Test
  void decodingAnyBytesFailsCleanlyQuicklyAndWithinItsMeans() {
    Duration budget = BUDGET.multipliedBy(Math.max(1, (COUNT + DEFAULT_COUNT - 1) / DEFAULT_COUNT));
    // the run stops itself at its budget; this only catches a decode that never returns
    Run run =
        assertTimeoutPreemptively(
            budget.plusSeconds(30), () -> withTransportInformation(() -> fuzz(budget)));
    String report = run.report(budget);
    System.out.println(report);
    writeFailures(run, report);
    assertThat(run.failures).withFailMessage(report).isEmpty();
    assertThat(run.inputs).as("inputs decoded in the time budget").isEqualTo(COUNT);
  }

  // ---------------------------------------------------------------------------------------------
  // the run

  private record Input(long index, Target target, String manifest, byte[] bytes, String origin) {}

  /** A decode's result: the message or what it threw, its time and its allocation. */
  private record Outcome(Object message, Throwable error, long nanos, long allocated) {}

  /** All failures of one kind: how many, and the shortest input. */
  private static final class Kind {
    final String name;
    long count;
    Input example;
    String detail;
    Throwable error;

    Kind(String name) {
      this.name = name;
    }
  }

  private static final class Run {
    final Map<String, Kind> failures = new LinkedHashMap<>();
    final List<String> listed = new ArrayList<>();
    final Map<String, Long> outcomes = new TreeMap<>();
    long inputs;
    long randomInputs;
    long largestInput;
    long elapsedNanos;
    long generateNanos;
    long decodeNanos;
    long checkNanos;
    long decodedNanos;
    long rerunNanos;
    long slowestNanos;
    String slowest = "";
    double highestAllocationRatio;
    String highestAllocation = "";
    boolean outOfTime;

    void fail(String kind, Input in, String detail) {
      fail(kind, in, detail, null);
    }

    void fail(String kind, Input in, String detail, Throwable error) {
      Kind k = failures.computeIfAbsent(kind, Kind::new);
      k.count++;
      if (k.example == null || in.bytes().length < k.example.bytes().length) {
        k.example = in;
        k.detail = detail;
        k.error = error;
      }
      if (listed.size() < LISTED) {
        listed.add(describe(kind, in, detail, 64));
      }
    }

    void outcome(String what) {
      outcomes.merge(what, 1L, Long::sum);
    }

    String report(Duration budget) {
      StringBuilder b = new StringBuilder();
      b.append(
          String.format(
              "Wire fuzz: %,d of %,d inputs (seed %d, %,d random, largest %,d bytes) in %.1f s"
                  + " (budget %d s, -Xmx%d MiB)%n",
              inputs,
              COUNT,
              SEED,
              randomInputs,
              largestInput,
              elapsedNanos / 1e9,
              budget.toSeconds(),
              Runtime.getRuntime().maxMemory() >> 20));
      b.append(
          String.format(
              "  time: %.1f s making inputs, %.1f s decoding, %.1f s checking (%.1f s the decoded"
                  + " messages, %.1f s decoding slow or greedy inputs again)%n",
              generateNanos / 1e9,
              decodeNanos / 1e9,
              checkNanos / 1e9,
              decodedNanos / 1e9,
              rerunNanos / 1e9));
      b.append(
          String.format(
              "  slowest first decode (after the warm-up) %.1f ms: %s%n",
              slowestNanos / 1e6, slowest));
      b.append(
          String.format(
              "  highest first allocation (after the warm-up), %.2f x the limit: %s%n",
              highestAllocationRatio, highestAllocation));
      b.append("  serializers: ").append(targets.values()).append('\n');
      b.append("  node-local messages, no serializer: ").append(nodeLocal).append('\n');
      b.append("  outcomes:\n");
      outcomes.forEach((k, v) -> b.append(String.format("    %,9d  %s%n", v, k)));
      if (outOfTime) {
        b.append("  OUT OF TIME: stopped after ").append(inputs).append(" inputs\n");
      }
      if (!failures.isEmpty()) {
        long total = failures.values().stream().mapToLong(k -> k.count).sum();
        b.append(
            String.format(
                "%,d failures of %d kinds; each kind's shortest input:%n", total, failures.size()));
        for (Kind k : failures.values()) {
          b.append(String.format("  %,d x %s%n", k.count, k.name));
          b.append("      ").append(describe(null, k.example, k.detail, 64)).append('\n');
        }
        b.append("The first ").append(listed.size()).append(" failures:\n");
        for (String l : listed) {
          b.append("  ").append(l).append('\n');
        }
      }
      return b.toString();
    }
  }

  private static String describe(String kind, Input in, String detail, int hexBytes) {
    if (in.target() == null) {
      return (kind == null ? "" : kind + ": ") + detail;
    }
    byte[] b = in.bytes();
    String hex = HexFormat.of().formatHex(b, 0, Math.min(b.length, hexBytes));
    return (kind == null ? "" : kind + ": ")
        + "input #"
        + in.index()
        + " "
        + in.target()
        + " manifest \""
        + printable(in.manifest())
        + "\", "
        + b.length
        + " bytes "
        + hex
        + (b.length > hexBytes ? "..." : "")
        + " ("
        + in.origin()
        + "): "
        + printable(detail);
  }

  /** {@code s} in ASCII, other characters as {@code \\uXXXX}. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        b.append("\\u").append(HexFormat.of().toHexDigits(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static void writeFailures(Run run, String report) {
    StringBuilder b = new StringBuilder(report);
    for (Kind k : run.failures.values()) {
      b.append("\n")
          .append(k.name)
          .append(" (")
          .append(k.count)
          .append("):\n  ")
          .append(describe(null, k.example, k.detail, 4096))
          .append('\n');
      if (k.error != null) {
        StackTraceElement[] stack = k.error.getStackTrace();
        for (int i = 0; i < Math.min(stack.length, 40); i++) {
          b.append("    at ").append(stack[i]).append('\n');
        }
      }
    }
    try {
      Path dir = Path.of(System.getProperty("fulgur.fuzz.dir", "target/wire-fuzz"));
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("failures.txt"), b);
    } catch (IOException e) {
      System.out.println("could not write the failures: " + e);
    }
  }

  private static Run fuzz(Duration budget) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
    threads.setThreadAllocatedMemoryEnabled(true);
    Generator generator = new Generator(new SplittableRandom(SEED));
    Run run = new Run();
    long start = System.nanoTime();
    long deadline = start + budget.toNanos();
    for (long i = 0; i < COUNT; i++) {
      if ((i & 63) == 0 && System.nanoTime() > deadline) {
        run.outOfTime = true;
        run.fail(
            "out of time",
            new Input(i, null, "", new byte[0], ""),
            "the run's budget of " + budget.toSeconds() + " s was spent after " + i + " inputs");
        break;
      }
      long t0 = System.nanoTime();
      Input in = generator.next(i);
      run.inputs++;
      if (in.origin().startsWith("random")) {
        run.randomInputs++;
      }
      run.largestInput = Math.max(run.largestInput, in.bytes().length);
      long t1 = System.nanoTime();
      Outcome o = decode(threads, in);
      long t2 = System.nanoTime();
      check(threads, run, in, o, i >= WARM_UP);
      run.generateNanos += t1 - t0;
      run.decodeNanos += t2 - t1;
      run.checkNanos += System.nanoTime() - t2;
      if (o.error() == null) {
        run.decodedNanos += System.nanoTime() - t2;
      }
    }
    run.elapsedNanos = System.nanoTime() - start;
    return run;
  }

  private static Outcome decode(com.sun.management.ThreadMXBean threads, Input in) {
    Object message = null;
    Throwable error = null;
    long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
    long startNanos = System.nanoTime();
    try {
      message = decode(in.target(), in.bytes(), in.manifest());
    } catch (Throwable t) {
      error = t;
    }
    long nanos = System.nanoTime() - startNanos;
    long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
    return new Outcome(message, error, nanos, allocated);
  }

  private static void check(
      com.sun.management.ThreadMXBean threads, Run run, Input in, Outcome o, boolean measured) {
    Target t = in.target();
    if (o.error() != null) {
      Throwable e = o.error();
      boolean allowed =
          e instanceof NotSerializableException
              || e instanceof IllegalArgumentException
              || (t.jackson && e instanceof IOException);
      run.outcome((allowed ? "refused: " : "FAILED: ") + e.getClass().getName());
      if (!allowed) {
        // the JVM throws most OutOfMemoryErrors without a stack trace: the manifest tells more
        String at =
            e.getStackTrace().length == 0
                ? "(no stack trace; " + t + " \"" + printable(in.manifest()) + "\")"
                : where(e) + " (" + t + ")";
        run.fail(e.getClass().getName() + " at " + at, in, String.valueOf(e), e);
      }
    } else {
      String invalid = invalid(in, o.message());
      run.outcome(
          (invalid == null ? "decoded: " : "FAILED: ")
              + (o.message() == null ? "null" : o.message().getClass().getName()));
      if (invalid != null) {
        run.fail(
            "decoded an invalid message (" + t + ", " + invalid.split(":")[0] + ")", in, invalid);
      }
    }
    if (!measured) {
      return;
    }
    long limit = ALLOC_FACTOR * in.bytes().length + ALLOC_BASE;
    double ratio = (double) o.allocated() / limit;
    if (ratio > run.highestAllocationRatio) {
      run.highestAllocationRatio = ratio;
      run.highestAllocation =
          o.allocated()
              + " bytes for "
              + in.bytes().length
              + " ("
              + in.target()
              + " \""
              + printable(in.manifest())
              + "\", "
              + in.origin()
              + ")";
    }
    if (o.nanos() > run.slowestNanos) {
      run.slowestNanos = o.nanos();
      run.slowest =
          in.bytes().length
              + " bytes ("
              + in.target()
              + " \""
              + printable(in.manifest())
              + "\", "
              + in.origin()
              + ")";
    }
    if (o.nanos() > SLOW_NANOS) {
      Outcome again = decode(threads, in);
      run.rerunNanos += again.nanos();
      if (again.nanos() > SLOW_NANOS) {
        run.fail(
            "slower than 100 ms (" + t + " \"" + printable(in.manifest()) + "\")",
            in,
            String.format("%.1f ms, then %.1f ms", o.nanos() / 1e6, again.nanos() / 1e6));
      }
    }
    if (o.allocated() > limit) {
      Outcome again = decode(threads, in);
      run.rerunNanos += again.nanos();
      if (again.allocated() > limit) {
        run.fail(
            "allocated over 8 x size + 64 KiB (" + t + " \"" + printable(in.manifest()) + "\")",
            in,
            String.format(
                "%,d then %,d bytes allocated, limit %,d",
                o.allocated(), again.allocated(), limit));
      }
    }
  }

  /**
   * Where an exception was thrown: the top frame, and the serializer's frame that called it (the
   * first of Fulgur's frames, else of Pekko's).
   */
  private static String where(Throwable e) {
    StackTraceElement[] stack = e.getStackTrace();
    String top = frame(stack[0]);
    for (String prefix : List.of("io.fulgur.", "org.apache.pekko.")) {
      for (StackTraceElement f : stack) {
        if (f.getClassName().startsWith(prefix) && !f.getClassName().contains("WireFuzzTest")) {
          return f == stack[0] ? top : top + " from " + frame(f);
        }
      }
    }
    return top;
  }

  private static String frame(StackTraceElement f) {
    return f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1)
        + "."
        + f.getMethodName();
  }

  /** Why a decoded message is not a valid one, or null. */
  private static String invalid(Input in, Object message) {
    if (message == null) {
      return "null: decoded to null";
    }
    Class<?> expected = in.target().expected(in.manifest());
    if (expected == null) {
      return "unknown manifest: decoded "
          + message.getClass().getName()
          + " from a manifest the serializer has no message for";
    }
    if (!expected.isInstance(message)) {
      return "wrong type: decoded " + message.getClass().getName() + " for " + expected.getName();
    }
    try {
      Objects.requireNonNull(message.toString());
    } catch (Throwable e) {
      return "toString: throws " + e;
    }
    byte[] again;
    Serializer serializer;
    try {
      serializer = serialization.findSerializerFor(message);
      again = serializer.toBinary(message);
    } catch (Throwable e) {
      return "not writable: the decoded message cannot be serialized again: " + e;
    }
    if (!in.target().jackson && serializer == in.target().serializer) {
      try {
        Object back = decode(in.target(), again, Serializers.manifestFor(serializer, message));
        if (!Objects.equals(withoutRefs(message), withoutRefs(back))) {
          return "not stable: written again and read back it differs: " + message + " vs " + back;
        }
      } catch (Throwable e) {
        return "not stable: written again it does not read back: " + e;
      }
    }
    return null;
  }

  /**
   * A message's fields, deeply, with its actor refs left out: a path that is not a valid ref
   * resolves to some other ref (dead letters, a local path), which writes differently; refs are
   * Pekko's to resolve, the rest must survive a second trip as it is.
   */
  private static Object withoutRefs(Object value) throws ReflectiveOperationException {
    if (value instanceof ActorRef<?>) {
      return "<ref>";
    } else if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add(withoutRefs(o));
      }
      return out;
    } else if (value != null && value.getClass().isRecord()) {
      List<Object> out = new ArrayList<>();
      out.add(value.getClass());
      for (Method accessor : ACCESSORS.get(value.getClass())) {
        out.add(withoutRefs(accessor.invoke(value)));
      }
      return out;
    }
    return value;
  }

  /** A record class's accessors (Class.getRecordComponents makes new objects at every call). */
  private static final ClassValue<List<Method>> ACCESSORS =
      new ClassValue<>() {
        @Override
        protected List<Method> computeValue(Class<?> type) {
          return Arrays.stream(type.getRecordComponents())
              .map(RecordComponent::getAccessor)
              .toList();
        }
      };

  // ---------------------------------------------------------------------------------------------
  // inputs

  /** CBOR headers and compression magic that decoders act on before reading anything else. */
  private static final byte[][] TOKENS = {
    hex("5a7fffffff"), // byte string of 2^31-1 bytes
    hex("5b0000000100000000"), // byte string of 2^32 bytes
    hex("5bffffffffffffffff"), // byte string of 2^64-1 bytes
    hex("7a7fffffff"), // text string of 2^31-1 bytes
    hex("7a00100000"), // text string of 1 MiB
    hex("9a7fffffff"), // array of 2^31-1 items
    hex("9a00100000"), // array of 2^20 items
    hex("ba7fffffff"), // map of 2^31-1 entries
    hex("bb7fffffffffffffff"), // map of 2^63-1 entries
    hex("c25a00100000"), // bignum of 1 MiB
    hex("fb7ff8000000000000"), // NaN
    hex("f97c00"), // half-precision infinity
    hex("9f9f9f9f9f9f9f9f"), // indefinite arrays, nested
    hex("1f8b0800000000000000"), // gzip header
    hex("87d96df67fffffff"), // Pekko's LZ4 header, 2^31-1 bytes uncompressed
    hex("87d96df610000000"), // ... 256 MiB
    hex("87d96df600100000"), // ... 1 MiB
    hex("87d96df6ffffffff"), // ... -1 bytes
  };

  /** Varints of huge, negative (as int) and overlong numbers. */
  private static final byte[][] VARINTS = {
    hex("ffffffff0f"), // 2^32-1: -1 as an int
    hex("feffffff0f"), // -2 as an int
    hex("fdffffff0f"), // -3 as an int
    hex("ffffffff07"), // 2^31-1
    hex("8080808008"), // 2^31: Integer.MIN_VALUE as an int
    hex("80808080f8ffffffff01"), // -2^31 as a long
    hex("ffffff7f"), // 2^28-1
    hex("80808040"), // 2^27
    hex("ffff7f"), // 2^21-1
    hex("80807f"), // 2^20 - 2^14 ... a few MB of list
    hex("ffffffffffffffff7f"), // 2^63-1
    hex("ffffffffffffffffff01"), // 2^64-1: -1 as a long
    hex("ffffffffffffffffffff7f"), // longer than a long
    hex("8080808080808080808001"), // overlong
  };

  private static final byte[] BOUNDARY = {0x00, (byte) 0xff, 0x7f, (byte) 0x80, 0x01, 0x02};

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  private static byte[] gzip(byte[] bytes, int zeros) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(bos)) {
      zip.write(bytes);
      byte[] run = new byte[64 * 1024];
      for (int left = zeros; left > 0; left -= run.length) {
        zip.write(run, 0, Math.min(left, run.length));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Makes the inputs: random bytes or mutated encodings, each with a manifest. */
  private static final class Generator {
    private final SplittableRandom rnd;
    private final List<Target> all = new ArrayList<>(targets.values());
    private final List<Target> withSeeds = new ArrayList<>();
    private final List<Seed> seeds = new ArrayList<>();
    private final List<String> everyManifest = new ArrayList<>();
    private final Map<Target, List<String>> ownManifests = new LinkedHashMap<>();

    Generator(SplittableRandom rnd) {
      this.rnd = rnd;
      Set<String> manifests = new LinkedHashSet<>();
      for (Target t : all) {
        if (!t.seeds.isEmpty()) {
          withSeeds.add(t);
          seeds.addAll(t.seeds);
        }
        manifests.addAll(t.manifests.keySet());
        ownManifests.put(t, new ArrayList<>(t.manifests.keySet()));
      }
      for (Object s : samples) {
        manifests.add(s.getClass().getName());
      }
      everyManifest.addAll(manifests);
    }

    Input next(long index) {
      Target target;
      Seed seed = null;
      byte[] bytes;
      String origin;
      if (rnd.nextBoolean()) {
        // a serializer with samples mostly, now and then one nothing is bound to
        target = rnd.nextInt(50) == 0 || withSeeds.isEmpty() ? pick(all) : pick(withSeeds);
        int length = rnd.nextInt(10) < 9 ? rnd.nextInt(513) : rnd.nextInt(frameSize + 1);
        bytes = randomBytes(length);
        origin = "random bytes";
        if (rnd.nextInt(4) == 0) {
          // small values, so that numbers and tags are often in range
          int mask = rnd.nextBoolean() ? 0x07 : 0x7f;
          for (int i = 0; i < length; i++) {
            bytes[i] &= mask;
          }
          origin = "random small bytes";
        }
      } else {
        if (rnd.nextInt(50) == 0) {
          // a serializer nothing is bound to, with encodings of another one
          target = pick(all);
          seed = pick(seeds);
        } else {
          seed = pick(seeds);
          target = seed.target();
        }
        StringBuilder ops = new StringBuilder();
        bytes = rnd.nextInt(100) == 0 ? seed.bytes().clone() : mutate(seed, ops);
        origin =
            "mutated "
                + seed.message().getClass().getSimpleName()
                + " \""
                + printable(seed.manifest())
                + "\":"
                + (ops.length() == 0 ? " unchanged" : ops);
      }
      return new Input(index, target, manifest(target, seed), bytes, origin);
    }

    private String manifest(Target target, Seed seed) {
      int r = rnd.nextInt(100);
      if (r < 75 && seed != null && seed.target() == target) {
        return seed.manifest();
      } else if (r < 88 && !target.manifests.isEmpty()) {
        return pick(ownManifests.get(target));
      } else if (r < 95) {
        return pick(everyManifest);
      }
      return pick(UNKNOWN_MANIFESTS);
    }

    /** Random bytes, eight at a time (RandomGenerator.nextBytes goes byte by byte). */
    private byte[] randomBytes(int length) {
      byte[] bytes = new byte[length];
      int i = 0;
      for (; i + 8 <= length; i += 8) {
        LONGS.set(bytes, i, rnd.nextLong());
      }
      for (; i < length; i++) {
        bytes[i] = (byte) rnd.nextInt();
      }
      return bytes;
    }

    private <T> T pick(List<T> list) {
      return list.get(rnd.nextInt(list.size()));
    }

    private byte[] mutate(Seed seed, StringBuilder ops) {
      byte[] b = seed.bytes();
      int n = 1;
      while (n < 8 && rnd.nextBoolean()) {
        n++;
      }
      for (int i = 0; i < n; i++) {
        b = mutateOnce(seed, b, ops);
        if (b.length > frameSize) {
          b = Arrays.copyOf(b, frameSize);
        }
      }
      return b;
    }

    private byte[] mutateOnce(Seed seed, byte[] b, StringBuilder ops) {
      int len = b.length;
      switch (rnd.nextInt(13)) {
        case 0 -> {
          if (len == 0) {
            return b;
          }
          int p = rnd.nextInt(len);
          b = b.clone();
          b[p] ^= (byte) (1 << rnd.nextInt(8));
          ops.append(" flip@").append(p);
          return b;
        }
        case 1 -> {
          if (len == 0) {
            return b;
          }
          int p = rnd.nextInt(len);
          b = b.clone();
          b[p] = BOUNDARY[rnd.nextInt(BOUNDARY.length)];
          ops.append(" boundary@").append(p);
          return b;
        }
        case 2 -> {
          if (len == 0) {
            return b;
          }
          int p = rnd.nextInt(len);
          b = b.clone();
          b[p] = (byte) (rnd.nextBoolean() ? rnd.nextInt(256) : b[p] + rnd.nextInt(-4, 5));
          ops.append(" byte@").append(p);
          return b;
        }
        case 3 -> {
          int runLength =
              rnd.nextInt(8) == 0 ? rnd.nextInt(frameSize / 4) + 1 : rnd.nextInt(16) + 1;
          byte[] run = new byte[runLength];
          if (rnd.nextBoolean()) {
            rnd.nextBytes(run);
          } else {
            Arrays.fill(run, BOUNDARY[rnd.nextInt(BOUNDARY.length)]);
          }
          int p = rnd.nextInt(len + 1);
          ops.append(" insert").append(runLength).append('@').append(p);
          return insert(b, p, run);
        }
        case 4 -> {
          if (len == 0) {
            return b;
          }
          int p = rnd.nextInt(len);
          int runLength = 1 + rnd.nextInt(Math.min(len - p, rnd.nextBoolean() ? 4 : len));
          ops.append(" delete").append(runLength).append('@').append(p);
          return delete(b, p, runLength);
        }
        case 5 -> {
          byte[] varint = VARINTS[rnd.nextInt(VARINTS.length)];
          int p = rnd.nextInt(len + 1);
          ops.append(" varint").append(HexFormat.of().formatHex(varint)).append('@').append(p);
          return rnd.nextBoolean() ? insert(b, p, varint) : overwrite(b, p, varint);
        }
        case 6 -> {
          int p = len == 0 ? 0 : rnd.nextInt(len);
          ops.append(" truncate@").append(p);
          return Arrays.copyOf(b, p);
        }
        case 7 -> {
          if (len == 0) {
            return b;
          }
          int from = rnd.nextInt(len);
          int chunk = 1 + rnd.nextInt(len - from);
          int p = rnd.nextInt(len + 1);
          ops.append(" dup").append(chunk).append('@').append(from).append("->").append(p);
          return insert(b, p, Arrays.copyOfRange(b, from, from + chunk));
        }
        case 8 -> {
          byte[] token = TOKENS[rnd.nextInt(TOKENS.length)];
          int p = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(len + 1);
          ops.append(" token").append(HexFormat.of().formatHex(token)).append('@').append(p);
          return rnd.nextBoolean() ? insert(b, p, token) : overwrite(b, p, token);
        }
        case 9 -> {
          Seed other = pick(seed.target().seeds.isEmpty() ? seeds : seed.target().seeds);
          byte[] o = other.bytes();
          int p = rnd.nextInt(len + 1);
          int q = rnd.nextInt(o.length + 1);
          ops.append(" splice@")
              .append(p)
              .append('+')
              .append(other.message().getClass().getSimpleName())
              .append('@')
              .append(q);
          byte[] out = Arrays.copyOf(b, p + o.length - q);
          System.arraycopy(o, q, out, p, o.length - q);
          return out;
        }
        case 10 -> {
          if (len == 0) {
            return b;
          }
          int p = rnd.nextInt(len);
          b = b.clone();
          b[p] = (byte) rnd.nextInt(12);
          ops.append(" small@").append(p);
          return b;
        }
        case 11 -> {
          if (len == 0) {
            return b;
          }
          // a run of one byte repeated, in place (nesting, long varints)
          int p = rnd.nextInt(len);
          int runLength = 1 + rnd.nextInt(Math.min(len - p, 4096));
          b = b.clone();
          Arrays.fill(b, p, p + runLength, rnd.nextBoolean() ? b[p] : (byte) 0x81);
          ops.append(" fill").append(runLength).append('@').append(p);
          return b;
        }
        default -> {
          if (rnd.nextInt(4) != 0) {
            return b;
          }
          // compressed, as Pekko's Jackson serializer writes it, maybe with a long tail of zeros
          int zeros = rnd.nextInt(3) == 0 ? rnd.nextInt(1 << 20) : 0;
          ops.append(" gzip+").append(zeros);
          return gzip(b, zeros);
        }
      }
    }

    private static byte[] insert(byte[] b, int p, byte[] what) {
      byte[] out = new byte[b.length + what.length];
      System.arraycopy(b, 0, out, 0, p);
      System.arraycopy(what, 0, out, p, what.length);
      System.arraycopy(b, p, out, p + what.length, b.length - p);
      return out;
    }

    private static byte[] overwrite(byte[] b, int p, byte[] what) {
      byte[] out = Arrays.copyOf(b, Math.max(b.length, p + what.length));
      System.arraycopy(what, 0, out, p, what.length);
      return out;
    }

    private static byte[] delete(byte[] b, int p, int n) {
      byte[] out = new byte[b.length - n];
      System.arraycopy(b, 0, out, 0, p);
      System.arraycopy(b, p + n, out, p, b.length - p - n);
      return out;
    }
  }
}
