package io.fulgur.samples.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fulgur.App;
import io.fulgur.CloudCompute;
import io.fulgur.Flow;
import io.fulgur.WorkOptions;
import io.fulgur.WorkStatus;
import io.fulgur.cluster.ClusterConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fulgur across real JVM processes on 127.0.0.1, started with the {@code fulgur} launcher from the
 * samples' runnable jar: a three-process app, kill -9 of a worker with and without retries, a
 * worker joining mid-run, and kill -9 of the flow's node. Every process is stopped after each test.
 * Figures (formation, detection, retry) are printed to this test's output.
 */
@Timeout(180)
class ClusterProcessesIT {
  private static final Duration UP = Duration.ofSeconds(60);
  private final List<FulgurProcess> processes = new ArrayList<>();

  @AfterEach
  void stopEveryProcess() {
    for (FulgurProcess p : processes) {
      p.close();
    }
  }

  private FulgurProcess start(String name, String... args) throws IOException {
    FulgurProcess p = FulgurProcess.start(name, args);
    processes.add(p);
    return p;
  }

  /** Starts two cpu workers, the first on {@code seedPort}, and waits until both are up. */
  private FulgurProcess[] twoCpuWorkers(String prefix, int seedPort) throws IOException {
    FulgurProcess w1 =
        start(prefix + "-worker-1", "node", "--roles", "cpu", "--port", "" + seedPort);
    FulgurProcess w2 =
        start(prefix + "-worker-2", "node", "--roles", "cpu", "--seed", "127.0.0.1:" + seedPort);
    w1.awaitUp(UP);
    w2.awaitUp(UP);
    return new FulgurProcess[] {w1, w2};
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void figure(String what, long nanos) {
    System.out.printf(Locale.ROOT, "FIGURE %s: %.2f s%n", what, nanos / 1e9);
  }

  /** A config for a flow node in this JVM that joins the processes' cluster. */
  private static Config flowNodeJoining(int seedPort) {
    return ClusterConfig.load(
        ConfigFactory.parseString(
            "pekko.remote.artery.canonical.port = 0\n"
                + "fulgur.node.host-works = off\n"
                + "pekko.cluster.seed-nodes = [\"pekko://fulgur@127.0.0.1:"
                + seedPort
                + "\"]"));
  }

  /**
   * Whether the cluster node of this JVM (the flow's node, whose cluster JMX bean is on) shows the
   * member at {@code address} as Up.
   */
  private static boolean seesUp(String address) {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      for (ObjectName name : server.queryNames(new ObjectName("pekko:type=Cluster,*"), null)) {
        JsonNode status =
            new ObjectMapper().readTree((String) server.getAttribute(name, "ClusterStatus"));
        for (JsonNode member : status.path("members")) {
          if (member.path("address").asText().equals(address)
              && member.path("status").asText().equals("Up")) {
            return true;
          }
        }
      }
      return false;
    } catch (JMException | IOException e) {
      throw new AssertionError("Could not read the flow node's cluster status", e);
    }
  }

  private static void await(String what, Duration deadline, BooleanSupplier condition)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("Timed out after " + deadline + " waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  private static CompletableFuture<Void> runInBackground(App app) {
    return CompletableFuture.runAsync(app::run, r -> new Thread(r, "flow-node").start());
  }

