package io.fulgur.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fulgur.App;
import io.fulgur.CloudCompute;
import io.fulgur.Flow;
import io.fulgur.LocalCluster;
import io.fulgur.Work;
import io.fulgur.WorkOptions;
import io.fulgur.internal.flow.FlowActor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.dispatch.Dispatcher;
import org.apache.pekko.dispatch.MessageDispatcher;
import org.apache.pekko.dispatch.PinnedDispatcher;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node runs on the threading its config says ({@code fulgur.node.custom-threading}), whichever
 * way it was started; with it off nothing of Fulgur's executors runs, and such a node works with
 * nodes that keep it on. Tagged to run in the {@code pekko-threading} execution too, where the
 * system property turns it off for every node.
 */
@Tag("pekko-threading")
@Timeout(120)
class ThreadingModeTest {

  /** Where its call ran, through its state. */
  static class Probe extends Work<String> {
    public String thread;
    public boolean lent;

    Probe(CloudCompute compute, boolean parallel) {
      super(WorkOptions.defaults().withCompute(compute).withParallel(parallel));
    }

    @Override
    protected void onRun(String input) {
      thread = Thread.currentThread().getName();
      lent = NodeExecutor.isLent();
    }
  }

  /** What the flow's node runs on, read in its first pass while the node runs. */
  record Facts(
      boolean customThreading,
      String arteryDispatcher,
      String tcpWorkerDispatcher,
      String tcpSelectorDispatcher,
      ExecutorService workExecutor,
      ExecutorService arteryExecutor,
      MessageDispatcher flowDispatcher,
      boolean passOnLentThread,
      Set<Thread> fulgurExecutorThreads) {

    static Facts of(ActorSystem<?> system) {
      Config config = system.settings().config();
      org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(system);
      String artery = config.getString("pekko.remote.artery.advanced.use-dispatcher");
      return new Facts(
          config.getBoolean(ThreadingMode.KEY),
          artery,
          config.getString("pekko.io.tcp.worker-dispatcher"),
          config.getString("pekko.io.tcp.selector-dispatcher"),
          executor(classic.dispatchers().lookup("fulgur.work-dispatcher")),
          executor(classic.dispatchers().lookup(artery)),
          classic.dispatchers().lookup("fulgur.flow-dispatcher"),
          NodeExecutor.isLent(),
          ThreadingModeTest.fulgurExecutorThreads());
    }
  }

  /** A sequential and a parallel call on {@code compute}. */
  static class ProbeFlow extends Flow {
    final Probe sequential;
    final Probe parallel;
    Facts facts;

    ProbeFlow(CloudCompute compute) {
      sequential = new Probe(compute, false);
      parallel = new Probe(compute, true);
    }

    @Override
    public void run() {
      if (facts == null) {
        facts = Facts.of(FlowActor.currentSystem());
      }
      sequential.run("s");
      parallel.run("p");
      if (parallel.hasSucceeded()) {
        stop();
      }
    }
  }

  static ExecutorService executor(MessageDispatcher dispatcher) {
    return ((Dispatcher) dispatcher).executorService().executor();
  }

