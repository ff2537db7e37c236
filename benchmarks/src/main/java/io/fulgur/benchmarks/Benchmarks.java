package io.fulgur.benchmarks;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fulgur.App;
import io.fulgur.CloudCompute;
import io.fulgur.Flow;
import io.fulgur.LocalCluster;
import io.fulgur.Work;
import io.fulgur.WorkOptions;
import io.fulgur.internal.node.NodeSystem;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Fulgur beside plain Pekko and Hazelcast's {@code IExecutorService}, every scenario in this one
 * process and run, on the same topology: each row shows the median of the measured iterations
 * (after warm-up), min-max, and the ratios Fulgur/Pekko and Fulgur/Hazelcast.
 *
 * <pre>Benchmarks [quick] [SCENARIO...]</pre>
 *
 * <p>{@code quick}: tiny sizes, one iteration (a smoke run). Scenarios (default: all): {@code
 * seq1} {@code seq2} {@code seqproc} {@code fanout} {@code fanoutproc} {@code pass} {@code
 * memory} {@code startup} {@code wire}.
 *
 * <p>The fan-out scenarios also run, side by side with the no-op works, fan-outs whose works
 * carry three public state fields and three private constructor-given fields, and show what the
 * private ones cost against the public ones ({@code fanout fanoutproc}: only those rows).
 */
public final class Benchmarks {
  private final boolean quick;
  private final int warmups;
  private final int iterations;
  private final int calls;
  private final List<Row> rows = new ArrayList<>();

  private Benchmarks(boolean quick) {
    this.quick = quick;
    this.warmups = quick ? 0 : Integer.getInteger("bench.warmups", 5);
    this.iterations = quick ? 1 : 7;
    this.calls = quick ? 50 : 5000;
  }

  /** One line of the table: per-iteration values of each system (null: not measured). */
  record Row(String scenario, String unit, boolean higherIsBetter, double[] fulgur, double[] pekko,
      double[] hazelcast) {}

  /**
   * Runs the scenarios named in {@code args} (every one if none is) and prints the table. {@code
   * quick} among them, or the system property {@code bench.quick=true}, makes it a smoke run; the
   * property lets a check run a command as written, arguments and all, in a smoke run. A smoke run
   * of every scenario fails unless every system produced its figures ({@link SmokeRunCheck}).
   */
  public static void main(String[] args) throws Exception {
    List<String> list = new ArrayList<>(Arrays.asList(args));
    boolean quick = list.remove("quick") | Boolean.getBoolean("bench.quick");
    Benchmarks b = new Benchmarks(quick);
    if (list.isEmpty()) {
      b.runAll();
      if (quick) {
        b.print();
        SmokeRunCheck.verify(b.rows);
        return;
      }
    } else {
      for (String scenario : list) {
        b.run(scenario);
      }
    }
    b.print();
  }

  void run(String scenario) throws Exception {
    switch (scenario) {
      case "seq1" -> sequentialOneNode();
      case "seq2" -> sequentialTwoNodes();
      case "seqproc" -> sequentialTwoProcesses();
      case "fanout" -> fanOut();
      case "fanoutproc" -> fanOutTwoProcesses();
      case "pass" -> passCost();
      case "memory" -> memory();
      case "startup" -> startup();
      case "wire" -> WireCost.measure(quick, iterations, rows);
      case "tls" -> tlsCost();
      default -> throw new IllegalArgumentException("unknown scenario " + scenario);
    }
  }

  void runAll() throws Exception {
    sequentialOneNode();
    sequentialTwoNodes();
    sequentialTwoProcesses();
    fanOut();
    fanOutTwoProcesses();
    tlsCost();
    passCost();
    memory();
    startup();
    WireCost.measure(quick, iterations, rows);
  }

  // ---- measuring helpers

  interface Iteration {
    double[] run() throws Exception;
  }

  /** The worker process of the scenario running, if it has one: {@link #gc()} collects it too. */
  private WorkerProcess worker;

  private void gc() throws IOException {
    System.gc();
    if (worker != null) {
      worker.gc();
    }
  }

  /**
   * Runs warm-ups then iterations; each returns one value per metric. Every iteration starts after
   * a full GC (in the worker process too, in the scenarios that have one), for every system
   * alike: without it, whether an iteration of tens of milliseconds met a young collection of the
   * garbage left by the iterations before it would decide its figure, at random, by a factor of
   * two.
   */
  private double[][] measure(int metrics, Iteration iteration) throws Exception {
    for (int i = 0; i < warmups; i++) {
      gc();
      iteration.run();
    }
    double[][] values = new double[metrics][iterations];
    for (int i = 0; i < iterations; i++) {
      gc();
      double[] v = iteration.run();
      for (int m = 0; m < metrics; m++) {
        values[m][i] = v[m];
      }
    }
    return values;
  }

