package io.fulgur;

import com.typesafe.config.Config;
import io.fulgur.internal.Settings;
import io.fulgur.internal.node.NodeStop;
import io.fulgur.internal.node.NodeSystem;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A Fulgur worker node: a member of the cluster that hosts works for its roles. Apps whose flow
 * nodes join the same cluster place their works on it.
 *
 * <p>Configuration ({@code config} is layered over Fulgur's node defaults): {@code
 * fulgur.node.roles} (the roles, e.g. {@code [cpu]}), {@code pekko.cluster.seed-nodes} (none: the
 * node forms a new cluster), {@code pekko.remote.artery.canonical.hostname/port} (default 127.0.0.1
 * and a free port).
 */
public final class Node implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final Settings settings;
  private final String address;
  private volatile boolean closed;

  private Node(ActorSystem<Void> system, Settings settings) {
    this.system = system;
    this.settings = settings;
    this.address = NodeSystem.address(system);
  }

  /**
   * Starts a node and waits until it is Up in the cluster.
   *
   * @throws IllegalStateException if it does not join within {@code fulgur.node.join-timeout}
   * @throws IllegalArgumentException if the configuration is invalid
   */
  public static Node start(Config config) {
    Objects.requireNonNull(config, "config must not be null");
    Config full = NodeSystem.resolve(config);
    Settings settings = Settings.from(full);
    ActorSystem<Void> system = NodeSystem.start(full, spawned -> {});
    try {
      NodeSystem.awaitUp(system, settings.joinTimeout());
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
    return new Node(system, settings);
  }

  /** The node's address: {@code pekko://fulgur@127.0.0.1:40123}. */
  public String address() {
    return address;
  }

  /** The node's actor system, for tests in this package that watch what Pekko does. */
  ActorSystem<Void> system() {
    return system;
  }

  /** The node's roles. */
  public List<String> roles() {
    return settings.roles();
  }

  /**
   * Blocks until the node has stopped: closed, shut down by the JVM (SIGTERM), or removed from the
   * cluster (for example downed by the split-brain resolver).
   *
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public void awaitTermination() throws InterruptedException {
    try {
      system.getWhenTerminated().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      // terminated with a failure: it has stopped all the same
    }
  }

  /**
   * Why the node stopped when nobody asked it to: the cluster downed it (for example the
   * split-brain resolver took it for unreachable), refused it, or its actor system ended for
   * another reason. Empty while the node runs, and when it stopped as asked: {@link #close}, the
   * JVM shutting down (SIGTERM), or a leave of this node asked of the cluster. A process that runs
   * a node exits non-zero when this is present, so that its supervisor starts it again.
   */
  public Optional<String> unexpectedStop() {
    return NodeStop.unexpected(system, closed);
  }

  /** Leaves the cluster and stops the node (its works are stopped); idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      NodeSystem.shutdown(system, settings.leaveTimeout());
    }
  }

  @Override
  public String toString() {
    return "Node[" + address + ", roles=" + settings.roles() + "]";
  }
}
