package io.fulgur;

import static io.fulgur.Conditions.runApp;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every call ends when its events cross nodes (every message through Artery and the wire format;
 * surefire sets {@code pekko.actor.serialize-messages = on}): a failure whose state and trace
 * together would outgrow a frame arrives cut, an exception that cannot be described arrives
 * described, and a work that cannot be made on its node fails its call naming work, node and cause.
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
      super(WorkOptions.defaults().withCompute(new CloudCompute("cpu")).withRaiseException(false));
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
      super(WorkOptions.defaults().withCompute(new CloudCompute("cpu")).withRaiseException(false));
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

  /** A type the node that runs {@link NeedsMissing} does not have. */
  static class Missing {
    public int value;
  }

  /** A work with a field of a type that is missing on its node. */
  static class NeedsMissing extends Work<String> {
    public Missing missing;

    NeedsMissing() {
      super(WorkOptions.defaults().withCompute(new CloudCompute("odd")).withRaiseException(false));
    }

    @Override
    protected void onRun(String input) {}
  }

  static class NeedsMissingFlow extends Flow {
    final NeedsMissing work = new NeedsMissing();

    @Override
    public void run() {
      work.run("go");
      if (work.hasFailed()) {
        stop();
      }
    }
  }

  /**
   * A node's class loader that defines some classes itself, so that what they refer to is looked up
   * through it, and hides one class: a node with another build of the app's classes.
   */
  static final class HidingLoader extends ClassLoader {
    private final Set<String> own;
    private final String hidden;

    HidingLoader(ClassLoader parent, Set<String> own, String hidden) {
      super(parent);
      this.own = own;
      this.hidden = hidden;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.equals(hidden)) {
        throw new ClassNotFoundException(name + " is not on this node");
      }
      if (!own.contains(name)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded != null) {
          return loaded;
        }
        try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
          byte[] bytes = in.readAllBytes();
          return defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
          throw new ClassNotFoundException(name, e);
        }
      }
    }
  }

  @Test
  void aWorkThatCannotBeMadeOnItsNodeFailsItsCallNamingWorkNodeAndCause() {
    Thread thread = Thread.currentThread();
    ClassLoader original = thread.getContextClassLoader();
    LocalCluster odd;
    // a node's actor system takes the starting thread's context class loader for its threads
    thread.setContextClassLoader(
        new HidingLoader(original, Set.of(NeedsMissing.class.getName()), Missing.class.getName()));
    try {
      odd = LocalCluster.start("odd");
    } finally {
      thread.setContextClassLoader(original);
    }
    try {
      NeedsMissingFlow flow = new NeedsMissingFlow();
      runApp(new App(flow, odd.appConfig()), DEADLINE);
      assertThat(flow.work.hasFailed()).isTrue();
      WorkFailure failure = flow.work.failure().orElseThrow();
      assertThat(failure.reason()).isEqualTo("placement_failed");
      assertThat(failure.message())
          .contains("root.work", NeedsMissing.class.getName(), odd.nodes().get(0).address())
          .contains(NoClassDefFoundError.class.getName())
          .contains(Missing.class.getName().replace('.', '/'));
    } finally {
      odd.close();
    }
  }
}
