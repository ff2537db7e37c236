package io.fulgur.internal.node;

import io.fulgur.CloudCompute;
import io.fulgur.Work;
import io.fulgur.WorkOptions;
import io.fulgur.internal.Internals;
import io.fulgur.internal.Settings;
import io.fulgur.internal.WorkCore;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.StateCodec;
import io.fulgur.internal.protocol.WorkMessage;
import io.fulgur.internal.work.WorkActor;
import io.fulgur.internal.work.WorkInstantiator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A node's host: registered with the Receptionist under the node's roles, it creates the work
 * actors that flows place on this node, owns the node's runner threads, and stops an app's works
 * when that app's flow is gone.
 */
public final class NodeHost extends AbstractBehavior<HostMessage> {

  private record FlowGone(String appId) implements HostMessage.Internal {}

  private record WorkEnded(String appId, ActorRef<WorkMessage> work)
      implements HostMessage.Internal {}

  private final Set<String> roles;
  private final boolean serveAllRoles;
  private final Settings settings;
  private final String address;
  private final ExecutorService runners;
  private final Map<String, Set<ActorRef<WorkMessage>>> worksByApp = new HashMap<>();
  private int spawned;

  /** A host for a node with these roles ({@code serveAllRoles}: every compute name). */
  public static Behavior<HostMessage> create(Settings settings) {
    return Behaviors.setup(ctx -> new NodeHost(ctx, settings));
  }

  private NodeHost(ActorContext<HostMessage> context, Settings settings) {
    super(context);
    this.settings = settings;
    this.roles = Set.copyOf(settings.roles());
    this.serveAllRoles = settings.serveAllRoles();
    this.address = Cluster.get(context.getSystem()).selfMember().address().toString();
    this.runners = Executors.newCachedThreadPool(runnerThreads());
    for (String role : roles) {
      context
          .getSystem()
          .receptionist()
          .tell(Receptionist.register(HostKeys.forRole(role), context.getSelf()));
    }
    if (serveAllRoles) {
      context
          .getSystem()
          .receptionist()
          .tell(Receptionist.register(HostKeys.forRole(HostKeys.ANY_ROLE), context.getSelf()));
    }
    context
        .getLog()
        .info(
            "Fulgur node [{}] hosts works for roles {}{}",
            address,
            roles,
            serveAllRoles ? " and every other compute name" : "");
  }

  private static ThreadFactory runnerThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "fulgur-work-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public Receive<HostMessage> createReceive() {
    return newReceiveBuilder()
        .onMessage(HostMessage.Place.class, this::onPlace)
        .onMessage(FlowGone.class, this::onFlowGone)
        .onMessage(WorkEnded.class, this::onWorkEnded)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<HostMessage> onPlace(HostMessage.Place place) {
    if (!serveAllRoles && !roles.contains(place.compute())) {
      return refuse(
          place, "node " + address + " has roles " + roles + ", not '" + place.compute() + "'");
    }
    Work<?> work;
    try {
      Class<? extends Work<?>> cls = WorkInstantiator.load(place.workClass());
      work = WorkInstantiator.instantiate(cls);
      WorkCore core = Internals.core(work);
      core.options(
          WorkOptions.defaults()
              .withCompute(new CloudCompute(place.compute()))
              .withParallel(place.parallel())
              .withCacheCalls(place.cacheCalls())
              .withRaiseException(place.raiseException()));
      core.nameOnNode(place.work(), address);
      StateCodec.apply(work, place.state());
    } catch (ClassNotFoundException e) {
      return refuse(
          place,
          "class "
              + place.workClass()
              + " is not on the classpath of node "
              + address
              + " (worker nodes need the app's classes)");
    } catch (Throwable e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return refuse(
          place, "class " + place.workClass() + " could not be instantiated: " + cause);
    }
    String childName =
        URLEncoder.encode(place.appId() + "-" + place.work(), StandardCharsets.UTF_8)
            + "-"
            + (++spawned);
    ActorRef<WorkMessage> ref =
        getContext()
            .spawn(
                WorkActor.create(
                    place.work(), work, place.flow(), place.printer(), runners, settings, address),
                childName,
                NodeSystem.WORK_DISPATCHER);
    getContext().watchWith(ref, new WorkEnded(place.appId(), ref));
    Set<ActorRef<WorkMessage>> works = worksByApp.get(place.appId());
    if (works == null) {
      works = new HashSet<>();
      worksByApp.put(place.appId(), works);
      getContext().watchWith(place.flow(), new FlowGone(place.appId()));
    }
    works.add(ref);
    getContext().getLog().debug("Work [{}] of app [{}] placed here", place.work(), place.appId());
    return this;
  }

  private Behavior<HostMessage> refuse(HostMessage.Place place, String message) {
    getContext().getLog().warn("Cannot host work [{}]: {}", place.work(), message);
    place.flow().tell(new FlowMessage.PlacementFailed(place.work(), address, message));
    return this;
  }

  private Behavior<HostMessage> onFlowGone(FlowGone gone) {
    Set<ActorRef<WorkMessage>> works = worksByApp.remove(gone.appId());
    boolean nodeStopping =
        CoordinatedShutdown.get(Adapter.toClassic(getContext().getSystem()))
            .getShutdownReason()
            .isPresent();
    if (works != null && !works.isEmpty() && !nodeStopping) {
      getContext()
          .getLog()
          .warn(
              "The flow of app [{}] is gone: stopping its {} works on this node",
              gone.appId(),
              works.size());
    }
    if (works != null) {
      for (ActorRef<WorkMessage> work : List.copyOf(works)) {
        getContext().stop(work);
      }
    }
    return this;
  }

  private Behavior<HostMessage> onWorkEnded(WorkEnded ended) {
    Set<ActorRef<WorkMessage>> works = worksByApp.get(ended.appId());
    if (works != null) {
      works.remove(ended.work());
    }
    return this;
  }

  private Behavior<HostMessage> onPostStop() {
    runners.shutdownNow();
    return this;
  }
}
