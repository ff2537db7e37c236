package io.fulgur.samples.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Works that print, many at once, on one cluster of real JVM processes (two {@code cpu} workers,
 * and the flow's node from {@code fulgur run} for each app): every call succeeds, every line
 * arrives once and in order, and no node takes another for unreachable.
 */
@Timeout(180)
class PrintingLoadIT {
  private static final Duration UP = Duration.ofSeconds(60);
  private static final ProcessGroup workers = new ProcessGroup();
  private static int seed;
  private final ProcessGroup flows = new ProcessGroup();

  @BeforeAll
  static void startWorkers() throws IOException {
    seed = ProcessGroup.freePort();
    workers.start("print-worker-1", "node", "--roles", "cpu", "--port", "" + seed).awaitUp(UP);
    workers
        .start("print-worker-2", "node", "--roles", "cpu", "--seed", "127.0.0.1:" + seed)
        .awaitUp(UP);
  }

  @AfterAll
  static void stopWorkers() {
    workers.close();
  }

  @AfterEach
  void stopFlows() {
    flows.close();
  }

  private void assertNoAlarms(FulgurProcess flow) {
    List<String> alarms = new ArrayList<>();
    for (FulgurProcess p : workers.all()) {
      p.reachabilityAlarms().forEach(l -> alarms.add(p.name + ": " + l));
      assertThat(p.isAlive()).as(p.name + " alive").isTrue();
    }
    flow.reachabilityAlarms().forEach(l -> alarms.add(flow.name + ": " + l));
    assertThat(alarms).as("members taken for unreachable or downed").isEmpty();
  }

  private void printing(String name, int works, int lines) throws Exception {
    long t0 = System.nanoTime();
    FulgurProcess flow =
        flows.start(
            name,
            "run",
            "io.fulgur.samples.PrintingApp",
            "" + works,
            "" + lines,
            "--seed",
            "127.0.0.1:" + seed);
    assertThat(flow.awaitExit(Duration.ofSeconds(150))).as(flow.tail()).isZero();
    System.out.printf(
        Locale.ROOT,
        "FIGURE %d works printing %d line(s) each, launch to end: %.1f s%n",
        works,
        lines,
        (System.nanoTime() - t0) / 1e9);
    PrintedLines printed = new PrintedLines(flow.lines());
    assertThat(printed.failed()).as("failed works").isEmpty();
    assertThat(printed.succeeded()).isEqualTo(works);
    printed.assertEverySucceededAttemptWhole(lines);
    assertThat(flow.lines()).contains("PRINTING succeeded=" + works + " failed=0");
    assertNoAlarms(flow);
  }

  @Test
  void tenThousandWorksPrintingOneLineEach() throws Exception {
    printing("print-10000x1", 10_000, 1);
  }

  @Test
  void twoThousandWorksPrintingFiftyLinesEach() throws Exception {
    printing("print-2000x50", 2_000, 50);
  }
}
