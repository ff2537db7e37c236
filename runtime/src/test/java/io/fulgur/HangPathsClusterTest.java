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
 * surefire sets {@code pekko.actor.serialize-messages = on}): an exception that cannot be described
 * arrives described.
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
