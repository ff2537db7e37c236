package io.fulgur.internal.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.fulgur.internal.Settings;
import io.fulgur.internal.dispatch.ThreadingMode;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.WireVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * Starts and stops a Fulgur node: one Pekko ActorSystem named {@code fulgur} with the cluster
 * provider, its host actor if it hosts works, and whatever the caller spawns beside it.
 */
public final class NodeSystem {
  /** The ActorSystem name every Fulgur node uses (nodes of one cluster share it). */
  public static final String SYSTEM_NAME = "fulgur";

  /** The dispatcher of the flow actor (user code of {@code Flow.run}). */
  public static final DispatcherSelector FLOW_DISPATCHER =
      DispatcherSelector.fromConfig("fulgur.flow-dispatcher");

  /** The dispatcher of hosts and work actors. */
  public static final DispatcherSelector WORK_DISPATCHER =
      DispatcherSelector.fromConfig("fulgur.work-dispatcher");

  /** The flow node's output printer: one thread that writes works' lines to System.out/err. */
  public static final DispatcherSelector OUTPUT_DISPATCHER =
      DispatcherSelector.fromConfig("fulgur.output-dispatcher");

  /** Cluster membership and heartbeats, and the node's reachability log. */
  public static final DispatcherSelector CLUSTER_DISPATCHER =
      DispatcherSelector.fromConfig("fulgur.cluster-dispatcher");

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NodeSystem.class);

  private NodeSystem() {}

  /**
   * The node's full config: system properties, then the user's config, then Fulgur's node defaults
   * (cluster provider, Artery on 127.0.0.1 and a free port, SLF4J logging), then the libraries'
   * reference.conf. Cluster roles are {@code fulgur.node.roles} plus {@code pekko.cluster.roles}.
   * {@code fulgur.wire.version} is {@link WireVersion#CURRENT}, above everything: the join check
   * compares it, so no config may claim a wire format this build does not speak. With {@code
   * fulgur.node.custom-threading = off}, from any of those sources, the node runs on Pekko's own
   * dispatchers ({@link ThreadingMode#configure}).
   */
  public static Config resolve(Config user) {
    ClassLoader loader = NodeSystem.class.getClassLoader();
    Config reference = ConfigFactory.defaultReference(loader);
    Config full =
        ThreadingMode.configure(
            ConfigFactory.defaultOverrides(loader)
                .withFallback(user)
                .withFallback(ConfigFactory.parseResources(loader, "fulgur-node-defaults.conf"))
                .withFallback(reference)
                .resolve(),
            reference);
    Set<String> roles = new LinkedHashSet<>(full.getStringList("fulgur.node.roles"));
    roles.addAll(full.getStringList("pekko.cluster.roles"));
    List<String> roleList = new ArrayList<>(roles);
    return NodeSecurity.configure(full)
        .withValue("fulgur.node.roles", ConfigValueFactory.fromIterable(roleList))
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roleList))
        .withValue("pekko.actor.provider", ConfigValueFactory.fromAnyRef("cluster"))
        .withValue(WireVersion.KEY, ConfigValueFactory.fromAnyRef(WireVersion.CURRENT));
  }

  /**
   * Starts a node. Its guardian spawns the host (if {@code fulgur.node.host-works}) and then calls
   * {@code alsoSpawn} with the context and the host (null if none). A node with no seed nodes forms
   * a cluster of its own.
   */
  public static ActorSystem<Void> start(Config full, Consumer<Spawned> alsoSpawn) {
    Settings settings = Settings.from(full);
    // Initialise SLF4J on this thread before Pekko's threads log concurrently.
    org.slf4j.LoggerFactory.getILoggerFactory();
    for (String role : settings.roles()) {
      if (!role.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
        throw new IllegalArgumentException(
            "fulgur.node.roles: '" + role + "' is not a valid role name");
      }
    }
    if (settings.hostWorks() && !settings.serveAllRoles() && !worksYieldToTheNode()) {
      LOG.info(
          "Works on this node run at the same OS priority as its heartbeats: with more CPU-bound"
              + " works than cores, start the JVM with -XX:ThreadPriorityPolicy=1"
              + " -XX:JavaPriority1_To_OSPriority=19 (docs/operations.md, \"CPU-bound works\")");
    }
    AtomicBoolean selfDowned = new AtomicBoolean();
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.setup(
                ctx -> {
                  ctx.spawn(ReachabilityLog.create(selfDowned), "reachability", CLUSTER_DISPATCHER);
                  ActorRef<HostMessage> host = null;
                  if (settings.hostWorks()) {
                    host = ctx.spawn(NodeHost.create(settings), "host", WORK_DISPATCHER);
                  }
                  alsoSpawn.accept(new Spawned(ctx, host, settings));
                  return Behaviors.empty();
                }),
            SYSTEM_NAME,
            full);
    DOWNED.put(system, selfDowned);
    // Pekko's own line on this side says only that the configuration is incompatible; say which
    // check a Fulgur node most likely failed (the seed node logs the settings that differ).
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(Adapter.toClassic(system));
    system.getWhenTerminated().thenRun(() -> joinRefusal(system, shutdown).ifPresent(LOG::error));
    if (full.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    return system;
  }

  /** Whether this JVM gives the works' threads (Java's lowest priority) a lower OS priority. */
  static boolean worksYieldToTheNode() {
    try {
      com.sun.management.HotSpotDiagnosticMXBean vm =
          java.lang.management.ManagementFactory.getPlatformMXBean(
              com.sun.management.HotSpotDiagnosticMXBean.class);
      return vm != null && "1".equals(vm.getVMOption("ThreadPriorityPolicy").getValue());
    } catch (RuntimeException e) {
      return true; // not HotSpot: nothing to advise
    }
  }

  /** Whether the cluster downed each node (no reference to a node's system from its value). */
  private static final Map<ActorSystem<?>, AtomicBoolean> DOWNED =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** What the guardian spawned, handed to the caller's spawn step. */
  public record Spawned(
      ActorContext<Void> context, ActorRef<HostMessage> host, Settings settings) {}

  /**
   * Why this node stopped when nobody asked it to: the cluster refused it at join ({@link
   * #joinRefusal}), or downed it (the split-brain resolver, on the side that lost).
   */
  public static Optional<String> unrequestedStop(ActorSystem<?> system) {
    Optional<String> refused = joinRefusal(system);
    if (refused.isPresent()) {
      return refused;
    }
    // the node sees itself Down before the shutdown that follows, whose reason then says so
    AtomicBoolean selfDowned = DOWNED.get(system);
    boolean downed =
        (selfDowned != null && selfDowned.get())
            || CoordinatedShutdown.get(Adapter.toClassic(system))
                .getShutdownReason()
                .filter(r -> r == CoordinatedShutdown.clusterDowningReason())
                .isPresent();
    if (!downed) {
      return Optional.empty();
    }
    return Optional.of(
        "Fulgur node "
            + classicSelfAddress(system)
            + " was downed by the cluster: the split-brain resolver kept the other side after"
            + " members on both sides took each other for unreachable (the io.fulgur.reachability"
            + " lines of each node say which; in an even split, such as a cluster of two nodes,"
            + " the side holding the lowest address stays: see docs/operations.md)");
  }

  /**
   * Why the cluster refused this node, if it did: the node shut itself down because a join
   * configuration check (the wire version, or one of Pekko's) failed.
   */
  public static Optional<String> joinRefusal(ActorSystem<?> system) {
    return joinRefusal(system, CoordinatedShutdown.get(Adapter.toClassic(system)));
  }

  private static Optional<String> joinRefusal(ActorSystem<?> system, CoordinatedShutdown shutdown) {
    boolean refused =
        shutdown
            .getShutdownReason()
            .filter(r -> r == CoordinatedShutdown.incompatibleConfigurationDetectedReason())
            .isPresent();
    if (!refused) {
      return Optional.empty();
    }
    Config config = system.settings().config();
    Object version =
        config.hasPath(WireVersion.KEY) ? config.getValue(WireVersion.KEY).unwrapped() : "missing";
    return Optional.of(
        "Fulgur node "
            + classicSelfAddress(system)
            + " stopped: it could not join the cluster of seed nodes "
            + config.getStringList("pekko.cluster.seed-nodes")
            + " because their configurations are incompatible (the seed node's log names the"
            + " settings that differ). This node's "
            + WireVersion.KEY
            + " is "
            + version
            + ": nodes of different Fulgur wire versions cannot form a cluster (upgrade every node"
            + " to the same Fulgur release).");
  }

  /** The node's address, also once it has terminated (the classic extension exists from start). */
  private static String classicSelfAddress(ActorSystem<?> system) {
    return org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system)).selfAddress().toString();
  }

  /**
   * Waits until this node is Up in the cluster.
   *
   * @throws IllegalStateException naming the seed nodes when it does not join in time, or saying
   *     why the cluster refused it
   */
  public static void awaitUp(ActorSystem<?> system, Duration timeout) {
    CompletableFuture<Void> up = new CompletableFuture<>();
    org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system))
        .registerOnMemberUp(() -> up.complete(null));
    // A refused node shuts itself down at once: say so then, not after the whole join timeout.
    system
        .getWhenTerminated()
        .thenRun(
            () ->
                up.completeExceptionally(
                    new IllegalStateException(
                        joinRefusal(system)
                            .orElse(
                                "Fulgur node "
                                    + classicSelfAddress(system)
                                    + " stopped before it joined the cluster"))));
    try {
      up.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(notJoined(system, timeout));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while joining the cluster", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IllegalStateException ise
          ? ise
          : new IllegalStateException(e.getCause());
    }
  }

  /**
   * Calls {@code notJoined} with a message naming the seed nodes if this node is not Up in the
   * cluster within {@code timeout} (on one of the node's threads): a node that cannot reach its
   * seed nodes would otherwise wait for them for ever.
   */
  public static void onNotUpWithin(
      ActorSystem<?> system, Duration timeout, Consumer<String> notJoined) {
    java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean();
    org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system))
        .registerOnMemberUp(() -> up.set(true));
    system
        .scheduler()
        .scheduleOnce(
            timeout,
            () -> {
              if (!up.get()) {
                notJoined.accept(notJoined(system, timeout));
              }
            },
            system.executionContext());
  }

  private static String notJoined(ActorSystem<?> system, Duration timeout) {
    List<String> seeds = system.settings().config().getStringList("pekko.cluster.seed-nodes");
    return "Fulgur node "
        + Cluster.get(system).selfMember().address()
        + " did not join the cluster within "
        + timeout
        + " (seed nodes "
        + seeds
        + "; see fulgur.node.join-timeout)"
        + ("tls-tcp".equals(system.settings().config().getString(NodeSecurity.TRANSPORT))
            ? ". With TLS, a seed refuses a node whose certificate is not from the cluster's CA or"
                + " does not share its subject name"
            : ". A cluster that uses TLS refuses a node without it (--tls-dir)");
  }

  /** Leaves the cluster and terminates the node, waiting up to {@code timeout}. */
  public static void shutdown(ActorSystem<?> system, Duration timeout) {
    CoordinatedShutdown.get(Adapter.toClassic(system)).run(CoordinatedShutdown.unknownReason());
    try {
      system
          .getWhenTerminated()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      system.terminate();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // terminated with a failure: nothing more to do
    }
  }

  /** The node's own address as a string ({@code pekko://fulgur@127.0.0.1:40123}). */
  public static String address(ActorSystem<?> system) {
    return Cluster.get(system).selfMember().address().toString();
  }
}