  /**
   * p50, p99 and calls/s of a chain, without its first call: that one includes placing the work
   * (Fulgur), opening the association (Pekko) or the connection (Hazelcast), and would weigh on
   * the mean alone (the run-to-run spread of calls/s came mostly from it).
   */
  private static double[] chainMetrics(long[] rtts) {
    Stats s = Stats.of(rtts.length > 1 ? java.util.Arrays.copyOfRange(rtts, 1, rtts.length) : rtts);
    return new double[] {s.percentileMicros(50), s.percentileMicros(99), 1e6 / s.meanMicros()};
  }

  private void addChainRows(String name, double[][] f, double[][] p, double[][] h) {
    rows.add(new Row(name + ": p50", "us", false, f[0], p[0], h[0]));
    rows.add(new Row(name + ": p99", "us", false, f[1], p[1], h[1]));
    rows.add(new Row(name + ": calls/s", "1/s", true, f[2], p[2], h[2]));
  }

  private static void log(String what) {
    System.err.println("[bench] " + what);
  }

  // ---- sequential chain

  /** Prints one line. */
  static final class LinePrinter extends Work<Integer> {
    LinePrinter(WorkOptions options) {
      super(options);
    }

    @Override
    protected void onRun(Integer input) {
      System.out.println("line " + input);
    }
  }

  /** A no-op work. */
  static final class Noop extends Work<Integer> {
    Noop(WorkOptions options) {
      super(options);
    }

    @Override
    protected void onRun(Integer input) {}
  }

  /** Calls a no-op sequential work with 0, 1, 2, ...: one call per pass; records each cycle. */
  static final class ChainFlow extends Flow {
    final Noop work;
    final List<Noop> idle = new ArrayList<>();
    final long[] rtts;
    private int next;
    private long sentAt;

    ChainFlow(CloudCompute compute, int calls, int idleWorks) {
      this.work = new Noop(WorkOptions.defaults().withCompute(compute));
      this.rtts = new long[calls];
      for (int i = 0; i < idleWorks; i++) {
        idle.add(new Noop(WorkOptions.defaults().withCompute(compute)));
      }
    }

    @Override
    public void run() {
      if (next > 0) {
        rtts[next - 1] = System.nanoTime() - sentAt;
      }
      if (next == rtts.length) {
        stop();
      }
      sentAt = System.nanoTime();
      work.run(next++);
    }
  }

  private static final Config EMBEDDED = ConfigFactory.parseString("fulgur.node.serve-all-roles = on");
  /**
   * The Pekko requester's dispatcher: one thread of Pekko's own thread-pool executor (the flow's
   * dispatcher lends the node's thread, which plain Pekko does not do).
   */
  static final DispatcherSelector PINGER_DISPATCHER =
      DispatcherSelector.fromConfig("fulgur-bench.pinger-dispatcher");

  private static final Config NO_HOST = ConfigFactory.parseString(
      "fulgur.node.host-works = off\n"
          + "fulgur-bench.pinger-dispatcher { type = Dispatcher, executor = thread-pool-executor,"
          + " thread-pool-executor.fixed-pool-size = 1, throughput = 100 }");

  private void sequentialOneNode() throws Exception {
    log("sequential chain, one node");
    double[][] f =
        measure(3, () -> {
          ChainFlow chain = new ChainFlow(CloudCompute.DEFAULT, calls, 0);
          new App(chain, EMBEDDED).run();
          return chainMetrics(chain.rtts);
        });
    double[][] p =
        measure(3, () -> {
          CompletableFuture<long[]> done = new CompletableFuture<>();
          ActorSystem<Void> system =
              NodeSystem.start(NodeSystem.resolve(NO_HOST), sp -> {
                ActorRef<PekkoPing.Ping> echo =
                    sp.context().spawn(PekkoPing.echo(), "echo", NodeSystem.WORK_DISPATCHER);
                sp.context().spawn(PekkoPing.pinger(echo, calls, done), "pinger",
                    PINGER_DISPATCHER);
              });
          try {
            return chainMetrics(done.get(120, TimeUnit.SECONDS));
          } finally {
            NodeSystem.shutdown(system, java.time.Duration.ofSeconds(10));
          }
        });
    HazelcastInstance member = HazelcastBaseline.member("fulgur-bench-" + UUID.randomUUID());
    double[][] h;
    try {
      h = measure(3, () -> chainMetrics(
          HazelcastBaseline.sequential(member, member.getCluster().getLocalMember(), calls)));
    } finally {
      member.shutdown();
    }
    addChainRows("sequential chain, one node", f, p, h);
  }

