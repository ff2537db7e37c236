package io.fulgur;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A node that leaves while it runs a work fails the work's call with reason node_lost. */
class NodeLossTest {

  static class Blocker extends Work<String> {
    static volatile CountDownLatch never = new CountDownLatch(1);

    Blocker() {
      super(
          WorkOptions.defaults()
              .withCompute(new CloudCompute("cpu"))
              .withParallel(true)
              .withRaiseException(false));
    }

    @Override
    protected void onRun(String input) throws InterruptedException {
      never.await(60, TimeUnit.SECONDS);
    }
  }

  static class LossFlow extends Flow {
    final Blocker blocker = new Blocker();

    @Override
    public void run() {
      blocker.run("x");
      if (blocker.hasFailed()) {
        stop("lost " + blocker.statusReason());
      }
    }
  }

  @Test
  void aNodeThatLeavesFailsItsRunningCallsWithNodeLost() throws Exception {
    try (LocalCluster cluster = LocalCluster.start("cpu")) {
      LossFlow flow = new LossFlow();
      CompletableFuture<Void> app =
          CompletableFuture.runAsync(
              () -> new App(flow, cluster.appConfig()).run(),
              r -> new Thread(r, "test-app").start());
      Conditions.await("the work runs", Duration.ofSeconds(30), flow.blocker::isRunning);
      String lostNode = flow.blocker.nodeAddress();
      assertThat(lostNode).isEqualTo(cluster.nodes().get(0).address());
      cluster.nodes().get(0).close();
      app.get(30, TimeUnit.SECONDS);
      assertThat(flow.blocker.status()).isEqualTo(WorkStatus.FAILED);
      assertThat(flow.blocker.statusReason()).isEqualTo("node_lost");
      assertThat(flow.blocker.failure().orElseThrow().message()).contains(lostNode);
    } finally {
      Blocker.never.countDown();
    }
  }

  @Test
  void aWorkerNodeRefusesAnInvalidRole() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Node.start(ConfigFactory.parseString("fulgur.node.roles = [\"bad role\"]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad role");
  }
}
