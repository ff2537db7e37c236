package io.fulgur;

import static io.fulgur.Conditions.runApp;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every call ends when its events cross nodes (every message through Artery and the wire format;
 * surefire sets {@code pekko.actor.serialize-messages = on}): a failure whose state and trace
 * together would outgrow a frame arrives cut, and an exception that cannot be described arrives
 * described.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HangPathsClusterTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static LocalCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = LocalCluster.start("cpu");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Leaves a large state and throws an exception with a huge message and a huge trace. */
  static class HeavyFailure extends Work<Integer> {
    public String blob;

    HeavyFailure() {
      super(
          WorkOptions.defaults()
              .withCompute(new CloudCompute("cpu"))
              .withRaiseException(false));
    }

    @Override
    protected void onRun(Integer stateChars) {
      blob = "s".repeat(stateChars);
      RuntimeException e = new IllegalStateException("the bottom " + "b".repeat(30_000));
      for (int i = 0; i < 8; i++) {
        e = new RuntimeException("cause " + i + " " + "c".repeat(30_000), e);
      }
      throw new RuntimeException("top " + "m".repeat(100_000), e);
    }
  }

  static class HeavyFailureFlow extends Flow {
    final HeavyFailure work = new HeavyFailure();

    @Override
    public void run() {
      work.run(190_000); // fulgur.work.max-value-size is 192 KiB
      if (work.hasFailed()) {
        stop();
      }
    }
  }

  @Test
  void aFailureWithALargeStateAndAHugeTraceArrivesWithItsTraceCut() {
    HeavyFailureFlow flow = new HeavyFailureFlow();
    runApp(new App(flow, cluster.appConfig()), DEADLINE);
    assertThat(flow.work.hasFailed()).isTrue();
    WorkFailure failure = flow.work.failure().orElseThrow();
    assertThat(failure.reason()).isEqualTo("user_exception");
    assertThat(failure.exceptionClass()).isEqualTo(RuntimeException.class.getName());
    assertThat(failure.message()).startsWith("top mmmm");
    assertThat(failure.stackTrace())
        .startsWith("java.lang.RuntimeException: top mmmm")
        .containsPattern("\\.\\.\\. \\[trace cut: [0-9,]+ more characters\\]$");
    assertThat(flow.work.blob).as("the state travelled with the failure").hasSize(190_000);
  }

  /** Throws an exception whose message cannot be read. */
  static class UnreadableThrower extends Work<Void> {
    UnreadableThrower() {
      super(
          WorkOptions.defaults()
              .withCompute(new CloudCompute("cpu"))
              .withRaiseException(false));
    }

    @Override
    protected void onRun(Void input) {
      throw new HangPathsTest.Unreadable();
    }
  }

  static class UnreadableFlow extends Flow {
    final UnreadableThrower work = new UnreadableThrower();

    @Override
    public void run() {
      work.run();
      if (work.hasFailed()) {
        stop();
      }
    }
  }

  @Test
  void anExceptionWhoseMessageCannotBeReadFailsItsCallOnAnotherNode() {
    UnreadableFlow flow = new UnreadableFlow();
    runApp(new App(flow, cluster.appConfig()), DEADLINE);
    WorkFailure failure = flow.work.failure().orElseThrow();
    assertThat(failure.reason()).isEqualTo("user_exception");
    assertThat(failure.message()).startsWith("<the exception's getMessage() threw");
  }
}