  private void sequentialTwoNodes() throws Exception {
    log("sequential chain, two in-JVM nodes");
    double[][] f;
    try (LocalCluster cluster = LocalCluster.start("cpu")) {
      f = measure(3, () -> {
        ChainFlow chain = new ChainFlow(new CloudCompute("cpu"), calls, 0);
        new App(chain, cluster.appConfig()).run();
        return chainMetrics(chain.rtts);
      });
    }
    CompletableFuture<ActorRef<PekkoPing.Ping>> echo = new CompletableFuture<>();
    ActorSystem<Void> echoSystem =
        NodeSystem.start(NodeSystem.resolve(NO_HOST), s -> echo.complete(
            s.context().spawn(PekkoPing.echo(), "echo", NodeSystem.WORK_DISPATCHER)));
    double[][] p;
    try {
      NodeSystem.awaitUp(echoSystem, java.time.Duration.ofSeconds(30));
      String echoPath = ActorRefResolver.get(echoSystem).toSerializationFormat(echo.get());
      Config joining = seeds(NodeSystem.address(echoSystem)).withFallback(NO_HOST);
      p = measure(3, () -> chainMetrics(pekkoRequests(joining, echoPath, calls)));
    } finally {
      NodeSystem.shutdown(echoSystem, java.time.Duration.ofSeconds(10));
    }
    String name = "fulgur-bench-" + UUID.randomUUID();
    HazelcastInstance m1 = HazelcastBaseline.member(name);
    HazelcastInstance m2 = HazelcastBaseline.member(name);
    double[][] h;
    try {
      HazelcastBaseline.awaitMembers(m1, 2);
      Member target = m2.getCluster().getLocalMember();
      h = measure(3, () -> chainMetrics(HazelcastBaseline.sequential(m1, target, calls)));
    } finally {
      m1.shutdown();
      m2.shutdown();
    }
    addChainRows("sequential chain, two in-JVM nodes", f, p, h);
  }

  private static Config seeds(String... addresses) {
    return ConfigFactory.parseString(
        "pekko.cluster.seed-nodes = [\"" + String.join("\",\"", addresses) + "\"]");
  }

  /**
   * Starts a node with {@code config} sending {@code total} pings through Pekko's reliable delivery
   * to the consumer at {@code consumerPath}, at most {@code inFlight} unanswered; each round trip.
   */
  static long[] pekkoReliable(Config config, String consumerPath, int total, int inFlight)
      throws Exception {
    CompletableFuture<long[]> done = new CompletableFuture<>();
    ActorSystem<Void> system =
        NodeSystem.start(
            NodeSystem.resolve(config),
            s -> {
              ActorRef<org.apache.pekko.actor.typed.delivery.ConsumerController.Command<
                      PekkoPing.Ping>>
                  consumer =
                      ActorRefResolver.get(s.context().getSystem()).resolveActorRef(consumerPath);
              s.context()
                  .spawn(
                      PekkoReliable.requester(consumer, total, inFlight, done),
                      "reliable-requester",
                      PINGER_DISPATCHER);
            });
    try {
      return done.get(120, TimeUnit.SECONDS);
    } finally {
      NodeSystem.shutdown(system, java.time.Duration.ofSeconds(10));
    }
  }

  /** Starts a node with {@code config} requesting the echo at {@code echoPath}, one at a time. */
  static long[] pekkoRequests(Config config, String echoPath, int calls) throws Exception {
    CompletableFuture<long[]> done = new CompletableFuture<>();
    ActorSystem<Void> system =
        NodeSystem.start(NodeSystem.resolve(config), s -> {
          ActorRef<PekkoPing.Ping> echo =
              ActorRefResolver.get(s.context().getSystem()).resolveActorRef(echoPath);
          s.context().spawn(PekkoPing.pinger(echo, calls, done), "pinger",
              PINGER_DISPATCHER);
        });
    try {
      return done.get(120, TimeUnit.SECONDS);
    } finally {
      NodeSystem.shutdown(system, java.time.Duration.ofSeconds(10));
    }
  }

  private void sequentialTwoProcesses() throws Exception {
    log("sequential chain, two JVM processes");
    try (WorkerProcess worker = WorkerProcess.start()) {
      this.worker = worker;
      Config joining = worker.joining();
      double[][] f = measure(3, () -> {
        ChainFlow chain = new ChainFlow(new CloudCompute("cpu"), calls, 0);
        new App(chain, joining).run();
        return chainMetrics(chain.rtts);
      });
      double[][] p =
          measure(3, () -> chainMetrics(pekkoRequests(joining, worker.echoPath(), calls)));
      double[][] h = measureFromLocalMember(worker, 3,
          (local, remote) -> chainMetrics(HazelcastBaseline.sequential(local, remote, calls)));
      addChainRows("sequential chain, two JVM processes", f, p, h);
      double[][] r =
          measure(3, () -> chainMetrics(pekkoReliable(joining, worker.reliablePath(), calls, 1)));
      rows.add(new Row("sequential chain, two JVM processes, Pekko with reliable delivery: p50",
          "us", false, f[0], r[0], null));
    } finally {
      this.worker = null;
    }
  }

