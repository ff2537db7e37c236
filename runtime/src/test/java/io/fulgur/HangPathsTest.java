package io.fulgur;

import static io.fulgur.Conditions.runApp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.AbstractList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every call ends and every app ends on the embedded node, also when what the runtime has to
 * describe or read throws: an exception whose message, text or stack trace cannot be read, a cause
 * chain without end, an error while the flow's components are scanned, a state that cannot be read
 * or built back, a console that throws, a cluster the flow's node cannot join.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HangPathsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  /** An exception whose {@code getMessage()} throws. */
  static final class Unreadable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @Override
    public String getMessage() {
      throw new IllegalStateException("no message for you");
    }
  }

  /** An exception whose {@code toString()} and {@code getStackTrace()} throw. */
  static final class Opaque extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Opaque() {
      super("opaque message");
    }

    @Override
    public String toString() {
      throw new IllegalStateException("no text for you");
    }

    @Override
    public StackTraceElement[] getStackTrace() {
      throw new IllegalStateException("no trace for you");
    }
  }

  /** An exception whose cause is a new exception every time it is asked: a chain with no end. */
  static final class Endless extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int depth;

    Endless(int depth) {
      super("level " + depth);
      this.depth = depth;
    }

    @Override
    public synchronized Throwable getCause() {
      return new Endless(depth + 1);
    }
  }

  /** Throws what its input names. */
  static class Thrower extends Work<String> {
    Thrower() {
      super(WorkOptions.defaults().withRaiseException(false));
    }

    @Override
    protected void onRun(String kind) {
      switch (kind) {
        case "unreadable" -> throw new Unreadable();
        case "opaque" -> throw new Opaque();
        case "endless" -> throw new Endless(0);
        case "deep" -> {
          RuntimeException e = new IllegalStateException("the bottom");
          for (int i = 0; i < 100_000; i++) {
            e = new RuntimeException("level " + i, e);
          }
          throw e;
        }
        default -> throw new IllegalArgumentException(kind);
      }
    }
  }

  static class ThrowFlow extends Flow {
    final Thrower work = new Thrower();
    final String kind;

    ThrowFlow(String kind) {
      this.kind = kind;
    }

    @Override
    public void run() {
      work.run(kind);
      if (work.hasFailed()) {
        stop();
      }
    }
  }

  private static WorkFailure failureOf(String kind) {
    ThrowFlow flow = new ThrowFlow(kind);
    runApp(new App(flow), DEADLINE);
    assertThat(flow.work.hasFailed()).isTrue();
    WorkFailure failure = flow.work.failure().orElseThrow();
    assertThat(failure.reason()).isEqualTo("user_exception");
    return failure;
  }

  @Test
  void anExceptionWhoseMessageCannotBeReadFailsItsCallAndSaysSo() {
    WorkFailure failure = failureOf("unreadable");
    assertThat(failure.exceptionClass()).isEqualTo(Unreadable.class.getName());
    assertThat(failure.message())
        .isEqualTo(
            "<the exception's getMessage() threw java.lang.IllegalStateException: no message for"
                + " you>");
    assertThat(failure.stackTrace())
        .startsWith(Unreadable.class.getName())
        .contains("Thrower.onRun");
  }

  @Test
  void anExceptionWhoseTextAndStackTraceCannotBeReadFailsItsCallAndSaysSo() {
    WorkFailure failure = failureOf("opaque");
    assertThat(failure.exceptionClass()).isEqualTo(Opaque.class.getName());
    assertThat(failure.message()).isEqualTo("opaque message");
    assertThat(failure.stackTrace())
        .startsWith(Opaque.class.getName() + ": opaque message")
        .contains(
            "<the exception's toString() threw java.lang.IllegalStateException: no text for you>")
        .contains(
            "<the exception's getStackTrace() threw java.lang.IllegalStateException: no trace for"
                + " you>");
  }

  @Test
  void aCauseChainWithoutEndFailsItsCallWithTheChainCut() {
    WorkFailure failure = failureOf("endless");
    assertThat(failure.message()).isEqualTo("level 0");
    assertThat(failure.stackTrace())
        .contains("Caused by: " + Endless.class.getName() + ": level 1")
        .contains("[cause chain cut after");
  }

  @Test
  void aVeryDeepCauseChainFailsItsCallWithTheChainCut() {
    WorkFailure failure = failureOf("deep");
    assertThat(failure.message()).isEqualTo("level 99999");
    assertThat(failure.stackTrace())
        .contains("Caused by: java.lang.RuntimeException: level 99998")
        .contains("[cause chain cut after")
        .doesNotContain("the bottom");
  }

  static class UnreadableFlow extends Flow {
    @Override
    public void run() {
      throw new Unreadable();
    }
  }

  @Test
  void aFlowExceptionWhoseMessageCannotBeReadFailsTheApp() {
    assertThatThrownBy(() -> runApp(new App(new UnreadableFlow()), DEADLINE))
        .isInstanceOf(AppFailedException.class)
        .hasMessageContaining("The flow's run() threw " + Unreadable.class.getName())
        .hasMessageContaining("<the exception's getMessage() threw")
        .hasCauseInstanceOf(Unreadable.class);
  }

  /** A list of works that throws an error when asked its size, once armed. */
  static final class BrokenList extends AbstractList<Work<?>> {
    volatile boolean armed;

    BrokenList(boolean armed) {
      this.armed = armed;
    }

    @Override
    public int size() {
      if (armed) {
        throw new Broken("this list is broken");
      }
      return 0;
    }

    @Override
    public Work<?> get(int index) {
      throw new IndexOutOfBoundsException(index);
    }
  }

  static class BrokenAtStartFlow extends Flow {
    final List<Work<?>> works = new BrokenList(true);

    @Override
    public void run() {
      stop();
    }
  }

  @Test
  void anErrorWhileTheFlowIsScannedAtStartFailsTheAppWithAnInternalError() {
    assertThatThrownBy(() -> runApp(new App(new BrokenAtStartFlow()), DEADLINE))
        .isInstanceOfSatisfying(
            AppFailedException.class,
            e ->
                assertThat(e.getMessage())
                    .startsWith("internal_error: ")
                    .contains(Broken.class.getName() + ": this list is broken"))
        .hasCauseInstanceOf(Broken.class);
  }

  /** Runs until the test lets it go, or it is stopped. */
  static class Gate extends Work<String> {
    static volatile CountDownLatch latch = new CountDownLatch(1);

    Gate() {
      super(WorkOptions.defaults().withParallel(true));
    }

    @Override
    protected void onRun(String input) throws InterruptedException {
      latch.await(20, TimeUnit.SECONDS);
    }
  }

  static class BrokenAfterAPassFlow extends Flow {
    final Gate gate = new Gate();
    final BrokenList works = new BrokenList(false);

    @Override
    public void run() {
      gate.run("go");
      if (gate.isRunning()) {
        works.armed = true; // the scan after this pass finds the list broken
      }
    }
  }

  @Test
  void anErrorInTheScanAfterAPassFailsTheAppAndStopsItsRunningCall() {
    Gate.latch = new CountDownLatch(1);
    BrokenAfterAPassFlow flow = new BrokenAfterAPassFlow();
    try {
      assertThatThrownBy(() -> runApp(new App(flow), DEADLINE))
          .isInstanceOf(AppFailedException.class)
          .hasMessageStartingWith("internal_error: ")
          .hasMessageContaining("this list is broken");
    } finally {
      Gate.latch.countDown();
    }
    assertThat(flow.gate.hasStopped()).isTrue();
    assertThat(flow.gate.statusHistory())
        .last()
        .satisfies(change -> assertThat(change.reason()).isEqualTo("app_ended"));
  }

  /** An error a user's collection throws, as a bug in it would. */
  static final class Broken extends Error {
    private static final long serialVersionUID = 1L;

    Broken(String message) {
      super(message);
    }
  }

  /** A list of strings that throws an error when it is read. */
  static final class UnreadableList extends AbstractList<String> {
    @Override
    public int size() {
      throw new Broken("this list cannot be read");
    }

    @Override
    public String get(int index) {
      throw new Broken("this list cannot be read");
    }
  }

  /** Puts an unreadable list in its state, for longer than a state sync if asked to. */
  static class UnreadableState extends Work<Integer> {
    public List<String> items;

    UnreadableState() {
      super(WorkOptions.defaults().withRaiseException(false));
    }

    @Override
    protected void onRun(Integer millis) throws InterruptedException {
      items = new UnreadableList();
      Thread.sleep(millis);
    }
  }

  static class UnreadableStateFlow extends Flow {
    final UnreadableState work = new UnreadableState();
    final int millis;

    UnreadableStateFlow(int millis) {
      this.millis = millis;
    }

    @Override
    public void run() {
      work.run(millis);
      if (work.hasFailed()) {
        stop();
      }
    }
  }

  @Test
  void aFinalStateThatThrowsAnErrorWhenReadFailsTheCallWithStateError() {
    for (int millis : new int[] {0, 400}) {
      // 400 ms: the state is read while the call runs too (fulgur.work.state-sync-interval)
      UnreadableStateFlow flow = new UnreadableStateFlow(millis);
      runApp(new App(flow), DEADLINE);
      WorkFailure failure = flow.work.failure().orElseThrow();
      assertThat(failure.reason()).as("after %d ms", millis).isEqualTo("state_error");
      assertThat(failure.message()).contains("root.work.items", "this list cannot be read");
    }
  }

  /** A value whose constructor throws an error once {@link #broken} is set. */
  static final class Fragile {
    static volatile boolean broken;
    public int n;

    Fragile() {
      if (broken) {
        throw new Broken("cannot be built here");
      }
    }
  }

  /** Leaves a state that the flow cannot build back. */
  static class FragileState extends Work<Integer> {
    public Fragile value;

    FragileState() {
      super(WorkOptions.defaults());
    }

    @Override
    protected void onRun(Integer n) {
      value = new Fragile();
      value.n = n;
      Fragile.broken = true;
    }
  }

  static class FragileFlow extends Flow {
    final FragileState work = new FragileState();

    @Override
    public void run() {
      work.run(7);
      stop();
    }
  }

  @Test
  void aStateTheFlowCannotBuildBackIsNotAppliedAndTheCallStillEnds() {
    Fragile.broken = false;
    FragileFlow flow = new FragileFlow();
    try {
      runApp(new App(flow), DEADLINE);
    } finally {
      Fragile.broken = false;
    }
    assertThat(flow.work.hasSucceeded()).isTrue();
    assertThat(flow.work.value).as("the state from before the call").isNull();
  }

  /** Prints one line. */
  static class Printer extends Work<String> {
    Printer() {
      super(WorkOptions.defaults());
    }

    @Override
    protected void onRun(String line) {
      System.out.println(line);
    }
  }

  static class PrintFlow extends Flow {
    final Printer work = new Printer();

    @Override
    public void run() {
      work.run("hello");
      stop();
    }
  }

  /** A console that throws at every print, as a broken stream a user installed might. */
  static final class ThrowingConsole extends PrintStream {
    ThrowingConsole() {
      super(OutputStream.nullOutputStream(), true);
    }

    @Override
    public void print(String s) {
      throw new IllegalStateException("the console is gone");
    }

    @Override
    public void print(Object o) {
      throw new IllegalStateException("the console is gone");
    }
  }

  @Test
  void aConsoleThatThrowsDoesNotHoldTheCallsThatPrint() {
    PrintFlow flow = new PrintFlow();
    App app = new App(flow);
    PrintStream original = System.out;
    System.setOut(new ThrowingConsole());
    try {
      runApp(app, DEADLINE);
    } finally {
      System.setOut(original);
    }
    assertThat(flow.work.hasSucceeded()).isTrue();
  }

  static class NeverRuns extends Flow {
    @Override
    public void run() {
      stop();
    }
  }

  @Test
  void anAppWhoseNodeCannotJoinItsClusterFailsAfterTheJoinTimeout() {
    // port 1: no node listens there, nor ever will (nodes take free ports above 1023)
    App app =
        new App(
            new NeverRuns(),
            ConfigFactory.parseString("fulgur.node.join-timeout = 2s")
                .withValue(
                    "pekko.cluster.seed-nodes",
                    ConfigValueFactory.fromIterable(List.of("pekko://fulgur@127.0.0.1:1"))));
    assertThatThrownBy(() -> runApp(app, DEADLINE))
        .isInstanceOf(AppFailedException.class)
        .hasMessageContaining("did not join the cluster within PT2S")
        .hasMessageContaining("pekko://fulgur@127.0.0.1:1")
        .hasMessageContaining("fulgur.node.join-timeout");
  }
}
