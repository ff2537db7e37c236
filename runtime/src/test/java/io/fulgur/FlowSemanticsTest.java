package io.fulgur;

import static io.fulgur.Conditions.runApp;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The flow loop, calls, caching, ordering and statuses on the embedded default node. */
class FlowSemanticsTest {

  /** Records each input it runs, in a JVM-wide list the test reads. */
  static class Recorder extends Work<String> {
    static final List<String> RUNS = new CopyOnWriteArrayList<>();
    public int runs;

    Recorder(WorkOptions options) {
      super(options);
    }

    @Override
    protected void onRun(String input) {
      RUNS.add(input);
      runs++;
    }
  }

  static class SequentialFlow extends Flow {
    final Recorder a = new Recorder(WorkOptions.defaults());
    final Recorder b = new Recorder(WorkOptions.defaults());
    final List<String> trace = new ArrayList<>();

    @Override
    public void run() {
      trace.add("pass");
      a.run("a");
      trace.add("after a: " + a.status() + " runs=" + a.runs);
      b.run("b");
      trace.add("after b: " + b.status());
      stop();
    }
  }

  @Test
  void sequentialWorkEndsThePassUntilItsDone() {
    Recorder.RUNS.clear();
    SequentialFlow flow = new SequentialFlow();
    runApp(new App(flow));

    assertThat(Recorder.RUNS).containsExactly("a", "b");
    // pass 1 ends at a; later passes replay from the top and pass through a once it succeeded
    assertThat(flow.trace.get(0)).isEqualTo("pass");
    assertThat(flow.trace).doesNotContain("after a: PENDING runs=0", "after a: RUNNING runs=0");
    assertThat(flow.trace).contains("after a: SUCCEEDED runs=1", "after b: SUCCEEDED");
    assertThat(flow.trace.indexOf("after a: SUCCEEDED runs=1")).isGreaterThan(1);
    assertThat(flow.trace.get(flow.trace.size() - 1)).isEqualTo("after b: SUCCEEDED");
  }

  /** Blocks until the test releases it. */
  static class Gate extends Work<String> {
    static volatile CountDownLatch latch = new CountDownLatch(1);

    Gate() {
      super(WorkOptions.defaults().withParallel(true));
    }