  /**
   * The JVM flags Hazelcast 5 asks for on Java 9+ (the access to JDK internals that it checks for
   * at start-up, {@code ModularJavaUtils}); without them it falls back to slower paths.
   */
  private static final List<String> HAZELCAST_JVM_FLAGS = List.of(
      "--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  /**
   * A running {@link BenchWorker} process: its node's address, its echo actor's ref and the name
   * of its Hazelcast cluster. Closing it closes the worker's stdin, which stops the worker, and
   * waits for the process to end.
   */
  private record WorkerProcess(
      Process process,
      BufferedReader out,
      String address,
      String echoPath,
      String reliablePath,
      String hzName)
      implements AutoCloseable {

    /** Starts a worker JVM and waits until it printed its address, its echo and READY. */
    static WorkerProcess start() throws IOException {
      return start(List.of());
    }

    /** {@link #start()} with more JVM options for the worker (for example -Dfulgur.x=y). */
    static WorkerProcess start(List<String> jvmOptions) throws IOException {
      String hzName = "fulgur-bench-" + UUID.randomUUID();
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(HAZELCAST_JVM_FLAGS);
      // Fulgur settings given to this JVM (-Dfulgur.x=y) apply to the worker's node too
      for (String key : System.getProperties().stringPropertyNames()) {
        if (key.startsWith("fulgur.") || key.startsWith("pekko.")) {
          command.add("-D" + key + "=" + System.getProperty(key));
        }
      }
      command.addAll(jvmOptions);
      command.addAll(List.of("-cp", classpath(), BenchWorker.class.getName(), hzName));
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      try {
        BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String address = null;
        String echo = null;
        String reliable = null;
        for (String line = out.readLine(); line != null && !line.equals("READY");
            line = out.readLine()) {
          if (line.startsWith("ADDRESS ")) {
            address = line.substring(8);
          } else if (line.startsWith("ECHO ")) {
            echo = line.substring(5);
          } else if (line.startsWith("RELIABLE ")) {
            reliable = line.substring(9);
          }
        }
        if (address == null || echo == null || reliable == null) {
          throw new IllegalStateException("the worker process ended before it was ready");
        }
        return new WorkerProcess(process, out, address, echo, reliable, hzName);
      } catch (IOException | RuntimeException e) {
        process.destroyForcibly();
        throw e;
      }
    }

    /** Runs a full GC in the worker and waits for it. */
    void gc() throws IOException {
      process.getOutputStream().write("GC\n".getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
      for (String line = out.readLine(); !"GC-DONE".equals(line); line = out.readLine()) {
        if (line == null) {
          throw new IllegalStateException("the worker process ended");
        }
      }
    }

    /** The config of a node in this process that joins the worker's node and hosts no works. */
    Config joining() {
      return seeds(address).withFallback(NO_HOST);
    }

    /** Closes the worker's stdin and waits up to 30 s for it to end, then kills it. */
    @Override
    public void close() throws IOException {
      try {
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        process.destroyForcibly();
        throw e;
      }
    }
  }

  /** One Hazelcast iteration from the local member to the worker process's member. */
  interface HazelcastIteration {
    /** Measures once; one value per metric. */
    double[] run(HazelcastInstance local, Member remote) throws Exception;
  }

  /**
   * Starts a local Hazelcast member that joins the worker's cluster, measures {@code iteration}
   * from it towards the worker's member, and shuts the local member down.
   */
  private double[][] measureFromLocalMember(WorkerProcess worker, int metrics,
      HazelcastIteration iteration) throws Exception {
    HazelcastInstance local = HazelcastBaseline.member(worker.hzName());
    try {
      HazelcastBaseline.awaitMembers(local, 2);
      Member remote = local.getCluster().getMembers().stream()
          .filter(m -> !m.localMember()).findFirst().orElseThrow();
      return measure(metrics, () -> iteration.run(local, remote));
    } finally {
      local.shutdown();
    }
  }

  /** This JVM's classpath, also under exec:java (whose class loader holds the project's jars). */
  private static String classpath() {
    List<String> entries = new ArrayList<>();
    if (Benchmarks.class.getClassLoader() instanceof URLClassLoader loader) {
      for (URL url : loader.getURLs()) {
        entries.add(new File(url.getPath()).getAbsolutePath());
      }
    }
    return entries.isEmpty()
        ? System.getProperty("java.class.path")
        : String.join(File.pathSeparator, entries);
  }

  // ---- fan-out

  /**
   * A no-op work with three public state fields, which the flow sets before the work is placed
   * (the runtime copies them to the work's node, and back before each call's Done).
   */
  static final class PublicFields extends Work<Integer> {
    /** Runs whose onRun saw the fields set, in this JVM. */
    static final LongAdder CONFIGURED_RUNS = new LongAdder();

    public String label;
    public int size;
    public long seed;

    PublicFields(WorkOptions options) {
      super(options);
    }

    @Override
    protected void onRun(Integer input) {
      readFields(label, size, seed, CONFIGURED_RUNS);
    }
  }

  /**
   * A no-op work with three private final configuration fields given to its constructor; whether
   * they reach the work's node depends on the runtime (not copied: onRun sees null and 0).
   */
  static final class PrivateFields extends Work<Integer> {
    /** Runs whose onRun saw the fields set, in this JVM. */
    static final LongAdder CONFIGURED_RUNS = new LongAdder();

    private final String label;
    private final int size;
    private final long seed;

    PrivateFields(WorkOptions options, String label, int size, long seed) {
      super(options);
      this.label = label;
      this.size = size;
      this.seed = seed;
    }

    @Override
    protected void onRun(Integer input) {
      readFields(label, size, seed, CONFIGURED_RUNS);
    }
  }

  /** Reads a work's three fields and counts the run if they were set; null and 0 are fine. */
  private static void readFields(String label, int size, long seed, LongAdder configuredRuns) {
    if (label != null || size != 0 || seed != 0) {
      configuredRuns.increment();
    }
  }

  /**
   * What the works of a fan-out carry: no fields, three public state fields, or three private; or
   * no fields, and each call prints a line.
   */
  enum Fields {
    NONE,
    PUBLIC,
    PRIVATE,
    PRINTS_A_LINE;

    /** The fan-out's {@code i}-th work (the same field values for public and private). */
    Work<Integer> work(int i) {
      WorkOptions options =
          WorkOptions.defaults().withCompute(new CloudCompute("cpu")).withParallel(true);
      String label = "shard-" + i;
      long seed = 0x9E3779B97F4A7C15L * (i + 1);
      return switch (this) {
        case NONE -> new Noop(options);
        case PUBLIC -> {
          PublicFields w = new PublicFields(options);
          w.label = label;
          w.size = i + 1;
          w.seed = seed;
          yield w;
        }
        case PRIVATE -> new PrivateFields(options, label, i + 1, seed);
        case PRINTS_A_LINE -> new LinePrinter(options);
      };
    }
  }

  /** Starts N parallel no-op works once both hosts are in view, and waits for all. */
  static final class FanOutFlow extends Flow {
    final List<Work<Integer>> works = new ArrayList<>();
    final Noop warm1 = parallelNoop();
    final Noop warm2 = parallelNoop();
    long startedAt;
    long doneAt;

    FanOutFlow(int n, Fields fields) {
      for (int i = 0; i < n; i++) {
        works.add(fields.work(i));
      }
    }

    private static Noop parallelNoop() {
      return new Noop(WorkOptions.defaults().withCompute(new CloudCompute("cpu")).withParallel(true));
    }

    @Override
    public void run() {
      warm1.run(0);
      warm2.run(0);
      if (!warm1.hasSucceeded() || !warm2.hasSucceeded()) {
        return;
      }
      if (startedAt == 0) {
        startedAt = System.nanoTime();
      }
      int done = 0;
      for (Work<Integer> w : works) {
        w.run(1);
        if (w.hasSucceeded()) {
          done++;
        }
      }
      if (done == works.size()) {
        doneAt = System.nanoTime();
        stop();
      }
    }
  }

  private void fanOut() throws Exception {
    int n = quick ? 200 : 10_000;
    log("fan-out of " + n + " parallel works over two nodes");
    double[][] f;
    PublicFields.CONFIGURED_RUNS.reset();
    PrivateFields.CONFIGURED_RUNS.reset();
    try (LocalCluster cluster = LocalCluster.start("cpu", "cpu")) {
      f = measure(3, () -> fulgurFanOutSideBySide(cluster.appConfig(), n));
    }
    int runs = (warmups + iterations) * n;
    log("onRun saw its fields set in " + PublicFields.CONFIGURED_RUNS.sum() + " of " + runs
        + " public-field runs and " + PrivateFields.CONFIGURED_RUNS.sum() + " of " + runs
        + " private-field runs");
    List<ActorSystem<Void>> echoSystems = new ArrayList<>();
    List<String> echoPaths = new ArrayList<>();
    double[][] p;
    try {
      for (int i = 0; i < 2; i++) {
        CompletableFuture<ActorRef<PekkoPing.Ping>> echo = new CompletableFuture<>();
        Config c = i == 0 ? NO_HOST : seeds(NodeSystem.address(echoSystems.get(0))).withFallback(NO_HOST);
        ActorSystem<Void> s = NodeSystem.start(NodeSystem.resolve(c), sp -> echo.complete(
            sp.context().spawn(PekkoPing.echo(), "echo", NodeSystem.WORK_DISPATCHER)));
        echoSystems.add(s);
        NodeSystem.awaitUp(s, java.time.Duration.ofSeconds(30));
        echoPaths.add(ActorRefResolver.get(s).toSerializationFormat(echo.get()));
      }
      Config joining = seeds(NodeSystem.address(echoSystems.get(0))).withFallback(NO_HOST);
      p = measure(1, () -> new double[] {pekkoPipelined(joining, echoPaths, n)});
    } finally {
      for (ActorSystem<Void> s : echoSystems) {
        NodeSystem.shutdown(s, java.time.Duration.ofSeconds(10));
      }
    }
    String name = "fulgur-bench-" + UUID.randomUUID();
    HazelcastInstance submitter = HazelcastBaseline.member(name);
    HazelcastInstance t1 = HazelcastBaseline.member(name);
    HazelcastInstance t2 = HazelcastBaseline.member(name);
    double[][] h;
    try {
      HazelcastBaseline.awaitMembers(submitter, 3);
      List<Member> targets =
          List.of(t1.getCluster().getLocalMember(), t2.getCluster().getLocalMember());
      h = measure(1, () -> new double[] {HazelcastBaseline.pipelined(submitter, targets, n, 1024)});
    } finally {
      submitter.shutdown();
      t1.shutdown();
      t2.shutdown();
    }
    rows.add(new Row("fan-out " + n + " parallel works, two nodes: works/s", "1/s", true,
        f[0], p[0], h[0]));
    addFieldRows("fan-out " + n + ", two nodes", f);
  }

  /** Runs a {@link FanOutFlow} of {@code n} works with {@code config}; works/s. */
  private static double fulgurFanOut(Config config, int n, Fields fields) {
    FanOutFlow flow = new FanOutFlow(n, fields);
    new App(flow, config).run();
    return n / ((flow.doneAt - flow.startedAt) / 1e9);
  }

  private int fanOutRound;

  /**
   * A fan-out of works that print a line each, its lines counted on a console of this JVM that
   * keeps nothing: every line must arrive.
   */
  private static double fulgurPrintingFanOut(Config config, int n) {
    PrintStream console = System.out;
    LongAdder lines = new LongAdder();
    System.setOut(
        new PrintStream(
            new OutputStream() {
              @Override
              public void write(int b) {
                if (b == '\n') {
                  lines.increment();
                }
              }

              @Override
              public void write(byte[] b, int off, int len) {
                for (int i = off; i < off + len; i++) {
                  write(b[i]);
                }
              }
            },
            false,
            StandardCharsets.UTF_8));
    try {
      double worksPerSecond = fulgurFanOut(config, n, Fields.PRINTS_A_LINE);
      if (lines.sum() < n) {
        throw new IllegalStateException(lines.sum() + " of " + n + " printed lines arrived");
      }
      return worksPerSecond;
    } finally {
      System.setOut(console);
    }
  }

  /**
   * One fan-out of each {@link Fields} kind, side by side, each after a full GC (measure() runs
   * the first): works/s, indexed by kind. Public and private swap places every other round, so
   * that neither always runs right after the other.
   */
  private double[] fulgurFanOutSideBySide(Config config, int n) throws IOException {
    Fields[] order = fanOutRound++ % 2 == 0
        ? new Fields[] {Fields.NONE, Fields.PUBLIC, Fields.PRIVATE}
        : new Fields[] {Fields.NONE, Fields.PRIVATE, Fields.PUBLIC};
    double[] worksPerSecond = new double[order.length];
    for (int i = 0; i < order.length; i++) {
      if (i > 0) {
        gc();
      }
      worksPerSecond[order[i].ordinal()] = fulgurFanOut(config, n, order[i]);
    }
    return worksPerSecond;
  }

  /**
   * The rows of the fan-outs whose works carry fields ({@code f}: works/s by {@link Fields}
   * kind), and the cost of private fields against public ones, per round: public works/s over
   * private works/s (1.10x: private costs 10% more).
   */
  private void addFieldRows(String name, double[][] f) {
    double[] publicWps = f[Fields.PUBLIC.ordinal()];
    double[] privateWps = f[Fields.PRIVATE.ordinal()];
    double[] cost = new double[privateWps.length];
    for (int i = 0; i < cost.length; i++) {
      cost[i] = publicWps[i] / privateWps[i];
    }
    rows.add(new Row(name + ", 3 public fields: works/s", "1/s", true, publicWps, null, null));
    rows.add(new Row(name + ", 3 private fields: works/s", "1/s", true, privateWps, null, null));
    rows.add(new Row(name + ": private/public fields cost", "x", false, cost, null, null));
  }

  /**
   * Starts a node with {@code config} that keeps 1,024 requests in flight over the echoes at {@code
   * echoPaths} until {@code total} were answered; requests/s.
   */
  static double pekkoPipelined(Config config, List<String> echoPaths, int total)
      throws Exception {
    CompletableFuture<Long> done = new CompletableFuture<>();
    ActorSystem<Void> system = NodeSystem.start(NodeSystem.resolve(config), s -> {
      List<ActorRef<PekkoPing.Ping>> echoes = new ArrayList<>();
      for (String path : echoPaths) {
        echoes.add(ActorRefResolver.get(s.context().getSystem()).resolveActorRef(path));
      }
      s.context().spawn(PekkoPing.pipelined(echoes, total, 1024, done), "pinger",
          PINGER_DISPATCHER);
    });
    try {
      return total / (done.get(120, TimeUnit.SECONDS) / 1e9);
    } finally {
      NodeSystem.shutdown(system, java.time.Duration.ofSeconds(10));
    }
  }

  /**
   * Fan-out between this process (the flow / submitter) and a {@link BenchWorker} process that
   * runs every work, echo and task.
   */
  private void fanOutTwoProcesses() throws Exception {
    int n = quick ? 200 : 10_000;
    log("fan-out of " + n + " parallel works, two JVM processes");
    try (WorkerProcess worker = WorkerProcess.start()) {
      this.worker = worker;
      Config joining = worker.joining();
      double[][] f = measure(3, () -> fulgurFanOutSideBySide(joining, n));
      double[][] p =
          measure(1, () -> new double[] {pekkoPipelined(joining, List.of(worker.echoPath()), n)});
      double[][] h = measureFromLocalMember(worker, 1,
          (local, remote) -> new double[] {HazelcastBaseline.pipelined(local, List.of(remote), n,
              1024)});
      rows.add(new Row("fan-out " + n + " parallel works, two JVM processes: works/s", "1/s",
          true, f[0], p[0], h[0]));
      double[][] r =
          measure(
              1,
              () -> {
                long t0 = System.nanoTime();
                pekkoReliable(joining, worker.reliablePath(), n, 1024);
                return new double[] {n / ((System.nanoTime() - t0) / 1e9)};
              });
      rows.add(new Row("fan-out " + n + ", two JVM processes, Pekko with reliable delivery: works/s",
          "1/s", true, f[0], r[0], null));
      addFieldRows("fan-out " + n + ", two JVM processes", f);
      double[][] printing = measure(1, () -> new double[] {fulgurPrintingFanOut(joining, n)});
      rows.add(new Row("fan-out " + n + ", two JVM processes, a line printed each: works/s",
          "1/s", true, printing[0], null, null));
    } finally {
      this.worker = null;
    }
  }

  // ---- TLS

  /**
   * What mutual TLS costs between two processes: the sequential chain and the fan-out, each
   * iteration once to a worker over plain TCP and once to a worker over TLS (both running), with
   * the ratio of the two in the same iteration.
   */
  private void tlsCost() throws Exception {
    int n = quick ? 200 : 10_000;
    log("sequential chain and fan-out of " + n + " works, two JVM processes, plain TCP and TLS");
    Path certs = DevCerts.make("flow", "worker");
    Config tls =
        ConfigFactory.parseString(
            "fulgur.security.tls-dir = \"" + certs.resolve("flow") + "\"");
    try (WorkerProcess plainWorker = WorkerProcess.start();
        WorkerProcess tlsWorker =
            WorkerProcess.start(
                List.of("-Dfulgur.security.tls-dir=" + certs.resolve("worker")))) {
      Config plain = plainWorker.joining();
      Config overTls = tls.withFallback(tlsWorker.joining());
      double[][] v =
          measure(
              4,
              () -> {
                double[] out = new double[4];
                for (int side = 0; side < 2; side++) {
                  WorkerProcess worker = side == 0 ? plainWorker : tlsWorker;
                  Config config = side == 0 ? plain : overTls;
                  worker.gc();
                  ChainFlow chain = new ChainFlow(new CloudCompute("cpu"), calls, 0);
                  new App(chain, config).run();
                  out[side] = chainMetrics(chain.rtts)[0];
                  worker.gc();
                  out[2 + side] = fulgurFanOut(config, n, Fields.NONE);
                }
                return out;
              });
      rows.add(new Row("sequential chain, two JVM processes over TLS: p50", "us", false, v[1],
          null, null));
      rows.add(new Row("sequential chain, TLS / plain TCP: p50", "x", false, perIteration(v[1], v[0]),
          null, null));
      rows.add(new Row("fan-out " + n + " parallel works, two JVM processes over TLS: works/s",
          "1/s", true, v[3], null, null));
      rows.add(new Row("fan-out " + n + ", TLS / plain TCP: works/s", "x", true,
          perIteration(v[3], v[2]), null, null));
    }
  }

  private static double[] perIteration(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] / b[i];
    }
    return r;
  }