  @Test
  void threeProcessesRunTheToyApp() throws Exception {
    int seedPort = freePort();
    long t0 = System.nanoTime();
    FulgurProcess[] workers = twoCpuWorkers("toy", seedPort);
    FulgurProcess w1 = workers[0];
    FulgurProcess w2 = workers[1];
    String a1 = w1.awaitUp(UP);
    String a2 = w2.awaitUp(UP);
    FulgurProcess flow =
        start(
            "toy-flow",
            "run",
            "io.fulgur.samples.ToyApp",
            "parallel",
            "3",
            "--seed",
            "127.0.0.1:" + seedPort);
    flow.awaitLine("that the app started", UP, l -> l.contains("App [") && l.contains("started"));
    figure("cluster formation, 3 processes (launch to flow node Up)", System.nanoTime() - t0);
    assertThat(flow.awaitExit(UP)).isZero();
    List<String> out = flow.lines();
    assertThat(out)
        .contains("[root.workA] machine A counting 2", "[root.workB] machine B counting 2");
    String placedA =
        out.stream()
            .filter(l -> l.contains("Work [root.workA] placed on node"))
            .findFirst()
            .orElseThrow();
    String placedB =
        out.stream()
            .filter(l -> l.contains("Work [root.workB] placed on node"))
            .findFirst()
            .orElseThrow();
    // two works over two cpu processes: one each
    assertThat(
            List.of(
                placedA.contains(a1) ? a1 : placedA.contains(a2) ? a2 : "?",
                placedB.contains(a1) ? a1 : placedB.contains(a2) ? a2 : "?"))
        .containsExactlyInAnyOrder(a1, a2);
    assertThat(w1.isAlive()).isTrue();
    assertThat(w2.isAlive()).isTrue();
  }

  /** Runs one slow counter on a cpu node and stops when it ended, either way. */
  static class OneCounterFlow extends Flow {
    final ItWorks.SlowCounter counter;
    final int steps;

    OneCounterFlow(WorkOptions options, int steps) {
      this.counter = new ItWorks.SlowCounter(options);
      this.steps = steps;
    }

    @Override
    public void run() {
      counter.run(steps);
      if (counter.hasSucceeded() || counter.hasFailed()) {
        stop();
      }
    }
  }

  private FulgurProcess processAt(String address, FulgurProcess... candidates) {
    for (FulgurProcess p : candidates) {
      if (p.lines().stream().anyMatch(l -> l.startsWith("Fulgur node " + address + " is up"))) {
        return p;
      }
    }
    throw new AssertionError("no process runs node " + address);
  }

  @Test
  void aKilledWorkerFailsItsCallWithNodeLost() throws Exception {
    int seedPort = freePort();
    FulgurProcess[] workers = twoCpuWorkers("lost", seedPort);
    FulgurProcess w1 = workers[0];
    FulgurProcess w2 = workers[1];
    OneCounterFlow flow =
        new OneCounterFlow(
            WorkOptions.defaults()
                .withCompute(new CloudCompute("cpu"))
                .withParallel(true)
                .withRaiseException(false),
            600);
    CompletableFuture<Void> app = runInBackground(new App(flow, flowNodeJoining(seedPort)));
    await("the counter runs", UP, () -> flow.counter.isRunning() && flow.counter.counted > 0);
    FulgurProcess victim = processAt(flow.counter.nodeAddress(), w1, w2);
    long killedAt = System.nanoTime();
    victim.kill9();
    await("node_lost", Duration.ofSeconds(30), flow.counter::hasFailed);
    long detection = System.nanoTime() - killedAt;
    figure("kill -9 to node_lost seen by the flow", detection);
    // the failure detector and the split-brain resolver together (docs/operations.md)
    assertThat(Duration.ofNanos(detection)).isLessThan(Duration.ofSeconds(10));
    app.get(30, TimeUnit.SECONDS);
    assertThat(flow.counter.statusReason()).isEqualTo("node_lost");
    assertThat(flow.counter.failure().orElseThrow().message()).contains(flow.counter.nodeAddress());
  }

  @Test
  void withRetriesAKilledWorkersCallRunsAgainOnAnotherNode() throws Exception {
    int seedPort = freePort();
    FulgurProcess[] workers = twoCpuWorkers("retry", seedPort);
    FulgurProcess w1 = workers[0];
    FulgurProcess w2 = workers[1];
    OneCounterFlow flow =
        new OneCounterFlow(
            WorkOptions.defaults()
                .withCompute(new CloudCompute("cpu"))
                .withParallel(true)
                .withMaxRetries(1),
            20);
    CompletableFuture<Void> app = runInBackground(new App(flow, flowNodeJoining(seedPort)));
    await("the counter runs", UP, () -> flow.counter.isRunning() && flow.counter.counted > 0);
    String lost = flow.counter.nodeAddress();
    FulgurProcess victim = processAt(lost, w1, w2);
    long killedAt = System.nanoTime();
    victim.kill9();
    await(
        "the call running again on the other node",
        Duration.ofSeconds(30),
        () ->
            flow.counter.isRunning()
                && flow.counter.nodeAddress() != null
                && !flow.counter.nodeAddress().equals(lost));
    figure("kill -9 to the retried call running on another node", System.nanoTime() - killedAt);
    app.get(60, TimeUnit.SECONDS);
    assertThat(flow.counter.status()).isEqualTo(WorkStatus.SUCCEEDED);
    assertThat(flow.counter.counted).isEqualTo(20);
    assertThat(flow.counter.statusHistory())
        .extracting(c -> c.status() + "/" + c.reason())
        .contains("PENDING/node_lost_retrying");
  }

