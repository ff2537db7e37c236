package io.fulgur;

import static io.fulgur.Conditions.runApp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.fulgur.internal.dispatch.NodeExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** How an app ends: stop, fail, failing works, bad input; and what it leaves behind. */
class AppLifecycleTest {

  static class Noop extends Work<String> {
    public String ranOn;

    Noop() {
      super(WorkOptions.defaults());
    }

    @Override
    protected void onRun(String input) {
      ranOn = nodeAddress();
    }
  }

  static class StoppingFlow extends Flow {
    final Noop work = new Noop();

    @Override
    public void run() {
      work.run("x");
      stop("done with " + work.ranOn);
    }
  }

  @Test
  void flowStopEndsTheAppNormally() {
    StoppingFlow flow = new StoppingFlow();
    runApp(new App(flow));
    assertThat(flow.work.hasSucceeded()).isTrue();
    assertThat(flow.name()).isEqualTo("root");
    assertThat(flow.work.name()).isEqualTo("root.work");
  }

  @Test
  void embeddedNodeListensOnLoopbackOnAFreePort() {
    StoppingFlow flow = new StoppingFlow();
    runApp(new App(flow));
    assertThat(flow.work.ranOn).startsWith("pekko://fulgur@127.0.0.1:");
    int port = Integer.parseInt(flow.work.ranOn.substring(flow.work.ranOn.lastIndexOf(':') + 1));
    assertThat(port).isPositive().isNotEqualTo(25520);
    assertThat(flow.work.nodeAddress()).isEqualTo(flow.work.ranOn);
  }

  static class FailingFlow extends Flow {
    @Override
    public void run() {
      fail("the data is bad");
    }
  }

  @Test
  void flowFailEndsTheAppAsFailedWithItsReason() {
    assertThatThrownBy(() -> runApp(new App(new FailingFlow())))
        .isInstanceOf(AppFailedException.class)
        .hasMessageContaining("the data is bad")
        .hasMessageContaining("root");
  }

  static class Thrower extends Work<String> {
    Thrower() {
      super(WorkOptions.defaults());
    }

    @Override
    protected void onRun(String input) {
      throw new IllegalArgumentException("cannot handle " + input);
    }
  }

  static class RaisingFlow extends Flow {
    final Thrower thrower = new Thrower();
    final AtomicBoolean afterCall = new AtomicBoolean();

    @Override
    public void run() {
      thrower.run("input-7");
      afterCall.set(true);
    }
  }