  // ---- pass cost at scale

  private void passCost() throws Exception {
    int[] sizes = quick ? new int[] {100, 1000} : new int[] {1_000, 10_000, 100_000};
    int passCalls = quick ? 30 : 300;
    double[] first = null;
    for (int size : sizes) {
      log("pass cost with " + size + " idle works");
      double[][] f = measure(1, () -> {
        ChainFlow chain = new ChainFlow(CloudCompute.DEFAULT, passCalls, size);
        new App(chain, EMBEDDED).run();
        return new double[] {Stats.of(chain.rtts).percentileMicros(50)};
      });
      rows.add(new Row("pass cost, " + size + " works, one changes: pass p50", "us", false,
          f[0], null, null));
      if (first == null) {
        first = f[0];
      } else {
        double[] ratio = new double[f[0].length];
        for (int i = 0; i < ratio.length; i++) {
          ratio[i] = f[0][i] / first[Math.min(i, first.length - 1)];
        }
        rows.add(new Row("pass cost, " + size + " vs " + sizes[0] + " works", "x", false,
            ratio, null, null));
      }
    }
  }

  // ---- memory

  /** Places N no-op works (one call each) and stops when all succeeded. */
  static final class PlaceAllFlow extends Flow {
    final List<Noop> works = new ArrayList<>();
    final Runnable whenAllPlaced;
    boolean measured;

