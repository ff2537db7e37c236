package io.fulgur.samples.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cluster of two nodes, a {@code cpu} worker and the flow's node, split in two (the worker frozen
 * for longer than the failure detector and the split-brain resolver wait): each side takes the
 * other for unreachable, and keep-majority keeps the side holding the lowest address. Both outcomes
 * end the app with a reason, and the node that lost exits non-zero.
 */
@Timeout(180)
class TwoNodeSplitIT {
  private static final Duration UP = Duration.ofSeconds(60);
  private static final Duration SPLIT = Duration.ofSeconds(12);
  private final ProcessGroup processes = new ProcessGroup();

  @AfterEach
  void stopEveryProcess() {
    processes.close();
  }

  private FulgurProcess start(String name, String... args) throws IOException {
    return processes.start(name, args);
  }

  /** Two free ports, the lower first. */
  private static int[] twoPorts() throws IOException {
    try (ServerSocket a = new ServerSocket(0);
        ServerSocket b = new ServerSocket(0)) {
      int x = a.getLocalPort();
      int y = b.getLocalPort();
      return new int[] {Math.min(x, y), Math.max(x, y)};
    }
  }

  @Test
  void theWorkerHoldingTheLowestAddressStaysAndTheFlowsNodeFailsItsApp() throws Exception {
    int[] ports = twoPorts();
    FulgurProcess worker =
        start("split-low-worker", "node", "--roles", "cpu", "--port", "" + ports[0]);
    worker.awaitUp(UP);
    FulgurProcess flow =
        start(
            "split-high-flow",
            "run",
            "io.fulgur.samples.it.LoadFlows$Count",
            "60",
            "--port",
            "" + ports[1],
            "--seed",
            "127.0.0.1:" + ports[0]);
    flow.awaitLine("the counters counting", UP, l -> l.contains("] step 5"));
    worker.freeze(SPLIT);
    assertThat(flow.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
    assertThat(flow.lines())
        .anyMatch(
            l -> l.startsWith("fulgur: app failed:") && l.contains("was downed by the cluster"));
    // the worker goes on, and stops the works of the app whose flow is gone
    worker.awaitLine(
        "that the flow's works were stopped",
        Duration.ofSeconds(60),
        l -> l.contains("is gone: stopping its"));
    assertThat(worker.isAlive()).isTrue();
  }

  @Test
  void theFlowsNodeHoldingTheLowestAddressStaysAndTheWorkerExitsNonZero() throws Exception {
    int[] ports = twoPorts();
    FulgurProcess worker =
        start("split-high-worker", "node", "--roles", "cpu", "--port", "" + ports[1]);
    worker.awaitUp(UP);
    FulgurProcess flow =
        start(
            "split-low-flow",
            "run",
            "io.fulgur.samples.it.LoadFlows$Count",
            "60",
            "--port",
            "" + ports[0],
            "--seed",
            "127.0.0.1:" + ports[1]);
    flow.awaitLine("the counters counting", UP, l -> l.contains("] step 5"));
    worker.freeze(SPLIT);
    // the flow's side downed the worker: its calls failed node_lost, so the app failed
    assertThat(flow.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
    assertThat(flow.lines())
        .anyMatch(l -> l.startsWith("fulgur: app failed:") && l.contains("node_lost"));
    // the worker, resumed, finds itself downed and exits non-zero for its supervisor
    assertThat(worker.awaitExit(Duration.ofSeconds(60))).isNotZero();
  }
}
