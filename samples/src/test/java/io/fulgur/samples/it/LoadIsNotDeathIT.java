package io.fulgur.samples.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A busy or paused node is not a dead one: on a cluster of real JVM processes (two {@code cpu}
 * workers and the flow's node from {@code fulgur run}), CPU-bound works, full GCs and frozen
 * processes never make a node take another for unreachable, and nothing is downed. Every node logs
 * each member it takes for unreachable ({@code io.fulgur.reachability}); the tests count those
 * lines on every node, from its start to the end.
 */
@Timeout(240)
class LoadIsNotDeathIT {
  private static final Duration UP = Duration.ofSeconds(60);
  private final ProcessGroup processes = new ProcessGroup();

  @AfterEach
  void stopEveryProcess() {
    processes.close();
  }

  private FulgurProcess start(String name, List<String> jvm, String... args) throws IOException {
    return processes.start(name, jvm, args);
  }

  private static int freePort() throws IOException {
    return ProcessGroup.freePort();
  }

  private void assertNoAlarms() {
    List<String> alarms = new ArrayList<>();
    for (FulgurProcess p : processes.all()) {
      for (String line : p.reachabilityAlarms()) {
        alarms.add(p.name + ": " + line);
      }
    }
    assertThat(alarms).as("members taken for unreachable or downed").isEmpty();
    for (FulgurProcess p : processes.all()) {
      if (!p.name.endsWith("flow")) {
        assertThat(p.isAlive()).as(p.name + " alive").isTrue();
      }
    }
  }

  private static long steps(FulgurProcess flow) {
    return flow.lines().stream().filter(l -> l.contains("] step ")).count();
  }

  private static void awaitCondition(String what, Duration deadline, BooleanSupplier condition)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("Timed out after " + deadline + " waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private static void figure(String what, String value) {
    System.out.printf(Locale.ROOT, "FIGURE %s: %s%n", what, value);
  }

  @Test
  void twoHundredSpinningWorksDownNoNode() throws Exception {
    int seed = freePort();
    List<String> jvm = List.of("-Dfulgur.node.max-call-threads=256");
    FulgurProcess w1 = start("spin-worker-1", jvm, "node", "--roles", "cpu", "--port", "" + seed);
    w1.awaitUp(UP);
    FulgurProcess w2 =
        start("spin-worker-2", jvm, "node", "--roles", "cpu", "--seed", "127.0.0.1:" + seed);
    w2.awaitUp(UP);
    long t0 = System.nanoTime();
    FulgurProcess flow =
        start(
            "spin-flow",
            List.of(),
            "run",
            "io.fulgur.samples.CpuLoadApp",
            "200",
            "20",
            "--seed",
            "127.0.0.1:" + seed);
    assertThat(flow.awaitExit(Duration.ofSeconds(150))).as(flow.tail()).isZero();
    String spun = flow.awaitLine("the spin summary", UP, l -> l.startsWith("SPIN "));
    figure(
        "200 works spinning 20 s on 2 workers, launch to end",
        String.format(Locale.ROOT, "%.1f s (%s)", (System.nanoTime() - t0) / 1e9, spun));
    long spread = Long.parseLong(spun.replaceAll(".*started within (\\d+) ms", "$1"));
    // all of them ran at once: the last started before the first, spinning 20 s, ended
    assertThat(spread).isLessThan(20_000);
    assertNoAlarms();
  }

  @Test
  void frozenProcessesOfTwoSecondsDownNoNode() throws Exception {
    int seed = freePort();
    FulgurProcess w1 =
        start("freeze-worker-1", List.of(), "node", "--roles", "cpu", "--port", "" + seed);
    w1.awaitUp(UP);
    FulgurProcess w2 =
        start(
            "freeze-worker-2", List.of(), "node", "--roles", "cpu", "--seed", "127.0.0.1:" + seed);
    w2.awaitUp(UP);
    FulgurProcess flow =
        start(
            "freeze-flow",
            List.of(),
            "run",
            "io.fulgur.samples.it.LoadFlows$Count",
            "25",
            "--seed",
            "127.0.0.1:" + seed);
    flow.awaitLine("both counters counting", UP, l -> l.contains("step 20"));
    for (FulgurProcess frozen : List.of(w1, w2, flow, w1)) {
      frozen.freeze(Duration.ofSeconds(2));
      // the next freeze once both counters have moved on by two seconds' steps
      long steps = steps(flow);
      awaitCondition(
          "the counters to go on after freezing " + frozen.name,
          Duration.ofSeconds(20),
          () -> steps(flow) >= steps + 40);
    }
    assertThat(flow.awaitExit(Duration.ofSeconds(90))).as(flow.tail()).isZero();
    assertThat(flow.lines()).anyMatch(l -> l.startsWith("COUNT done: 250 and 250"));
    assertNoAlarms();
  }

  @Test
  void fullGcPausesDownNoNode() throws Exception {
    int seed = freePort();
    FulgurProcess w1 =
        start("gc-worker-cpu", List.of(), "node", "--roles", "cpu", "--port", "" + seed);
    w1.awaitUp(UP);
    FulgurProcess w2 =
        start(
            "gc-worker-gc",
            List.of("-Xmx1200m", "-XX:MaxTenuringThreshold=0"),
            "node",
            "--roles",
            "gc",
            "--seed",
            "127.0.0.1:" + seed);
    w2.awaitUp(UP);
    FulgurProcess flow =
        start(
            "gc-flow",
            List.of(),
            "run",
            "io.fulgur.samples.it.LoadFlows$GcPauses",
            "--seed",
            "127.0.0.1:" + seed);
    assertThat(flow.awaitExit(Duration.ofSeconds(150))).as(flow.tail()).isZero();
    String line = flow.awaitLine("the GC summary", UP, l -> l.startsWith("GCPAUSES "));
    figure("longest full GC pause of the gc node", line);
    long longest = Long.parseLong(line.replaceAll("GCPAUSES longest (\\d+) ms", "$1"));
    // real stop-the-world pauses (their length varies with the machine; 2 s freezes are above)
    assertThat(longest).as("the work paused its node").isGreaterThanOrEqualTo(300);
    assertNoAlarms();
  }
}