    @Override
    protected void onRun(String input) throws InterruptedException {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("gate never opened");
      }
    }
  }

  static class ParallelFlow extends Flow {
    final Gate gate = new Gate();
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void run() {
      gate.run("go");
      seen.add(gate.status().name());
      if (gate.isRunning()) {
        Gate.latch.countDown();
      }
      if (gate.hasSucceeded()) {
        stop();
      }
    }
  }

  @Test
  void parallelWorkDoesNotBlockTheFlow() {
    Gate.latch = new CountDownLatch(1);
    ParallelFlow flow = new ParallelFlow();
    runApp(new App(flow));
    // the first pass went past the call while the work was only PENDING
    assertThat(flow.seen.get(0)).isEqualTo("PENDING");
    assertThat(flow.seen).contains("RUNNING");
    assertThat(flow.seen.get(flow.seen.size() - 1)).isEqualTo("SUCCEEDED");
  }

  record Point(int x, int y) {}

  /** Counts its runs per canonical input. */
  static class Counter extends Work<Map<String, Object>> {
    static final List<Map<String, Object>> RUNS = new CopyOnWriteArrayList<>();

    Counter(boolean parallel) {
      super(WorkOptions.defaults().withParallel(parallel));
    }

    @Override
    protected void onRun(Map<String, Object> input) {
      RUNS.add(input);
    }
  }

  static class CachedFlow extends Flow {
    final Counter counter = new Counter(false);
    int passes;

    @Override
    public void run() {
      passes++;
      Map<String, Object> first = new LinkedHashMap<>();
      first.put("b", 2);
      first.put("a", List.of(1, 2));
      Map<String, Object> sameInOtherOrder = new TreeMap<>();
      sameInOtherOrder.put("a", List.of(1, 2));
      sameInOtherOrder.put("b", 2);
      counter.run(first);
      counter.run(sameInOtherOrder);
      counter.run(Map.of("point", new Point(1, 2)));
      counter.run(Map.of("point", new Point(1, 2))); // the same call again: passes through
      stop("replayed " + passes + " passes");
    }
  }

  @Test
  void callKeysComeFromTheSerialisedInputAndCachedCallsRunOnce() {
    Counter.RUNS.clear();
    CachedFlow flow = new CachedFlow();
    runApp(new App(flow));
    assertThat(Counter.RUNS).hasSize(2);
    assertThat(Counter.RUNS.get(0)).containsEntry("b", 2);
    assertThat(Counter.RUNS.get(1).get("point")).isEqualTo(Map.of("x", 1, "y", 2));
  }

  static class UncachedFlow extends Flow {
    final Recorder work = new Recorder(WorkOptions.defaults().withCacheCalls(false));

    @Override
    public void run() {
      if (work.runs >= 3) {
        stop("ran three times");
      }
      work.run("same input");
    }
  }

  @Test
  void uncachedSequentialWorkRunsAgainEachTimeTheFlowReachesIt() {
    Recorder.RUNS.clear();
    UncachedFlow flow = new UncachedFlow();
    runApp(new App(flow));
    assertThat(Recorder.RUNS).containsExactly("same input", "same input", "same input");
    assertThat(flow.work.runs).isEqualTo(3);
  }

  static class FailedNotResentFlow extends Flow {
    final Boom boom = new Boom(WorkOptions.defaults().withRaiseException(false));
    final Recorder after = new Recorder(WorkOptions.defaults());

    @Override
    public void run() {
      boom.run("x");
      // the failed sequential call no longer holds the pass; calling it again does not re-send
      boom.run("x");
      after.run("after boom: " + boom.status());
      stop();
    }
  }

  /** Always throws. */
  static class Boom extends Work<String> {
    static final AtomicInteger RUNS = new AtomicInteger();

    Boom(WorkOptions options) {
      super(options);
    }

    @Override
    protected void onRun(String input) {
      RUNS.incrementAndGet();
      throw new IllegalStateException("boom on " + input);
    }
  }

  @Test
  void failedCallIsNotResentAndDoesNotHoldTheFlowWithoutRaise() {
    Boom.RUNS.set(0);
    Recorder.RUNS.clear();
    FailedNotResentFlow flow = new FailedNotResentFlow();
    runApp(new App(flow));
    assertThat(Boom.RUNS.get()).isEqualTo(1);
    assertThat(Recorder.RUNS).containsExactly("after boom: FAILED");
    assertThat(flow.boom.status()).isEqualTo(WorkStatus.FAILED);
    assertThat(flow.boom.statusReason()).isEqualTo("user_exception");
    WorkFailure failure = flow.boom.failure().orElseThrow();
    assertThat(failure.exceptionClass()).isEqualTo(IllegalStateException.class.getName());
    assertThat(failure.message()).isEqualTo("boom on x");
    assertThat(failure.stackTrace()).contains("Boom.onRun");
  }

  /** Records order and overlap of its calls. */
  static class Sequencer extends Work<Integer> {
    static final List<Integer> ORDER = new CopyOnWriteArrayList<>();
    static final AtomicInteger RUNNING = new AtomicInteger();
    static final AtomicInteger MAX_RUNNING = new AtomicInteger();

    Sequencer() {
      super(WorkOptions.defaults().withParallel(true));
    }

    @Override
    protected void onRun(Integer input) throws InterruptedException {
      int now = RUNNING.incrementAndGet();
      MAX_RUNNING.accumulateAndGet(now, Math::max);
      Thread.sleep(5);
      ORDER.add(input);
      RUNNING.decrementAndGet();
    }
  }

  static class OrderFlow extends Flow {
    final Sequencer work = new Sequencer();

    @Override
    public void run() {
      for (int i = 1; i <= 8; i++) {
        work.run(i);
      }
      if (work.hasSucceeded()) {
        stop();
      }
    }
  }

  @Test
  void aWorkRunsItsCallsOneAtATimeInTheOrderSent() {
    Sequencer.ORDER.clear();
    Sequencer.MAX_RUNNING.set(0);
    OrderFlow flow = new OrderFlow();
    runApp(new App(flow));
    assertThat(Sequencer.ORDER).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(Sequencer.MAX_RUNNING.get()).isEqualTo(1);
  }

  @Test
  void statusHistoryKeepsEveryChangeWithTimestamps() {
    Recorder.RUNS.clear();
    SequentialFlow flow = new SequentialFlow();
    assertThat(flow.a.status()).isEqualTo(WorkStatus.NOT_STARTED);
    assertThat(flow.a.hasStarted()).isFalse();
    runApp(new App(flow));
    List<StatusChange> history = flow.a.statusHistory();
    assertThat(history)
        .extracting(StatusChange::status)
        .containsExactly(WorkStatus.PENDING, WorkStatus.RUNNING, WorkStatus.SUCCEEDED);
    // PENDING, FAILED and STOPPED carry a reason: a first call waits for its work's placement
    assertThat(history.get(0).reason()).isEqualTo("placing");
    for (int i = 1; i < history.size(); i++) {
      assertThat(history.get(i).at()).isAfterOrEqualTo(history.get(i - 1).at());
    }
    assertThat(flow.a.hasStarted()).isTrue();
    assertThat(flow.a.hasSucceeded()).isTrue();
    assertThat(flow.a.isRunning()).isFalse();
    assertThat(flow.a.isPending()).isFalse();
  }

  /** Sets state while it runs, waiting for the flow to see it. */
  static class Progress extends Work<Void> {
    static volatile CountDownLatch seenByFlow = new CountDownLatch(1);
    public int progress;
    public List<String> notes = List.of();

    Progress() {
      super(WorkOptions.defaults());
    }

    @Override
    protected void onRun(Void input) throws InterruptedException {
      progress = 1;
      notes = List.of("started");
      if (!seenByFlow.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the flow never saw progress 1");
      }
      progress = 100;
      notes = List.of("started", "done");
    }
  }

  static class StateFlow extends Flow {
    final Progress work = new Progress();
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void run() {
      seen.add(work.status() + ":" + work.progress);
      if (work.isRunning() && work.progress == 1) {
        Progress.seenByFlow.countDown();
      }
      work.run();
      // a sequential call that returns shows the final state
      seen.add("returned:" + work.progress + ":" + work.notes);
      stop();
    }
  }

  @Test
  void stateSyncsWhileRunningAndBeforeDone() {
    Progress.seenByFlow = new CountDownLatch(1);
    StateFlow flow = new StateFlow();
    runApp(new App(flow));
    assertThat(flow.seen).contains("RUNNING:1");
    assertThat(flow.seen.get(flow.seen.size() - 1)).isEqualTo("returned:100:[started, done]");
  }

  /** A flow whose pass waits, so that a work's events pile up and coalesce. */
  static class CoalescingFlow extends Flow {
    static volatile boolean workReturned;
    final Stateful work = new Stateful();
    final List<String> passes = new CopyOnWriteArrayList<>();

    @Override
    public void run() {
      passes.add(work.status() + ":" + work.value);
      work.run();
      if (work.isRunning()) {
        // hold the flow's thread while the work's state changes and Done arrive
        Conditions.awaitInPass(Duration.ofSeconds(30), () -> workReturned);
        Conditions.awaitInPass(Duration.ofMillis(300), () -> false);
      }
    }
  }

  /** Changes its state several times and returns. */
  static class Stateful extends Work<Void> {
    public int value;

    Stateful() {
      super(WorkOptions.defaults().withParallel(true));
    }

    @Override
    protected void onRun(Void input) throws InterruptedException {
      // runs past fulgur.work.running-report-delay, so that the flow sees it RUNNING
      for (int i = 1; i <= 5; i++) {
        value = i;
        Thread.sleep(10);
      }
      CoalescingFlow.workReturned = true;
    }
  }

  static class StoppingCoalescingFlow extends CoalescingFlow {
    @Override
    public void run() {
      if (work.hasSucceeded()) {
        passes.add(work.status() + ":" + work.value);
        stop();
      }
      super.run();
    }
  }

  @Test
  void changesDuringAPassCoalesceIntoOneNextPass() {
    CoalescingFlow.workReturned = false;
    StoppingCoalescingFlow flow = new StoppingCoalescingFlow();
    runApp(new App(flow));
    // pass 1 sent the call; the pass that saw it RUNNING held the thread while five state
    // changes and Done arrived: they all ran exactly one more pass
    assertThat(flow.passes).hasSize(3);
    assertThat(flow.passes.get(0)).isEqualTo("NOT_STARTED:0");
    assertThat(flow.passes.get(1)).startsWith("RUNNING:");
    assertThat(flow.passes.get(2)).isEqualTo("SUCCEEDED:5");
  }

  /** Calls a no-op sequential work once and records the status each pass saw. */
  static class ShortCallFlow extends Flow {
    final Quick work = new Quick();
    final List<WorkStatus> seen = new CopyOnWriteArrayList<>();

    @Override
    public void run() {
      seen.add(work.status());
      work.run();
      stop();
    }
  }

  /** Returns at once. */
  static class Quick extends Work<Void> {
    @Override
    protected void onRun(Void input) {}
  }

  @Test
  void aCallThatEndsBeforeItsRunningReportSaysRunningWithItsDone() {
    ShortCallFlow flow = new ShortCallFlow();
    runApp(
        new App(
            flow,
            ConfigFactory.parseString(
                "fulgur.node.serve-all-roles = on\nfulgur.work.running-report-delay = 1h")));
    // one pass sent the call, the next saw it done: no pass (and no message) for RUNNING alone
    assertThat(flow.seen).containsExactly(WorkStatus.NOT_STARTED, WorkStatus.SUCCEEDED);
    assertThat(flow.work.statusHistory())
        .extracting(StatusChange::status)
        .containsExactly(WorkStatus.PENDING, WorkStatus.RUNNING, WorkStatus.SUCCEEDED);
  }
}
