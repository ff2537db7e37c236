package io.fulgur;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.ConfigFactory;
import io.fulgur.internal.dispatch.ThreadingMode;
import io.fulgur.internal.node.NodeSystem;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A node that leaves while it runs a work fails the work's call with reason node_lost. */
@Tag("pekko-threading")
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
    Blocker.never = new CountDownLatch(1);
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

  /** Blocks on its first node; returns at once on any other. */
  static class Survivor extends Work<String> {
    static volatile String firstNode;
    public String finishedOn;

    Survivor() {
      super(
          WorkOptions.defaults()
              .withCompute(new CloudCompute("cpu"))
              .withParallel(true)
              .withMaxRetries(1));
    }

    @Override
    protected void onRun(String input) throws InterruptedException {
      if (firstNode == null) {
        firstNode = nodeAddress();
        Blocker.never.await(60, TimeUnit.SECONDS);
      }
      finishedOn = nodeAddress();
    }
  }

  static class RetryFlow extends Flow {
    final Survivor survivor = new Survivor();
    final Noop later = new Noop();

    @Override
    public void run() {
      survivor.run("x");
      if (survivor.hasSucceeded()) {
        later.run("placed after the loss");
        stop();
      }
    }
  }

  static class Noop extends Work<String> {
    public String ranOn;

    Noop() {
      super(new CloudCompute("cpu"));
    }

    @Override
    protected void onRun(String input) {
      ranOn = nodeAddress();
    }
  }

  @Test
  void withRetriesACallOfALostNodeRunsAgainOnAnotherNodeOfItsRole() throws Exception {
    Blocker.never = new CountDownLatch(1);
    Survivor.firstNode = null;
    try (LocalCluster cluster = LocalCluster.start("cpu", "cpu")) {
      RetryFlow flow = new RetryFlow();
      CompletableFuture<Void> app =
          CompletableFuture.runAsync(
              () -> new App(flow, cluster.appConfig()).run(),
              r -> new Thread(r, "test-app").start());
      Conditions.await("the work runs", Duration.ofSeconds(30), flow.survivor::isRunning);
      String lost = flow.survivor.nodeAddress();
      Node lostNode =
          cluster.nodes().stream().filter(n -> n.address().equals(lost)).findFirst().orElseThrow();
      lostNode.close();
      app.get(30, TimeUnit.SECONDS);
      assertThat(flow.survivor.hasSucceeded()).isTrue();
      assertThat(flow.survivor.finishedOn).isNotEqualTo(lost);
      assertThat(flow.survivor.statusHistory())
          .extracting(c -> c.status() + "/" + c.reason())
          .containsSubsequence(
              "RUNNING/null", "PENDING/node_lost_retrying", "RUNNING/null", "SUCCEEDED/null");
      // later placements avoid the lost node
      assertThat(flow.later.ranOn).isEqualTo(flow.survivor.finishedOn);
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

  @Test
  void aNodeRefusesABadServingThreadsSetting() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                Node.start(ConfigFactory.parseString("fulgur.work-dispatcher.serving-threads = 0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fulgur.work-dispatcher.serving-threads must be at least 1, was 0");
  }

  @Test
  void aNodeOnFulgursThreadingRefusesASelectorDispatcherThatCouldBlock() {
    // with custom threading off no selector runs on fulgur.selector-dispatcher: nothing to refuse
    assumeTrue(
        ThreadingMode.of(NodeSystem.resolve(ConfigFactory.empty())) == ThreadingMode.CUSTOM,
        "custom threading is off in this JVM");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                Node.start(
                    ConfigFactory.parseString(
                        "pekko.io.tcp.selector-dispatcher = fulgur.selector-dispatcher\n"
                            + "fulgur.selector-dispatcher.throughput = 5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fulgur.selector-dispatcher.throughput must be 1")
        .hasMessageContaining("was 5");
  }
}
