package io.fulgur.samples.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.fulgur.cluster.ClusterConfig;
import io.fulgur.internal.node.NodeSystem;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The exit code of a {@code fulgur node} process, which its supervisor acts on: non-zero when the
 * cluster downs it (it must be started again), 0 when SIGTERM made it leave.
 */
@Timeout(180)
class NodeExitCodeIT {
  private static final Duration UP = Duration.ofSeconds(60);
  private final List<FulgurProcess> processes = new ArrayList<>();
  private ActorSystem<Void> inJvm;

  @AfterEach
  void stopEverything() {
    for (FulgurProcess p : processes) {
      p.close();
    }
    if (inJvm != null) {
      NodeSystem.shutdown(inJvm, Duration.ofSeconds(15));
    }
  }

  private FulgurProcess start(String name, String... args) throws IOException {
    FulgurProcess p = FulgurProcess.start(name, args);
    processes.add(p);
    return p;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aNodeDownedByTheClusterExitsNonZeroSayingWhy() throws Exception {
    int seedPort = freePort();
    FulgurProcess seed = start("exit-seed", "node", "--roles", "cpu", "--port", "" + seedPort);
    seed.awaitUp(UP);
    FulgurProcess downed =
        start("exit-downed", "node", "--roles", "cpu", "--seed", "127.0.0.1:" + seedPort);
    String address = downed.awaitUp(UP);

    // a third member, in this JVM, downs it as an operator (or the split-brain resolver) would
    inJvm =
        NodeSystem.start(
            NodeSystem.resolve(
                ClusterConfig.load(
                    ConfigFactory.parseString(
                        "pekko.remote.artery.canonical.port = 0\n"
                            + "fulgur.node.host-works = off\n"
                            + "pekko.cluster.seed-nodes = [\"pekko://fulgur@127.0.0.1:"
                            + seedPort
                            + "\"]"))),
            spawned -> {});
    NodeSystem.awaitUp(inJvm, UP);
    Cluster.get(inJvm).manager().tell(new Down(AddressFromURIString.parse(address)));

    int exit = downed.awaitExit(Duration.ofSeconds(60));
    assertThat(exit).as("exit code of a downed node").isEqualTo(1);
    assertThat(downed.lines())
        .anyMatch(l -> l.contains("stopped unasked") && l.contains("the cluster downed it"));
    assertThat(seed.isAlive()).isTrue();
  }

  @Test
  void aNodeStoppedWithSigtermLeavesAndExitsZero() throws Exception {
    FulgurProcess node = start("exit-sigterm", "node", "--roles", "cpu", "--port", "0");
    String address = node.awaitUp(UP);
    int exit = node.sigterm(Duration.ofSeconds(60));
    assertThat(exit).as("exit code after SIGTERM").isZero();
    assertThat(node.lines()).contains("Fulgur node " + address + " stopped");
  }
}
