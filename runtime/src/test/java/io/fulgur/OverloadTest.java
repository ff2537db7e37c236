package io.fulgur;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Overload makes calls wait instead of crashing the node: beyond {@code
 * fulgur.node.max-call-threads} calls wait for a thread, PENDING with reason {@code queued}, in
 * order, and no thread is added for them; they run once threads free, a queued call that is stopped
 * ends STOPPED, and one whose node is lost fails with node_lost.
 */
class OverloadTest {

  /** Blocks on {@link #release}, counting the calls that run at once. */
  static class Blocker extends Work<Void> {
    static volatile CountDownLatch release = new CountDownLatch(1);
    static final AtomicInteger RUNNING = new AtomicInteger();
    static final AtomicInteger MOST = new AtomicInteger();

    Blocker(String compute) {
      super(
          WorkOptions.defaults()
              .withCompute(new CloudCompute(compute))
              .withParallel(true)
              .withRaiseException(false));
    }

    @Override
    protected void onRun(Void input) throws InterruptedException {
      MOST.accumulateAndGet(RUNNING.incrementAndGet(), Math::max);
      try {
        release.await(60, TimeUnit.SECONDS);
      } finally {
        RUNNING.decrementAndGet();
      }
    }
  }

  static class ManyBlockers extends Flow {
    final List<Blocker> blockers = new ArrayList<>();

    ManyBlockers(int n, String compute) {
      for (int i = 0; i < n; i++) {
        blockers.add(new Blocker(compute));
      }
    }

    @Override
    public void run() {
      for (Blocker b : blockers) {
        b.run();
      }
      if (blockers.stream().allMatch(b -> b.hasSucceeded() || b.hasFailed())) {
        stop();
      }
    }
  }

  @AfterEach
  void releaseEveryBlocker() {
    Blocker.release.countDown();
  }

  private static void reset() {
    Blocker.release = new CountDownLatch(1);
    Blocker.RUNNING.set(0);
    Blocker.MOST.set(0);
  }

  private static Config cap(int threads) {
    return ConfigFactory.parseString(
        "fulgur.node.serve-all-roles = on\nfulgur.node.max-call-threads = " + threads);
  }

  private static CompletableFuture<Void> runInBackground(App app) {
    return CompletableFuture.runAsync(app::run, r -> new Thread(r, "test-app").start());
  }

