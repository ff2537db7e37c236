package io.fulgur.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fulgur.internal.Settings;
import io.fulgur.internal.node.NodeSystem;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** {@code fulgur.node.custom-threading}: what each value makes of a node's config. */
class ThreadingModeConfigTest {
  static final String ARTERY = "pekko.remote.artery.advanced.use-dispatcher";
  static final String TCP_WORKER = "pekko.io.tcp.worker-dispatcher";
  static final String TCP_SELECTOR = "pekko.io.tcp.selector-dispatcher";

  static Config resolve(String user) {
    return NodeSystem.resolve(ConfigFactory.parseString(user));
  }

  @Test
  void onRunsArteryAndTheTcpLayerOnFulgursDispatchers() {
    // the system property would win over the config (it is off in the pekko-threading run)
    Config full = withProperty(null, () -> resolve(ThreadingMode.KEY + " = on"));
    assertThat(full.getString(ARTERY)).isEqualTo("fulgur.work-dispatcher");
    assertThat(full.getString(TCP_WORKER)).isEqualTo("fulgur.work-dispatcher");
    assertThat(full.getString(TCP_SELECTOR)).isEqualTo("fulgur.selector-dispatcher");
    assertThat(full.getString("pekko.remote.artery.advanced.use-control-stream-dispatcher"))
        .isEqualTo("fulgur.cluster-dispatcher");
    assertThat(full.getString("pekko.cluster.use-dispatcher"))
        .isEqualTo("fulgur.cluster-dispatcher");
    assertThat(full.getString("fulgur.work-dispatcher.executor"))
        .isEqualTo(NodeExecutor.class.getName());
    assertThat(Settings.from(full).threading()).isEqualTo(ThreadingMode.CUSTOM);
  }

  @Test
  void offGivesPekkosOwnDispatchersBack() {
    Config full = resolve(ThreadingMode.KEY + " = off");
    assertThat(full.getString(ARTERY)).isEqualTo("pekko.remote.default-remote-dispatcher");
    assertThat(full.getString(TCP_WORKER)).isEqualTo("pekko.actor.internal-dispatcher");
    assertThat(full.getString(TCP_SELECTOR)).isEqualTo("pekko.io.pinned-dispatcher");
    assertThat(full.getString("fulgur.work-dispatcher.executor")).isEqualTo("fork-join-executor");
    assertThat(full.getString("fulgur.flow-dispatcher.type")).isEqualTo("PinnedDispatcher");
    assertThat(full.getString("fulgur.flow-dispatcher.executor")).isEqualTo("thread-pool-executor");
    assertThat(full.getString("fulgur.selector-dispatcher.executor"))
        .isEqualTo("thread-pool-executor");
    assertThat(Settings.from(full).threading()).isEqualTo(ThreadingMode.PEKKO);
  }

  @Test
  void offWinsOverAUserSettingThatNamesFulgursDispatchersAndKeepsOtherChoices() {
    Config full =
        resolve(
            String.join(
                "\n",
                ThreadingMode.KEY + " = off",
                TCP_SELECTOR + " = fulgur.selector-dispatcher",
                "my-node-dispatcher.executor = \"" + NodeExecutor.class.getName() + "\"",
                TCP_WORKER + " = my-node-dispatcher",
                "my-artery-dispatcher.executor = thread-pool-executor",
                ARTERY + " = my-artery-dispatcher"));
    assertThat(full.getString(TCP_SELECTOR)).isEqualTo("pekko.io.pinned-dispatcher");
    assertThat(full.getString(TCP_WORKER)).isEqualTo("pekko.actor.internal-dispatcher");
    assertThat(full.getString(ARTERY)).isEqualTo("my-artery-dispatcher");
  }

  @Test
  void aSystemPropertyTurnsItOff() {
    // the property wins over the caller's config, as every system property does
    Config full = withProperty("off", () -> resolve(ThreadingMode.KEY + " = on"));
    assertThat(ThreadingMode.of(full)).isEqualTo(ThreadingMode.PEKKO);
    assertThat(full.getString(ARTERY)).isEqualTo("pekko.remote.default-remote-dispatcher");
  }

  /** {@code make}'s result with the system property set to {@code value} (null: not set). */
  static Config withProperty(String value, Supplier<Config> make) {
    String before = System.getProperty(ThreadingMode.KEY);
    set(value);
    try {
      return make.get();
    } finally {
      set(before);
    }
  }

  private static void set(String value) {
    if (value == null) {
      System.clearProperty(ThreadingMode.KEY);
    } else {
      System.setProperty(ThreadingMode.KEY, value);
    }
    ConfigFactory.invalidateCaches();
  }

  @Test
  void pekkoThreadingLendsNothingAndHandsNothingOver() throws Exception {
    assertThat(ThreadingMode.PEKKO.lend(() -> {})).isFalse();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    ThreadingMode.PEKKO.handOver(() -> ranOn.set(Thread.currentThread()));
    assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    // a plain tell from the report: it does not run queued tasks of a node pool on this thread
    ExecutorService pool = NodeExecutor.pool(r -> new Thread(r, "node"));
    try {
      CompletableFuture<String> ran = new CompletableFuture<>();
      ThreadingMode.PEKKO.handOver(
          () -> pool.execute(() -> ran.complete(Thread.currentThread().getName())));
      assertThat(ran.get(10, TimeUnit.SECONDS)).isEqualTo("node");
    } finally {
      pool.shutdown();
    }
  }
}
