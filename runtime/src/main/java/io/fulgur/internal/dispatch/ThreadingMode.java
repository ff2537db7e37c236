package io.fulgur.internal.dispatch;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The threads a node runs on ({@code fulgur.node.custom-threading}): Fulgur's executors, or Pekko's
 * own dispatchers. What the node's actors may do with the thread they run on (lend it to a call,
 * hand a call's report over to it) goes through here ({@link NodeThreads} asks), so that neither
 * happens on Pekko's dispatchers.
 */
public enum ThreadingMode {
  /**
   * Fulgur's executors ({@link NodeExecutor}, the flow's {@link FlowExecutor}, {@link
   * SelectorExecutor}): a sequential call or the flow may borrow the node's thread, and a finished
   * call's report runs on the call's thread.
   */
  CUSTOM {
    @Override
    boolean lend(Runnable call) {
      return NodeExecutor.lend(call);
    }

    @Override
    void handOver(Runnable report) {
      NodeExecutor.handOver(report);
    }
  },

  /**
   * Pekko's own dispatchers: no thread is lent (every call runs on a runner thread, so user code
   * never blocks a dispatcher shared by actors) and reports are plain tells.
   */
  PEKKO {
    @Override
    boolean lend(Runnable call) {
      return false;
    }

    @Override
    void handOver(Runnable report) {
      report.run();
    }
  };

  /** The setting: {@code on} (the default) for {@link #CUSTOM}, {@code off} for {@link #PEKKO}. */
  public static final String KEY = "fulgur.node.custom-threading";

  /** Where Pekko looks up the dispatchers of Artery and of its TCP and UDP layers. */
  private static final List<String> POINTERS = pointers();

  private static final Set<String> FULGUR_EXECUTORS =
      Set.of(
          NodeExecutor.class.getName(),
          SelectorExecutor.class.getName(),
          FlowExecutor.class.getName());

  /**
   * Lends the thread the caller runs on to {@code call}, to run once the caller's dispatcher task
   * is done; false, and nothing done, when it cannot (the caller then runs {@code call} on a thread
   * of its own).
   */
  abstract boolean lend(Runnable call);

  /**
   * Runs {@code report} (a tell) so that the dispatcher work it sets off may run on this thread.
   */
  abstract void handOver(Runnable report);

  /** The threading of a node's resolved config. */
  public static ThreadingMode of(Config full) {
    return full.getBoolean(KEY) ? CUSTOM : PEKKO;
  }

  /**
   * {@code full} as the node runs it: unchanged when custom threading is on. Off: Fulgur's
   * dispatchers become ordinary Pekko ones (the host and work actors on a fork-join pool of their
   * own, the flow on a thread pinned to it), and every Pekko dispatcher setting that names one of
   * Fulgur's dispatchers gets Pekko's default from {@code pekkoReference} back. Over any config:
   * off means that no Fulgur executor runs.
   */
  public static Config configure(Config full, Config pekkoReference) {
    if (of(full) == CUSTOM) {
      return full;
    }
    Config off =
        full.withValue("fulgur.work-dispatcher.type", ConfigValueFactory.fromAnyRef("Dispatcher"))
            .withValue(
                "fulgur.work-dispatcher.executor",
                ConfigValueFactory.fromAnyRef("fork-join-executor"))
            .withValue(
                "fulgur.flow-dispatcher.type", ConfigValueFactory.fromAnyRef("PinnedDispatcher"))
            .withValue(
                "fulgur.flow-dispatcher.executor",
                ConfigValueFactory.fromAnyRef("thread-pool-executor"))
            .withValue(
                "fulgur.selector-dispatcher.type",
                ConfigValueFactory.fromAnyRef("PinnedDispatcher"))
            .withValue(
                "fulgur.selector-dispatcher.executor",
                ConfigValueFactory.fromAnyRef("thread-pool-executor"));
    for (String pointer : POINTERS) {
      if (full.hasPath(pointer)
          && pekkoReference.hasPath(pointer)
          && isFulgurs(full, full.getString(pointer))) {
        off = off.withValue(pointer, pekkoReference.getValue(pointer));
      }
    }
    return off;
  }

  /** Whether the dispatcher {@code id} is one of Fulgur's, or runs on one of its executors. */
  private static boolean isFulgurs(Config full, String id) {
    if (id.startsWith("fulgur.")) {
      return true;
    }
    String executor = id + ".executor";
    return full.hasPath(executor) && FULGUR_EXECUTORS.contains(full.getString(executor));
  }

  private static List<String> pointers() {
    List<String> keys = new ArrayList<>();
    keys.add("pekko.remote.artery.advanced.use-dispatcher");
    keys.add("pekko.remote.artery.advanced.use-control-stream-dispatcher");
    for (String io : List.of("pekko.io.tcp", "pekko.io.udp", "pekko.io.udp-connected")) {
      keys.add(io + ".selector-dispatcher");
      keys.add(io + ".worker-dispatcher");
      keys.add(io + ".management-dispatcher");
    }
    keys.add("pekko.io.tcp.file-io-dispatcher");
    return List.copyOf(keys);
  }
}