    PlaceAllFlow(int n, Runnable whenAllPlaced) {
      this.whenAllPlaced = whenAllPlaced;
      for (int i = 0; i < n; i++) {
        works.add(new Noop(WorkOptions.defaults().withParallel(true)));
      }
    }

    @Override
    public void run() {
      int done = 0;
      for (Noop w : works) {
        w.run(1);
        if (w.hasSucceeded()) {
          done++;
        }
      }
      if (done == works.size() && !measured) {
        measured = true;
        whenAllPlaced.run();
        stop();
      }
    }
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private void memory() throws Exception {
    int[] sizes = quick ? new int[] {200} : new int[] {10_000, 100_000};
    for (int n : sizes) {
      log("heap per placed idle work, " + n + " works");
      double[][] f = measure(1, () -> {
        long[] heap = new long[2];
        PlaceAllFlow empty = new PlaceAllFlow(0, () -> heap[0] = usedHeapAfterGc());
        new App(empty, EMBEDDED).run();
        PlaceAllFlow flow = new PlaceAllFlow(n, () -> heap[1] = usedHeapAfterGc());
        long before = usedHeapAfterGc();
        new App(flow, EMBEDDED).run();
        return new double[] {(heap[1] - before) / (double) n};
      });
      double[][] p = measure(1, () -> {
        CompletableFuture<Void> spawned = new CompletableFuture<>();
        ActorSystem<Void> system = NodeSystem.start(NodeSystem.resolve(NO_HOST), s -> { });
        try {
          long before = usedHeapAfterGc();
          system.systemActorOf(Behaviors.<Object>setup(ctx -> {
            for (int i = 0; i < n; i++) {
              ctx.spawn(PekkoPing.echo(), "echo-" + i);
            }
            spawned.complete(null);
            return Behaviors.empty();
          }), "idle-actors", org.apache.pekko.actor.typed.Props.empty());
          spawned.get(60, TimeUnit.SECONDS);
          return new double[] {(usedHeapAfterGc() - before) / (double) n};
        } finally {
          NodeSystem.shutdown(system, java.time.Duration.ofSeconds(10));
        }
      });
      rows.add(new Row("heap per idle placed work (Pekko: per idle actor), " + n, "B", false,
          f[0], p[0], null));
    }
  }

