package io.fulgur.internal.dispatch;

import com.typesafe.config.Config;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;
import org.apache.pekko.dispatch.MonitorableThreadFactory;

/**
 * The executor of {@code fulgur.selector-dispatcher}, the dispatcher of pekko-io's TCP selector
 * (the select loop Artery's connections are read through): the node's own threads ({@link
 * NodeExecutor}), one selector task at a time.
 *
 * <p>With Pekko's default, a thread of its own blocks in the select; each message received wakes
 * it, it wakes the node's thread to read and handle the message, and the connection then asks it (a
 * second wake-up) to watch for reading again. Here the thread that returns from the select holds
 * the selector, and serves the node itself right after the select task (before it selects again):
 * the read, Artery's inbound stream, the host and the work actor run on the thread the network
 * woke, and asking to watch for reading again queues a selector task for the same thread. A call a
 * node task lends that thread to (a sequential call, or the flow when a {@code Done} arrives) runs
 * while it still holds the selector; the pool's watcher takes the selector over if the call is
 * still running after a tick ({@link NodeExecutor}).
 *
 * <p>The select blocks, so the dispatcher must hand this executor one selector and one of its tasks
 * at a time ({@code throughput = 1}, a single selector on it); both are checked here.
 */
public final class SelectorExecutor extends ExecutorServiceConfigurator {
  private static final List<String> SELECTORS =
      List.of("pekko.io.tcp", "pekko.io.udp", "pekko.io.udp-connected");

  private final Config dispatcherConfig;
  private final DispatcherPrerequisites prerequisites;

  /** Made by Pekko from the dispatcher's config ({@code executor = "...SelectorExecutor"}). */
  public SelectorExecutor(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    this.dispatcherConfig = config;
    this.prerequisites = prerequisites;
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory factory) {
    Config system = prerequisites.settings().config();
    check(id, dispatcherConfig, system);
    String nodeId = dispatcherConfig.getString("node-dispatcher");
    Config node = nodeDispatcher(id, nodeId, system);
    ThreadFactory nodeThreads =
        prerequisites.threadFactory() instanceof MonitorableThreadFactory m
            ? m.withName(m.name() + "-" + nodeId)
            : factory;
    Object key = prerequisites.eventStream();
    return () ->
        NodeExecutor.selector(
            NodeExecutor.shared(key, NodeExecutor.poolFor(nodeId, node, nodeThreads)));
  }

  /**
   * Checks, at a node's start, the dispatcher of every pekko-io selector that runs on this executor
   * (the check inside the dispatcher comes too late for a clear error: Pekko logs it and the node's
   * start times out).
   */
  public static void validate(Config system) {
    for (String path : SELECTORS) {
      String key = path + ".selector-dispatcher";
      if (!system.hasPath(key) || !system.hasPath(system.getString(key))) {
        continue;
      }
      String id = system.getString(key);
      Config dispatcher =
          system.getConfig(id).withFallback(system.getConfig("pekko.actor.default-dispatcher"));
      if (dispatcher.hasPath("executor")
          && SelectorExecutor.class.getName().equals(dispatcher.getString("executor"))) {
        check(id, dispatcher, system);
        nodeDispatcher(id, dispatcher.getString("node-dispatcher"), system);
      }
    }
  }

  /** The config of the node's dispatcher {@code nodeId}; fails unless it is a NodeExecutor. */
  private static Config nodeDispatcher(String id, String nodeId, Config system) {
    if (!system.hasPath(nodeId + ".executor")
        || !NodeExecutor.class.getName().equals(system.getString(nodeId + ".executor"))) {
      throw new IllegalArgumentException(
          id
              + ".node-dispatcher must name a dispatcher with executor = \""
              + NodeExecutor.class.getName()
              + "\", was \""
              + nodeId
              + "\"");
    }
    return system.getConfig(nodeId);
  }

  /** Fails with a message naming the setting when the select loop could block other tasks. */
  static void check(String id, Config dispatcher, Config system) {
    int throughput = dispatcher.getInt("throughput");
    if (throughput != 1) {
      throw new IllegalArgumentException(
          id
              + ".throughput must be 1 (the select blocks: each selector task must come back to"
              + " the executor), was "
              + throughput);
    }
    int selectors = 0;
    for (String path : SELECTORS) {
      if (system.hasPath(path + ".selector-dispatcher")
          && id.equals(system.getString(path + ".selector-dispatcher"))) {
        selectors += system.getInt(path + ".nr-of-selectors");
      }
    }
    if (selectors > 1) {
      throw new IllegalArgumentException(
          id
              + " can run one selector (its select blocks the others), but "
              + selectors
              + " are configured on it (pekko.io.*.selector-dispatcher and"
              + " nr-of-selectors)");
    }
  }
}
