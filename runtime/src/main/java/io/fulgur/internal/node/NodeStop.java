package io.fulgur.internal.node;

import java.util.Optional;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Why a node stopped, as a process supervisor needs to know it: as asked (closed by its owner, the
 * JVM shutting down, a leave asked of the cluster), or not (downed by the cluster, refused when it
 * joined, failed to join, its actor system ended for any other reason). A node that stopped unasked
 * is to be started again.
 */
public final class NodeStop {
  private NodeStop() {}

  /**
   * Why {@code system} stopped unasked; empty while it runs or when it stopped as asked ({@code
   * closed}: its owner closed it).
   */
  public static Optional<String> unexpected(ActorSystem<?> system, boolean closed) {
    if (closed || !system.getWhenTerminated().toCompletableFuture().isDone()) {
      return Optional.empty();
    }
    Optional<CoordinatedShutdown.Reason> reason =
        CoordinatedShutdown.get(Adapter.toClassic(system)).getShutdownReason();
    if (reason.isPresent()
        && reason.get() == CoordinatedShutdown.incompatibleConfigurationDetectedReason()) {
      return NodeSystem.joinRefusal(system);
    }
    return unexpected(reason);
  }

  /** Why a node whose shutdown had {@code reason} (empty: it had none) stopped unasked. */
  static Optional<String> unexpected(Optional<CoordinatedShutdown.Reason> reason) {
    if (reason.isEmpty()) {
      return Optional.of("its actor system terminated without a shutdown (a fatal error)");
    }
    CoordinatedShutdown.Reason r = reason.get();
    if (r == CoordinatedShutdown.jvmExitReason()
        || r == CoordinatedShutdown.clusterLeavingReason()) {
      return Optional.empty(); // SIGTERM (Pekko's shutdown hook), or a leave asked of the cluster
    }
    if (r == CoordinatedShutdown.clusterDowningReason()) {
      return Optional.of(
          "the cluster downed it (the split-brain resolver took it for unreachable, or an"
              + " operator downed it)");
    }
    if (r == CoordinatedShutdown.clusterJoinUnsuccessfulReason()) {
      return Optional.of("it could not join the cluster's seed nodes in time");
    }
    if (r == CoordinatedShutdown.incompatibleConfigurationDetectedReason()) {
      return Optional.of("the cluster refused it: their configurations are incompatible");
    }
    return Optional.of("its actor system was shut down (" + r + ")");
  }
}
