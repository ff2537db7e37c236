package io.fulgur;

import static io.fulgur.Conditions.runApp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Apps on a cluster of four in-JVM nodes (a flow node, two {@code cpu} nodes, one {@code gpu}
 * node), every message serialised (surefire sets {@code pekko.actor.serialize-messages = on}).
 */
@Tag("pekko-threading")
class MultiNodeTest {
  private static LocalCluster cluster;
  private static Node cpu1;
  private static Node cpu2;
  private static Node gpu;

  @BeforeAll
  static void startCluster() {
    cluster = LocalCluster.start("cpu", "cpu", "gpu");
    cpu1 = cluster.nodes().get(0);
    cpu2 = cluster.nodes().get(1);
    gpu = cluster.nodes().get(2);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Reports where it ran and what it was given, through its state. */
  static class Where extends Work<String> {
    public String ranOn;
    public String input;
    public int calls;

    Where(CloudCompute compute, boolean parallel) {
      super(compute, parallel);
    }

    @Override
    protected void onRun(String in) {
      ranOn = nodeAddress();
      input = in;
      calls++;
    }
  }

  static class RolesFlow extends Flow {
    final Where onCpu = new Where(new CloudCompute("cpu"), false);
    final Where onGpu = new Where(new CloudCompute("gpu"), false);

    @Override
    public void run() {
      onCpu.run("a");
      onCpu.run("b"); // a second call goes to the same node and the same instance
      onGpu.run("c");
      stop();
    }
  }

  @Test
  void worksRunOnNodesWithTheirRole() {
    RolesFlow flow = new RolesFlow();
    runApp(new App(flow, cluster.appConfig()));
    assertThat(flow.onGpu.ranOn).isEqualTo(gpu.address());
    assertThat(flow.onGpu.nodeAddress()).isEqualTo(gpu.address());
    assertThat(flow.onCpu.ranOn).isIn(cpu1.address(), cpu2.address());
    assertThat(flow.onCpu.input).isEqualTo("b");
    assertThat(flow.onCpu.calls).isEqualTo(2);
  }

  static class SpreadFlow extends Flow {
    final Where a = new Where(new CloudCompute("cpu"), true);
    final Where b = new Where(new CloudCompute("cpu"), true);

    @Override
    public void run() {
      a.run("x");
      b.run("y");
      if (a.hasSucceeded() && b.hasSucceeded()) {
        stop();
      }
    }
  }

  @Test
  void twoParallelCpuWorksLandOnDifferentCpuNodes() {
    SpreadFlow flow = new SpreadFlow();
    runApp(new App(flow, cluster.appConfig()));
    assertThat(List.of(flow.a.ranOn, flow.b.ranOn))
        .containsExactlyInAnyOrder(cpu1.address(), cpu2.address());
  }

  static class MissingRoleFlow extends Flow {
    final Where onTpu = new Where(new CloudCompute("tpu"), false);

    @Override
    public void run() {
      onTpu.run("never runs");
    }
  }

  /** A work on a role no node has, that does not raise. */
  static class OnTpu extends Work<String> {
    OnTpu() {
      super(WorkOptions.defaults().withCompute(new CloudCompute("tpu")).withRaiseException(false));
    }

    @Override
    protected void onRun(String input) {}
  }

  static class MissingRoleNoRaiseFlow extends Flow {
    final Work<String> onTpu = new OnTpu();

    @Override
    public void run() {
      onTpu.run("never runs");
      stop();
    }
  }

  @Test
  void aWorkWhoseRoleNoNodeHasStaysPendingWarnsAndFails() {
    Config config =
        ConfigFactory.parseString(
                "fulgur.placement.warn-after = 200ms\nfulgur.placement.timeout = 1500ms")
            .withFallback(cluster.appConfig());
    MissingRoleNoRaiseFlow flow = new MissingRoleNoRaiseFlow();
    try (Conditions.LogCapture logs = Conditions.LogCapture.attach()) {
      runApp(new App(flow, config));
      assertThat(logs.lines())
          .anySatisfy(
              line ->
                  assertThat(line)
                      .startsWith("WARN")
                      .contains("root.onTpu")
                      .contains("role [tpu]"));
    }
    assertThat(flow.onTpu.status()).isEqualTo(WorkStatus.FAILED);
    assertThat(flow.onTpu.statusReason()).isEqualTo("no_node_with_role");
    assertThat(flow.onTpu.failure().orElseThrow().message()).contains("tpu");
    List<StatusChange> history = flow.onTpu.statusHistory();
    assertThat(history)
        .extracting(c -> c.status() + "/" + c.reason())
        .containsExactly(
            "PENDING/placing", "PENDING/no_node_with_role", "FAILED/no_node_with_role");
    // it stayed PENDING until the placement timeout
    assertThat(java.time.Duration.between(history.get(1).at(), history.get(2).at()))
        .isGreaterThanOrEqualTo(java.time.Duration.ofMillis(1400));
  }

  @Test
  void aMissingRoleFailsTheAppWhenTheWorkRaises() {
    Config config =
        ConfigFactory.parseString(
                "fulgur.placement.warn-after = 100ms\nfulgur.placement.timeout = 500ms")
            .withFallback(cluster.appConfig());
    assertThatThrownBy(() -> runApp(new App(new MissingRoleFlow(), config)))
        .isInstanceOf(AppFailedException.class)
        .hasMessageContaining("root.onTpu")
        .hasMessageContaining("no_node_with_role")
        .hasMessageContaining("tpu");
  }

  /** Throws on its node. */
  static class RemoteBoom extends Work<String> {
    RemoteBoom() {
      super(new CloudCompute("gpu"));
    }

    @Override
    protected void onRun(String input) {
      throw new UnsupportedOperationException("no CUDA for " + input);
    }
  }

  static class RemoteBoomFlow extends Flow {
    final RemoteBoom boom = new RemoteBoom();

    @Override
    public void run() {
      boom.run("model-3");
    }
  }

  @Test
  void aRemoteExceptionTravelsBackToTheFlow() {
    assertThatThrownBy(() -> runApp(new App(new RemoteBoomFlow(), cluster.appConfig())))
        .isInstanceOfSatisfying(
            AppFailedException.class,
            e -> {
              assertThat(e.workName()).isEqualTo("root.boom");
              assertThat(e.getMessage()).contains("no CUDA for model-3");
              assertThat(e.workFailure().stackTrace()).contains("RemoteBoom.onRun");
            });
  }

  /** The seed's worker with a bounded count, on the cluster. */
  static class Counter extends Work<String> {
    public long count;
    public long counted;

    Counter(boolean parallel) {
      super(new CloudCompute("cpu"), parallel);
    }

    @Override
    protected void onRun(String message) {
      for (long i = 0; i < count; i++) {
        System.out.println(message + " " + i);
        counted = i + 1;
      }
    }
  }

  static class ToyFlow extends Flow {
    final Counter workA = new Counter(true);
    final Counter workB = new Counter(false);

    ToyFlow(long count) {
      workA.count = count;
      workB.count = count;
    }

    @Override
    public void run() {
      workA.run("machine A counting");
      workB.run("machine B counting");
      if (workA.hasSucceeded()) {
        stop();
      }
    }
  }

  @Test
  void theSeedsToyAppRunsAcrossNodesWithStateFromBothWorks() {
    ToyFlow flow = new ToyFlow(2000);
    runApp(new App(flow, cluster.appConfig()));
    assertThat(flow.workA.counted).isEqualTo(2000);
    assertThat(flow.workB.counted).isEqualTo(2000);
    assertThat(flow.workA.nodeAddress()).isNotEqualTo(flow.workB.nodeAddress());
  }

  /** A no-op parallel work. */
  static class Tiny extends Work<Integer> {
    Tiny() {
      super(new CloudCompute("cpu"), true);
    }

    @Override
    protected void onRun(Integer input) {}
  }

  static class FanOutFlow extends Flow {
    final List<Tiny> works = new java.util.ArrayList<>();

    FanOutFlow(int n) {
      for (int i = 0; i < n; i++) {
        works.add(new Tiny());
      }
    }

    @Override
    public void run() {
      boolean all = true;
      for (Tiny w : works) {
        w.run(7);
        all &= w.hasSucceeded();
      }
      if (all) {
        stop();
      }
    }
  }

  @Test
  void tenThousandParallelWorksSpreadOverTheRoleAndAllComplete() {
    FanOutFlow flow = new FanOutFlow(10000);
    runApp(new App(flow, cluster.appConfig()));
    long onFirst = flow.works.stream().filter(w -> cpu1.address().equals(w.nodeAddress())).count();
    long onSecond = flow.works.stream().filter(w -> cpu2.address().equals(w.nodeAddress())).count();
    assertThat(onFirst + onSecond).isEqualTo(10000);
    assertThat(onFirst).isEqualTo(5000);
  }
}
