package io.fulgur.samples.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 of a worker while works print, on a cluster of real JVM processes, three times: each time
 * an app of 40 works printing 100 lines with up to 3 retries runs, one worker is killed 2 s in and
 * started again. Every call ends SUCCEEDED, or FAILED with a reason after its retries, and the
 * lines of every attempt that succeeded all arrive, once each and in order.
 */
@Timeout(240)
class KillAndRetryIT {
  private static final Duration UP = Duration.ofSeconds(60);
  private static final int WORKS = 40;
  private static final int LINES = 100;
  private final ProcessGroup processes = new ProcessGroup();

  @AfterEach
  void stopEveryProcess() {
    processes.close();
  }

  @Test
  void threeKillsAndRestartsLoseNoLineOfASucceededCall() throws Exception {
    int seed = ProcessGroup.freePort();
    FulgurProcess anchor =
        processes.start("kill-worker-seed", "node", "--roles", "cpu", "--port", "" + seed);
    anchor.awaitUp(UP);
    FulgurProcess victim =
        processes.start("kill-worker-1", "node", "--roles", "cpu", "--seed", "127.0.0.1:" + seed);
    victim.awaitUp(UP);
    for (int cycle = 1; cycle <= 3; cycle++) {
      FulgurProcess flow =
          processes.start(
              "kill-flow-" + cycle,
              "run",
              "io.fulgur.samples.PrintingApp",
              "" + WORKS,
              "" + LINES,
              "3",
              "50",
              "--seed",
              "127.0.0.1:" + seed);
      // 2 s in: every work prints for 5 s, so both workers are busy
      flow.awaitLine("the works printing", UP, l -> l.contains(" line 40"));
      victim.kill9();
      victim =
          processes.start(
              "kill-worker-" + (cycle + 1),
              "node",
              "--roles",
              "cpu",
              "--seed",
              "127.0.0.1:" + seed);
      victim.awaitUp(UP);
      assertThat(flow.awaitExit(Duration.ofSeconds(120))).as(flow.tail()).isZero();
      PrintedLines printed = new PrintedLines(flow.lines());
      for (Map.Entry<String, String> failed : printed.failed().entrySet()) {
        assertThat(failed.getValue()).as(failed.getKey() + " failed with a reason").isNotBlank();
      }
      assertThat(printed.succeeded() + printed.failed().size()).isEqualTo(WORKS);
      printed.assertEverySucceededAttemptWhole(LINES);
      System.out.println(
          "FIGURE kill cycle "
              + cycle
              + ": "
              + printed.succeeded()
              + " works succeeded, "
              + printed.failed().size()
              + " failed "
              + printed.failed().values());
    }
    assertThat(anchor.isAlive()).as("the seed worker").isTrue();
  }
}