  /** Live threads that run code of Fulgur's executors (parked in them included). */
  static Set<Thread> fulgurExecutorThreads() {
    List<String> executors =
        List.of(
            NodeExecutor.class.getName(),
            NodePool.class.getName(),
            NodeWorker.class.getName(),
            SelectorExecutor.class.getName(),
            FlowExecutor.class.getName());
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().isAlive())
        .filter(
            e ->
                Arrays.stream(e.getValue())
                    .anyMatch(f -> executors.stream().anyMatch(f.getClassName()::startsWith)))
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  /**
   * Threads in Fulgur's executors before the test's nodes start: those of nodes of earlier tests in
   * this JVM that are still ending (given a while to end), none where every node has custom
   * threading off.
   */
  static Set<Thread> leftOver() throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!fulgurExecutorThreads().isEmpty() && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    Set<Thread> left = fulgurExecutorThreads();
    if (!customThreadingByDefault()) {
      assertThat(left).as("threads in Fulgur's executors with custom threading off").isEmpty();
    }
    return left;
  }

  /** The threading this JVM's system property asks every node for (on when it is not set). */
  static boolean customThreadingByDefault() {
    String property = System.getProperty(ThreadingMode.KEY);
    return property == null || ConfigFactory.parseString("v = " + property).getBoolean("v");
  }

  static void assertPekkoThreading(ProbeFlow flow, Set<Thread> leftOver) {
    Facts facts = flow.facts;
    assertThat(facts.customThreading()).isFalse();
    assertThat(facts.arteryDispatcher()).isEqualTo("pekko.remote.default-remote-dispatcher");
    assertThat(facts.tcpWorkerDispatcher()).isEqualTo("pekko.actor.internal-dispatcher");
    assertThat(facts.tcpSelectorDispatcher()).isEqualTo("pekko.io.pinned-dispatcher");
    for (ExecutorService executor : List.of(facts.workExecutor(), facts.arteryExecutor())) {
      assertThat(executor).isInstanceOf(ForkJoinPool.class).isNotSameAs(ForkJoinPool.commonPool());
    }
    assertThat(facts.flowDispatcher()).isInstanceOf(PinnedDispatcher.class);
    assertThat(facts.passOnLentThread()).isFalse();
    assertThat(facts.fulgurExecutorThreads())
        .as("threads in Fulgur's executors, besides those of earlier tests' nodes")
        .isSubsetOf(leftOver);
    // user code never runs on a dispatcher: the sequential call too is on a runner thread
    for (Probe probe : List.of(flow.sequential, flow.parallel)) {
      assertThat(probe.hasSucceeded()).isTrue();
      assertThat(probe.thread).startsWith("fulgur-work-");
      assertThat(probe.lent).isFalse();
    }
  }

  static void assertCustomThreading(ProbeFlow flow) {
    Facts facts = flow.facts;
    assertThat(facts.customThreading()).isTrue();
    assertThat(facts.arteryDispatcher()).isEqualTo("fulgur.work-dispatcher");
    assertThat(facts.tcpSelectorDispatcher()).isEqualTo("fulgur.selector-dispatcher");
    assertThat(facts.workExecutor()).isInstanceOf(NodePool.class);
    assertThat(facts.arteryExecutor()).isSameAs(facts.workExecutor());
    assertThat(executor(facts.flowDispatcher()).getClass().getName())
        .startsWith(FlowExecutor.class.getName());
    assertThat(facts.fulgurExecutorThreads()).isNotEmpty();
    assertThat(flow.sequential.hasSucceeded()).isTrue();
  }

  @Test
  void anAppConfiguredOffRunsOnPekkosDispatchersOnly() throws InterruptedException {
    Set<Thread> leftOver = leftOver();
    ProbeFlow flow = new ProbeFlow(CloudCompute.DEFAULT);
    Config embeddedOff =
        ConfigFactory.parseString(ThreadingMode.KEY + " = off\nfulgur.node.serve-all-roles = on");
    new App(flow, embeddedOff).run();
    assertPekkoThreading(flow, leftOver);
  }

  @Test
  void theEmbeddedNodeRunsOnTheThreadingTheSystemPropertySays() throws InterruptedException {
    Set<Thread> leftOver = leftOver();
    ProbeFlow flow = new ProbeFlow(CloudCompute.DEFAULT);
    new App(flow).run();
    if (customThreadingByDefault()) {
      assertCustomThreading(flow);
    } else {
      assertPekkoThreading(flow, leftOver);
    }
  }

  @Test
  void clusterNodesRunOnTheThreadingTheSystemPropertySays() throws InterruptedException {
    Set<Thread> leftOver = leftOver();
    try (LocalCluster cluster = LocalCluster.start("cpu")) {
      ProbeFlow flow = new ProbeFlow(new CloudCompute("cpu"));
      new App(flow, cluster.appConfig()).run();
      if (customThreadingByDefault()) {
        assertCustomThreading(flow);
      } else {
        assertPekkoThreading(flow, leftOver);
      }
    }
  }

  @Test
  void aFlowNodeWithCustomThreadingOffWorksWithWorkerNodesOfEitherThreading() {
    try (LocalCluster cluster = LocalCluster.start("cpu")) {
      ProbeFlow flow = new ProbeFlow(new CloudCompute("cpu"));
      Config flowNodeOff =
          ConfigFactory.parseString(ThreadingMode.KEY + " = off").withFallback(cluster.appConfig());
      new App(flow, flowNodeOff).run();
      assertThat(flow.facts.customThreading()).isFalse();
      assertThat(flow.facts.arteryDispatcher()).isEqualTo("pekko.remote.default-remote-dispatcher");
      assertThat(flow.facts.flowDispatcher()).isInstanceOf(PinnedDispatcher.class);
      assertThat(flow.sequential.hasSucceeded()).isTrue();
      assertThat(flow.parallel.hasSucceeded()).isTrue();
    }
  }
}