  /** Runs a long counter, then (once told) a second work that must land on the new node. */
  static class JoinFlow extends Flow {
    static volatile boolean callSecond;
    final ItWorks.SlowCounter first =
        new ItWorks.SlowCounter(
            WorkOptions.defaults().withCompute(new CloudCompute("cpu")).withParallel(true));
    final ItWorks.SlowCounter second =
        new ItWorks.SlowCounter(WorkOptions.defaults().withCompute(new CloudCompute("cpu")));

    @Override
    public void run() {
      first.run(600); // its state changes every 100 ms keep passes coming
      if (callSecond) {
        second.run(1);
        stop();
      }
    }
  }

  @Test
  void aNodeThatJoinsMidRunReceivesNewWorks() throws Exception {
    JoinFlow.callSecond = false;
    int seedPort = freePort();
    FulgurProcess w1 = start("join-worker-1", "node", "--roles", "cpu", "--port", "" + seedPort);
    String a1 = w1.awaitUp(UP);
    JoinFlow flow = new JoinFlow();
    Config flowNode =
        ConfigFactory.parseString("pekko.cluster.jmx.enabled = on")
            .withFallback(flowNodeJoining(seedPort));
    CompletableFuture<Void> app = runInBackground(new App(flow, flowNode));
    await("the first work runs", UP, () -> flow.first.isRunning());
    assertThat(flow.first.nodeAddress()).isEqualTo(a1);
    FulgurProcess w2 =
        start("join-worker-2", "node", "--roles", "cpu", "--seed", "127.0.0.1:" + seedPort);
    String a2 = w2.awaitUp(UP);
    // The new worker sees itself Up before the flow's node may have heard of it; a work placed
    // in between can only go to the node the flow knows. Wait for the flow node's own view.
    await("the flow's node to see " + a2 + " Up", UP, () -> seesUp(a2));
    JoinFlow.callSecond = true;
    app.get(60, TimeUnit.SECONDS);
    assertThat(flow.second.hasSucceeded()).isTrue();
    assertThat(flow.second.nodeAddress()).isEqualTo(a2);
  }

  @Test
  void aKilledFlowNodeStopsItsWorksOnTheWorkers() throws Exception {
    int seedPort = freePort();
    FulgurProcess[] workers = twoCpuWorkers("orphan", seedPort);
    FulgurProcess w1 = workers[0];
    FulgurProcess w2 = workers[1];
    FulgurProcess flow =
        start(
            "orphan-flow",
            "run",
            "io.fulgur.samples.it.ItWorks$ForeverFlow",
            "--seed",
            "127.0.0.1:" + seedPort);
    flow.awaitLine("the work's output", UP, l -> l.startsWith("[root.counter] counting"));
    String placed = flow.awaitLine("the placement", UP, l -> l.contains("placed on node"));
    FulgurProcess worker = placed.contains(w1.awaitUp(UP)) ? w1 : w2;
    long killedAt = System.nanoTime();
    flow.kill9();
    worker.awaitLine(
        "that the orphaned work's thread ended",
        Duration.ofSeconds(30),
        l -> l.contains("Work [root.counter] stopped: the thread of its call"));
    figure(
        "kill -9 of the flow node to its work stopped on the worker", System.nanoTime() - killedAt);
    assertThat(worker.lines()).anyMatch(l -> l.contains("is gone: stopping its 1 works"));
    assertThat(w1.isAlive()).isTrue();
    assertThat(w2.isAlive()).isTrue();
  }
}