  /** Threads that run calls (runner threads; the pool's watcher is not one). */
  private static long runnerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(n -> n.startsWith("fulgur-work-") && !n.endsWith("-watcher"))
        .count();
  }

  private static boolean queued(Work<?> w) {
    return w.status() == WorkStatus.PENDING && "queued".equals(w.statusReason());
  }

  @Test
  void callsBeyondTheCapWaitPendingQueuedAndAllSucceedOnceThreadsFree() throws Exception {
    reset();
    long threadsBefore = runnerThreads();
    ManyBlockers flow = new ManyBlockers(20, "default");
    CompletableFuture<Void> app = runInBackground(new App(flow, cap(4)));
    Conditions.await(
        "4 calls run and 16 are PENDING queued",
        Duration.ofSeconds(30),
        () ->
            Blocker.RUNNING.get() == 4
                && flow.blockers.stream().filter(Work::isRunning).count() == 4
                && flow.blockers.stream().filter(OverloadTest::queued).count() == 16);
    Thread.sleep(300); // long enough for the watcher to add threads for blocked calls: it must not
    assertThat(Blocker.RUNNING.get()).isEqualTo(4);
    assertThat(flow.blockers.stream().filter(OverloadTest::queued).count()).isEqualTo(16);
    assertThat(runnerThreads() - threadsBefore).as("runner threads added").isLessThanOrEqualTo(4);

    Blocker.release.countDown();
    app.get(60, TimeUnit.SECONDS);
    assertThat(flow.blockers).allMatch(Work::hasSucceeded);
    assertThat(Blocker.MOST.get()).isEqualTo(4);
    for (Blocker b : flow.blockers) {
      List<StatusChange> history = b.statusHistory();
      assertThat(history.get(history.size() - 1).status()).isEqualTo(WorkStatus.SUCCEEDED);
      int queuedAt = indexOf(history, WorkStatus.PENDING, "queued");
      int runningAt = indexOf(history, WorkStatus.RUNNING, null);
      assertThat(runningAt).as("RUNNING in " + history).isPositive();
      if (queuedAt >= 0) {
        assertThat(queuedAt).as("queued before RUNNING in " + history).isLessThan(runningAt);
      }
    }
    assertThat(
            flow.blockers.stream()
                .filter(b -> indexOf(b.statusHistory(), WorkStatus.PENDING, "queued") >= 0)
                .count())
        .as("works whose history shows PENDING queued")
        .isEqualTo(16);
  }

  private static int indexOf(List<StatusChange> history, WorkStatus status, String reason) {
    for (int i = 0; i < history.size(); i++) {
      StatusChange c = history.get(i);
      if (c.status() == status && (reason == null || reason.equals(c.reason()))) {
        return i;
      }
    }
    return -1;
  }

  static class StopTheQueued extends Flow {
    final Blocker running = new Blocker("default");
    final Blocker waiting = new Blocker("default");

    @Override
    public void run() {
      running.run();
      if (running.isRunning()) {
        waiting.run();
      }
      if (queued(waiting)) {
        waiting.stop();
      }
      if (waiting.hasStopped() && running.hasSucceeded()) {
        stop();
      }
    }
  }

  @Test
  void aQueuedCallThatIsStoppedEndsStoppedWithoutWaitingForAThread() throws Exception {
    reset();
    StopTheQueued flow = new StopTheQueued();
    CompletableFuture<Void> app = runInBackground(new App(flow, cap(1)));
    Conditions.await(
        "the queued call is stopped", Duration.ofSeconds(30), flow.waiting::hasStopped);
    assertThat(flow.waiting.statusReason()).isEqualTo("stopped_by_flow");
    assertThat(flow.running.isRunning()).as("the call holding the only thread still runs").isTrue();
    assertThat(flow.waiting.statusHistory())
        .extracting(StatusChange::status)
        .doesNotContain(WorkStatus.RUNNING);
    Blocker.release.countDown();
    app.get(60, TimeUnit.SECONDS);
    assertThat(Blocker.MOST.get()).as("the stopped call never ran").isEqualTo(1);
  }

  static class Quick extends Work<Void> {
    Quick() {
      super(WorkOptions.defaults()); // sequential
    }

    @Override
    protected void onRun(Void input) {}
  }

  static class SequentialBehindTheCap extends Flow {
    final Blocker running = new Blocker("default");
    final Quick sequential = new Quick();

    @Override
    public void run() {
      running.run();
      if (!running.isRunning() && !running.hasSucceeded()) {
        return;
      }
      sequential.run(); // the pass waits here until it succeeded
      if (running.hasSucceeded()) {
        stop();
      }
    }
  }

  @Test
  void aSequentialCallWaitsForAThreadLikeAnyOther() throws Exception {
    reset();
    SequentialBehindTheCap flow = new SequentialBehindTheCap();
    CompletableFuture<Void> app = runInBackground(new App(flow, cap(1)));
    Conditions.await(
        "the sequential call is PENDING queued",
        Duration.ofSeconds(30),
        () -> queued(flow.sequential));
    Thread.sleep(100);
    assertThat(queued(flow.sequential)).isTrue();
    Blocker.release.countDown();
    app.get(60, TimeUnit.SECONDS);
    assertThat(flow.sequential.hasSucceeded()).isTrue();
  }

  @Test
  void queuedCallsOfALostNodeFailWithNodeLost() throws Exception {
    reset();
    try (LocalCluster cluster = LocalCluster.start(cap(1), "cpu")) {
      ManyBlockers flow = new ManyBlockers(3, "cpu");
      CompletableFuture<Void> app = runInBackground(new App(flow, cluster.appConfig()));
      Conditions.await(
          "one call runs, two are queued",
          Duration.ofSeconds(30),
          () -> flow.blockers.stream().filter(OverloadTest::queued).count() == 2);
      cluster.nodes().get(0).close();
      app.get(30, TimeUnit.SECONDS);
      assertThat(flow.blockers).allMatch(b -> "node_lost".equals(b.statusReason()));
      assertThat(flow.blockers).allMatch(Work::hasFailed);
    }
  }

  @Test
  void aCapBelowOneFailsTheNodeNamingTheKeyAndTheValue() {
    for (String bad : List.of("0", "-3")) {
      Config config = ConfigFactory.parseString("fulgur.node.max-call-threads = " + bad);
      assertThatThrownBy(() -> Node.start(config))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("fulgur.node.max-call-threads must be at least 1, was " + bad);
      assertThatThrownBy(() -> new App(new ManyBlockers(0, "default"), config).run())
          .isInstanceOf(AppFailedException.class)
          .hasMessageContaining("fulgur.node.max-call-threads must be at least 1, was " + bad);
    }
  }
}
