package io.fulgur.internal.node;

import io.fulgur.WorkFailure;
import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.Settings;
import io.fulgur.internal.dispatch.NodeThreads;
import io.fulgur.internal.protocol.EventFit;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.WorkMessage;
import io.fulgur.internal.work.NodeResources;
import io.fulgur.internal.work.OutputBudget;
import java.util.Collection;
import java.util.List;
import java.util.Set;
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
 * A node's host: registered with the Receptionist under the node's roles, it gives each work that
 * flows place on this node an actor ({@link WorkActors}) and passes them their runs and stops,
 * sends their events back to each app's flow ({@link AppLinks}), owns the node's runner threads,
 * and stops an app's works when that app's flow is gone.
 */
public final class NodeHost extends AbstractBehavior<HostMessage> {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NodeHost.class);

  private final Settings settings;
  private final String address;

  /**
   * The threads of calls: as many short ones at once as there are cores, at most {@code
   * fulgur.node.max-call-threads} in all ({@link NodeThreads}).
   */
  private final NodeThreads calls;

  private final AppLinks links;
  private final WorkActors workActors;

  /** A host for a node with these roles ({@code serveAllRoles}: every compute name). */
  public static Behavior<HostMessage> create(Settings settings) {
    return Behaviors.setup(ctx -> new NodeHost(ctx, settings));
  }

  private NodeHost(ActorContext<HostMessage> context, Settings settings) {
    super(context);
    context.setLoggerName(NodeHost.class); // its parts log as the host
    this.settings = settings;
    this.address = Cluster.get(context.getSystem()).selfMember().address().toString();
    this.calls =
        NodeThreads.forCalls(
            settings.threading(),
            runnerThreads(),
            Runtime.getRuntime().availableProcessors(),
            settings.maxCallThreads());
    this.links = new AppLinks(context, settings);
    this.workActors =
        new WorkActors(
            context,
            settings,
            new NodeResources(
                context.getSelf(),
                calls,
                new OutputBudget(settings.outputMaxBufferedBytesPerNode()),
                settings,
                address));
    Set<String> keys = new java.util.LinkedHashSet<>(settings.roles());
    if (settings.serveAllRoles()) {
      keys.add(HostKeys.ANY_ROLE);
    }
    for (String role : keys) {
      context
          .getSystem()
          .receptionist()
          .tell(Receptionist.register(HostKeys.forRole(role), context.getSelf()));
    }
    context
        .getLog()
        .info(
            "Fulgur node [{}] hosts works for roles {}{}",
            address,
            settings.roles(),
            settings.serveAllRoles() ? " and every other compute name" : "");
  }

  private static ThreadFactory runnerThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "fulgur-work-" + n.incrementAndGet());
      t.setDaemon(true);
      // Works yield the cores to the node's own threads (heartbeats, messages) where the JVM maps
      // Java priorities to the OS (docs/operations.md, "CPU-bound works").
      t.setPriority(Thread.MIN_PRIORITY);
      return t;
    };
  }

  @Override
  public Receive<HostMessage> createReceive() {
    return newReceiveBuilder()
        .onMessage(HostMessage.Batch.class, this::onBatch)
        .onMessage(HostMessage.Ack.class, this::onAck)
        .onMessage(HostMessage.Emit.class, this::onEmit)
        .onMessage(HostMessage.Print.class, this::onPrint)
        .onMessage(AppLinks.Tick.class, this::onTick)
        .onMessage(HostMessage.WorkStopped.class, this::onWorkStopped)
        .onMessage(HostMessage.WorkIdle.class, this::onWorkIdle)
        .onMessageEquals(WorkActors.Trim.INSTANCE, this::onTrim)
        .onMessage(AppLinks.FlowGone.class, this::onFlowGone)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<HostMessage> onAck(HostMessage.Ack ack) {
    links.onAck(ack);
    return this;
  }

  private Behavior<HostMessage> onTick(AppLinks.Tick tick) {
    switch (tick) {
      case FLUSH -> links.onFlush();
      case ACKS -> links.onAckTick();
      case RESENDS -> links.onResendTick();
      case ROOM -> links.onRoom();
    }
    return this;
  }

  private Behavior<HostMessage> onWorkIdle(HostMessage.WorkIdle idle) {
    workActors.idle(idle.ref(), links.get(idle.appId()) != null);
    return this;
  }

  private Behavior<HostMessage> onTrim() {
    workActors.onTrim();
    return this;
  }

  private Behavior<HostMessage> onBatch(HostMessage.Batch batch) {
    AppLinks.Link link = links.accept(batch);
    if (link == null) {
      return this;
    }
    List<HostMessage.Command> commands = batch.commands();
    for (int i = 0; i < commands.size(); i++) {
      HostMessage.Command command = commands.get(i);
      try {
        i = carryOut(batch.appId(), link, commands, i);
      } catch (RuntimeException | Error e) {
        // one command that cannot be carried out fails what it was for, not the host: every app
        // on this node depends on it
        refused(batch.appId(), command, e);
      }
    }
    return this;
  }

  /**
   * Carries out command {@code i} of a batch; returns the index of the last command it took (a
   * placement takes the run that follows it).
   */
  private int carryOut(
      String appId, AppLinks.Link link, List<HostMessage.Command> commands, int i) {
    HostMessage.Command command = commands.get(i);
    if (command instanceof HostMessage.Place place) {
      // the run that follows its placement (as the flow sends them) starts with the work's
      // actor: one message less per work
      HostMessage.RunWork first =
          i + 1 < commands.size()
                  && commands.get(i + 1) instanceof HostMessage.RunWork run
                  && run.work().equals(place.work())
              ? run
              : null;
      if (place(appId, link, place, first) && first != null) {
        return i + 1;
      }
    } else if (command instanceof HostMessage.RunWork run) {
      ActorRef<WorkMessage> work = link.works.get(run.work());
      if (work != null) {
        work.tell(new WorkMessage.Run(run.callId(), run.input(), run.inputClass()));
      } else {
        emit(
            appId,
            new FlowMessage.Failed(
                run.work(),
                run.callId(),
                new WorkFailure(
                    "placement_failed", null, "the work is not on node " + address, null),
                null));
      }
    } else if (command instanceof HostMessage.StopWork stop) {
      ActorRef<WorkMessage> work = link.works.get(stop.work());
      if (work != null) {
        work.tell(new WorkMessage.Stop(stop.reason(), stop.release()));
      } else if (stop.release()) {
        emit(appId, new FlowMessage.Released(stop.work()));
      }
    }
    return i;
  }

  /**
   * A command could not be carried out: the flow learns it as it would any refusal, so that what
   * the command was for ends (a placement fails its work's calls, a run fails, a release is done).
   */
  private void refused(String appId, HostMessage.Command command, Throwable e) {
    String why =
        "node " + address + " could not carry out the command: " + FailureDescription.summary(e);
    getContext().getLog().error("{}\n{}", why, FailureDescription.trace(e));
    if (command instanceof HostMessage.Place place) {
      refuse(appId, place, "work " + place.work() + " could not be placed: " + why);
    } else if (command instanceof HostMessage.RunWork run) {
      emit(
          appId,
          new FlowMessage.Failed(
              run.work(), run.callId(), new WorkFailure("internal_error", null, why, null), null));
    } else if (command instanceof HostMessage.StopWork stop && stop.release()) {
      emit(appId, new FlowMessage.Released(stop.work()));
    }
  }

  /**
   * Makes the work's actor, starting {@code firstRun} (if not null) as it starts; whether it did
   * (false: refused, and said so to the flow).
   */
  private boolean place(
      String appId, AppLinks.Link link, HostMessage.Place place, HostMessage.RunWork firstRun) {
    ActorRef<WorkMessage> work;
    try {
      work = workActors.make(appId, link.flow, place, firstRun);
    } catch (WorkActors.Refused e) {
      refuse(appId, place, e.getMessage());
      return false;
    }
    ActorRef<WorkMessage> previous = link.works.put(place.work(), work);
    if (previous != null) {
      // placed again on this node while still here (the flow took this node for gone): one
      // instance only, the new one
      getContext()
          .getLog()
          .warn(
              "Work [{}] of app [{}] placed here again: stopping the earlier instance",
              place.work(),
              appId);
      getContext().stop(previous);
    }
    // no event says so: the flow took the work as placed here when it sent the Place
    if (LOG.isDebugEnabled()) {
      LOG.debug("Work [{}] of app [{}] placed here as {}", place.work(), appId, work.path());
    }
    return true;
  }

  private void refuse(String appId, HostMessage.Place place, String message) {
    getContext().getLog().warn("Cannot host work [{}]: {}", place.work(), message);
    emit(
        appId,
        EventFit.fit(
            new FlowMessage.PlacementFailed(place.work(), address, message),
            settings.messageBudget()));
  }

  /** A work's printed lines: they go to the flow with the app's events, in order. */
  private Behavior<HostMessage> onPrint(HostMessage.Print print) {
    links.emit(print.appId(), print.output(), print.replyTo());
    return this;
  }

  private Behavior<HostMessage> onEmit(HostMessage.Emit emit) {
    if (emit.event() instanceof FlowMessage.Released released) {
      // the work's last event: its actor goes idle or stops after sending it
      AppLinks.Link link = links.get(emit.appId());
      if (link != null) {
        link.works.remove(released.work());
      }
    }
    emit(emit.appId(), emit.event());
    return this;
  }

  /**
   * A work actor stopped without being released. Unless the host stopped it (then it no longer
   * knows it under its work), its calls fail and the flow learns that the work is not here any
   * more: it places the work again at its next call.
   */
  private Behavior<HostMessage> onWorkStopped(HostMessage.WorkStopped stopped) {
    AppLinks.Link link = links.get(stopped.appId());
    if (link == null || !link.works.remove(stopped.work(), stopped.ref())) {
      return this;
    }
    String why =
        stopped.why() != null
            ? stopped.why()
            : "the actor of work "
                + stopped.work()
                + " on node "
                + address
                + " stopped unexpectedly";
    getContext()
        .getLog()
        .warn(
            "Work [{}] of app [{}] is gone from this node: {}",
            stopped.work(),
            stopped.appId(),
            why);
    WorkFailure failure = new WorkFailure("internal_error", null, why, null);
    for (long callId : stopped.calls()) {
      emit(
          stopped.appId(),
          EventFit.fit(
              new FlowMessage.Failed(stopped.work(), callId, failure, null),
              settings.messageBudget()));
    }
    emit(
        stopped.appId(),
        EventFit.fit(
            new FlowMessage.PlacementFailed(stopped.work(), address, why),
            settings.messageBudget()));
    return this;
  }

  /** Sends an event to the app's flow, batched with the others of the same mailbox. */
  private void emit(String appId, FlowMessage.Event event) {
    links.emit(appId, event, null);
  }

  private Behavior<HostMessage> onFlowGone(AppLinks.FlowGone gone) {
    AppLinks.Link link = links.close(gone.appId());
    if (link == null) {
      return this;
    }
    Collection<ActorRef<WorkMessage>> works = link.works.values();
    boolean nodeStopping =
        CoordinatedShutdown.get(Adapter.toClassic(getContext().getSystem()))
            .getShutdownReason()
            .isPresent();
    if (!works.isEmpty() && !nodeStopping) {
      getContext()
          .getLog()
          .warn(
              "The flow of app [{}] is gone: stopping its {} works on this node",
              gone.appId(),
              works.size());
    }
    for (ActorRef<WorkMessage> work : works) {
      getContext().stop(work);
    }
    return this;
  }

  private Behavior<HostMessage> onPostStop() {
    links.closeAll();
    calls.shutdownNow();
    return this;
  }
}