  @Test
  void workExceptionFailsTheAppNamingTheWorkWithTheRemoteMessage() {
    RaisingFlow flow = new RaisingFlow();
    assertThatThrownBy(() -> runApp(new App(flow)))
        .isInstanceOfSatisfying(
            AppFailedException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("root.thrower")
                  .contains("user_exception")
                  .contains(IllegalArgumentException.class.getName())
                  .contains("cannot handle input-7");
              assertThat(e.workName()).isEqualTo("root.thrower");
              assertThat(e.workFailure().exceptionClass())
                  .isEqualTo(IllegalArgumentException.class.getName());
              assertThat(e.workFailure().stackTrace()).contains("Thrower.onRun");
            });
    assertThat(flow.afterCall).isFalse();
    assertThat(flow.thrower.hasFailed()).isTrue();
  }

  /** Not JSON-serialisable: Jackson finds no properties. */
  static final class Opaque {
    private final int secret = 42;

    @Override
    public String toString() {
      return "Opaque" + secret;
    }
  }

  static class OpaqueWork extends Work<Opaque> {
    OpaqueWork() {
      super(WorkOptions.defaults());
    }

    @Override
    protected void onRun(Opaque input) {}
  }

  static class BadInputFlow extends Flow {
    final OpaqueWork work = new OpaqueWork();

    @Override
    public void run() {
      try {
        work.run(new Opaque());
      } catch (Exception swallowed) {
        // user code that catches Exception cannot keep the app from failing
      }
    }
  }

  @Test
  void unserialisableInputFailsTheAppNamingTheWorkAndTheType() {
    assertThatThrownBy(() -> runApp(new App(new BadInputFlow())))
        .isInstanceOf(AppFailedException.class)
        .hasMessageContaining("root.work")
        .hasMessageContaining(Opaque.class.getName())
        .hasMessageContaining("not JSON-serialisable");
  }

  static class ThrowingFlow extends Flow {
    @Override
    public void run() {
      throw new IllegalStateException("flow bug");
    }
  }

  @Test
  void anExceptionInTheFlowFailsTheApp() {
    assertThatThrownBy(() -> runApp(new App(new ThrowingFlow())))
        .isInstanceOf(AppFailedException.class)
        .hasMessageContaining("flow bug")
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void callingRunOutsideAPassIsRefused() {
    Noop work = new Noop();
    assertThatThrownBy(() -> work.run("x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not part of a running app");
    StoppingFlow flow = new StoppingFlow();
    runApp(new App(flow));
    assertThatThrownBy(() -> flow.work.run("y"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("root.work")
        .hasMessageContaining("during a pass");
  }

  @Test
  void anAppRunsOnce() {
    App app = new App(new StoppingFlow());
    runApp(app);
    assertThatThrownBy(app::run).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void invalidConfigurationFailsWithTheKey() {
    App app =
        new App(new StoppingFlow(), ConfigFactory.parseString("fulgur.placement.timeout = -1s"));
    assertThatThrownBy(app::run)
        .isInstanceOf(AppFailedException.class)
        .hasMessageContaining("fulgur.placement.timeout");
  }

  @Test
  void severalAppsRunOneAfterAnotherAndLeaveNothingRunning() {
    for (int i = 0; i < 3; i++) {
      StoppingFlow flow = new StoppingFlow();
      runApp(new App(flow));
      assertThat(flow.work.hasSucceeded()).isTrue();
    }
    try {
      Conditions.await(
          "no Fulgur or Pekko thread left",
          Duration.ofSeconds(20),
          () -> fulgurThreads().isEmpty());
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ": " + fulgurThreads(), e);
    }
  }

  static List<String> fulgurThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("fulgur"))
        .toList();
  }

  /** A work whose constructor fails on the work's node (the flow's own copy is made before). */
  static class BrokenOnNode extends Work<Void> {
    static volatile boolean failOnNode;
    static volatile boolean constructedOutsideActors;

    BrokenOnNode() {
      super(WorkOptions.defaults());
      // a runner thread, or the node's thread lent to the call between its tasks
      constructedOutsideActors =
          Thread.currentThread().getName().startsWith("fulgur-work-") || NodeExecutor.isLent();
      if (failOnNode) {
        throw new IllegalStateException("no model file here");
      }
    }

    @Override
    protected void onRun(Void input) {}
  }

  static class BrokenOnNodeFlow extends Flow {
    final BrokenOnNode work = new BrokenOnNode();

    @Override
    public void run() {
      work.run();
    }
  }

  @Test
  void aConstructorFailingOnTheNodeFailsTheCallNamingClassNodeAndCause() {
    BrokenOnNodeFlow flow = new BrokenOnNodeFlow();
    BrokenOnNode.failOnNode = true;
    try {
      assertThatThrownBy(() -> runApp(new App(flow)))
          .isInstanceOfSatisfying(
              AppFailedException.class,
              e -> {
                assertThat(e.workName()).isEqualTo("root.work");
                assertThat(e.workFailure().reason()).isEqualTo("placement_failed");
                assertThat(e.workFailure().message())
                    .contains(BrokenOnNode.class.getName())
                    .contains("could not be instantiated on node pekko://")
                    .contains("no model file here");
                assertThat(e.workFailure().exceptionClass())
                    .isEqualTo(IllegalStateException.class.getName());
              });
      // the constructor is user code: it ran on the call's thread, outside any actor
      assertThat(BrokenOnNode.constructedOutsideActors).isTrue();
      assertThat(flow.work.statusHistory())
          .extracting(StatusChange::status)
          .containsExactly(WorkStatus.PENDING, WorkStatus.FAILED);
    } finally {
      BrokenOnNode.failOnNode = false;
    }
  }

  static class Counter extends Work<Integer> {
    @Override
    protected void onRun(Integer input) {}
  }

  static class RawCallFlow extends Flow {
    final Counter work = new Counter();

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void run() {
      ((Work) work).run("not a number"); // erasure lets it through; the node cannot read it
    }
  }

  @Test
  void anInputThatDoesNotFitTheInputTypeFailsTheCallBeforeItRuns() {
    RawCallFlow flow = new RawCallFlow();
    assertThatThrownBy(() -> runApp(new App(flow)))
        .isInstanceOfSatisfying(
            AppFailedException.class,
            e -> {
              assertThat(e.workFailure().reason()).isEqualTo("input_error");
              assertThat(e.workFailure().message())
                  .contains("input does not fit java.lang.Integer");
            });
    assertThat(flow.work.statusHistory())
        .extracting(StatusChange::status)
        .containsExactly(WorkStatus.PENDING, WorkStatus.FAILED);
  }
}
