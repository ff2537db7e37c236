package io.fulgur;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fulgur.internal.AppDefaults;
import io.fulgur.internal.Settings;
import io.fulgur.internal.flow.FlowActor;
import io.fulgur.internal.flow.Outcome;
import io.fulgur.internal.node.NodeSystem;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Runs an app: starts the flow's node, runs the root flow's passes until the app ends, stops every
 * work, leaves the cluster and returns.
 *
 * <p>{@code new App(flow).run()} is the embedded default: one local node that serves every compute
 * name and listens on 127.0.0.1 only, on a free port. {@code new App(flow, config).run()} starts
 * the flow's node with the given config layered over Fulgur's node defaults (see {@code
 * reference.conf} for the {@code fulgur.*} keys): with {@code pekko.cluster.seed-nodes} set, the
 * flow's node joins that cluster and places works on its nodes by role ({@link LocalCluster} runs
 * such a cluster inside one JVM).
 *
 * <p>An App runs once. {@link #run()} never calls {@code System.exit} and leaves nothing running
 * when it returns or throws, so several apps can run one after another in one JVM.
 */
public final class App {
  private static final Config EMBEDDED =
      ConfigFactory.parseString("fulgur.node.serve-all-roles = on\nfulgur.node.host-works = on");

  private final Flow root;
  private final Config config;
  private final AtomicBoolean started = new AtomicBoolean();

  /**
   * An app on the embedded default node: local, loopback only, serving every compute name. (When
   * the {@code fulgur run} launcher starts the app's {@code main}, the flow's node joins the
   * launcher's cluster instead.)
   */
  public App(Flow root) {
    this(root, AppDefaults.get() != null ? AppDefaults.get() : EMBEDDED);
  }

  /**
   * An app whose flow node is configured by {@code config}: pass only your settings (for example
   * {@code ConfigFactory.parseString(...)} or {@code ConfigFactory.parseResources(...)}); Fulgur
   * adds its node defaults and the libraries' reference.conf below them, and system properties
   * above them.
   */
  public App(Flow root, Config config) {
    this.root = Objects.requireNonNull(root, "root flow must not be null");
    this.config = Objects.requireNonNull(config, "config must not be null");
  }

  /**
   * Runs the app on the calling thread until it ends.
   *
   * @throws AppFailedException if a work with {@code raiseException} failed, the flow called {@code
   *     fail}, the flow's {@code run()} threw, the runtime failed (the message starts with {@code
   *     internal_error}), or the node could not start or did not join its cluster within {@code
   *     fulgur.node.join-timeout}
   * @throws IllegalStateException if this App already ran
   */
  public void run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("An App runs once: create a new App to run the flow again");
    }
    Config full;
    Settings settings;
    try {
      full = NodeSystem.resolve(config);
      settings = Settings.from(full);
    } catch (RuntimeException e) {
      throw new AppFailedException("Invalid Fulgur configuration: " + e.getMessage(), e);
    }
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    ActorSystem<Void> system;
    try {
      system =
          NodeSystem.start(
              full,
              spawned ->
                  spawned
                      .context()
                      .spawn(
                          FlowActor.create(root, spawned.host(), spawned.settings(), outcome),
                          "flow",
                          NodeSystem.FLOW_DISPATCHER));
    } catch (RuntimeException e) {
      throw new AppFailedException("The flow's node could not start: " + e.getMessage(), e);
    }
    system
        .getWhenTerminated()
        .thenRun(
            () ->
                outcome.complete(
                    NodeSystem.unrequestedStop(system)
                        .map(Outcome::nodeStopped)
                        .orElseGet(Outcome::nodeTerminated)));
    NodeSystem.onNotUpWithin(
        system, settings.joinTimeout(), why -> outcome.complete(Outcome.joinFailed(why)));
    Outcome result;
    Optional<String> stopped = Optional.empty();
    try {
      result = outcome.get();
      // before this node's own shutdown, which would hide that the cluster downed it
      stopped = result.failed() ? NodeSystem.unrequestedStop(system) : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result = new Outcome(true, "App.run() was interrupted", null, null, e);
    } catch (ExecutionException e) {
      result = new Outcome(true, "The app ended abnormally", null, null, e.getCause());
    } finally {
      NodeSystem.shutdown(system, settings.leaveTimeout());
    }
    if (result.failed()) {
      // a flow node the cluster downed sees its works' nodes go first: say why it all ended
      if (stopped.isPresent() && !result.message().startsWith(stopped.get())) {
        result =
            new Outcome(
                true,
                stopped.get() + "; then: " + result.message(),
                result.workName(),
                result.workFailure(),
                result.cause());
      }
      throw new AppFailedException(
          result.message(), result.workName(), result.workFailure(), result.cause());
    }
  }
}