  // ---- start-up

  private void startup() throws Exception {
    log("start-up");
    double[][] v = measure(2, () -> {
      Process probe = new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp", classpath(), StartupProbe.class.getName())
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      double cold = Double.NaN;
      double warm = Double.NaN;
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (line.startsWith("COLD ")) {
            cold = Double.parseDouble(line.substring(5));
          } else if (line.startsWith("WARM ")) {
            warm = Double.parseDouble(line.substring(5));
          }
        }
      }
      probe.waitFor(60, TimeUnit.SECONDS);
      return new double[] {cold, warm};
    });
    rows.add(new Row("start-up, cold JVM to first Run", "ms", false, v[0], null, null));
    rows.add(new Row("start-up, warm JVM: new App(flow).run() to first Run", "ms", false, v[1],
        null, null));
  }

  // ---- the table

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String cell(double[] v) {
    if (v == null) {
      return "-";
    }
    double[] s = v.clone();
    Arrays.sort(s);
    return String.format(Locale.ROOT, "%s [%s-%s]", num(median(v)), num(s[0]), num(s[s.length - 1]));
  }

  private static String num(double d) {
    return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%.0f", d)
        : String.format(Locale.ROOT, "%.2f", d);
  }

  private static String ratio(double[] fulgur, double[] other) {
    return other == null ? "-" : String.format(Locale.ROOT, "%.2fx", median(fulgur) / median(other));
  }

  void print() {
    System.out.println();
    System.out.printf(Locale.ROOT, "Medians of %d iteration(s) after %d warm-up(s), [min-max].%n",
        iterations, warmups);
    String format = "%-62s %-4s %-24s %-24s %-24s %8s %8s%n";
    System.out.printf(Locale.ROOT, format, "scenario", "unit", "Fulgur", "Pekko", "Hazelcast",
        "F/Pekko", "F/Hz");
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, format, r.scenario(), r.unit(), cell(r.fulgur()),
          cell(r.pekko()), cell(r.hazelcast()), ratio(r.fulgur(), r.pekko()),
          ratio(r.fulgur(), r.hazelcast()));
    }
  }
}
