package io.fulgur.internal.node;

import io.fulgur.CloudCompute;
import io.fulgur.Work;
import io.fulgur.WorkFailure;
import io.fulgur.WorkOptions;
import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.Settings;
import io.fulgur.internal.channel.AssociationWindows;
import io.fulgur.internal.channel.ChannelReceiver;
import io.fulgur.internal.channel.ChannelSender;
import io.fulgur.internal.channel.LossHook;
import io.fulgur.internal.protocol.EventFit;
import io.fulgur.internal.protocol.AppToken;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.WireSize;
import io.fulgur.internal.protocol.WorkMessage;
import io.fulgur.internal.work.NodeResources;
import io.fulgur.internal.work.OutputBudget;
import io.fulgur.internal.work.WorkActor;
import io.fulgur.internal.work.WorkInstantiator;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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
 * flows place on this node an actor (an idle one left by a released work, or a new one) and passes
 * them their runs and stops, batches their events back to each app's flow (one message for all
 * that accumulated while it was busy), owns the node's runner threads, and stops an app's works
 * when that app's flow is gone.
 */
public final class NodeHost extends AbstractBehavior<HostMessage> {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NodeHost.class);

  private record FlowGone(String appId) implements HostMessage.Internal {}

  private record FlushEvents(String appId) implements HostMessage.Internal {}

  private enum TrimIdle implements HostMessage.Internal {
    INSTANCE
  }

  private static final int GONE_APPS_KEPT = 1024;

  /** How long idle work actors stay unused before the host stops them. */
  static final java.time.Duration IDLE_TRIM_INTERVAL = java.time.Duration.ofMinutes(1);

  /** What a work's options are made of on a node: its compute name and its flags. */
  private record OptionsKey(String compute, int flags) {}

  /**
   * The host's timers of the channels (acks owed, messages to send again), and the wake-up when a
   * node's connection has room.
   */
  private enum ChannelTick implements HostMessage.Internal {
    ACKS,
    RESENDS,
    ROOM
  }

  /** Message {@code seq} to a flow carried lines of {@code works}. */
  private record Printing(long seq, List<ActorRef<WorkMessage>> works) {}

  /**
   * An app with works on this node: its flow, the channel both ways, and the events not sent yet.
   */
  private static final class AppLink {
    final ActorRef<FlowMessage> flow;
    /** The app's token, from the message that opened the link: every later one must carry it. */
    final AppToken token;
    /** The app's works on this node, by work name. */
    final Map<String, ActorRef<WorkMessage>> works = new HashMap<>();
    final ChannelReceiver commands = new ChannelReceiver();
    ChannelSender<List<FlowMessage.Event>> events;
    /** Messages sent with lines, and the works to tell once the flow printed them. */
    final java.util.ArrayDeque<Printing> printing = new java.util.ArrayDeque<>();
    List<FlowMessage.Event> pending = new ArrayList<>();
    /** The works whose output is in {@link #pending}: told once it is sent. */
    List<ActorRef<WorkMessage>> pendingPrinted = new ArrayList<>();
    /** At least the bytes of {@link #pending} in a message ({@link WireSize}). */
    long pendingBytes;
    boolean flushScheduled;

    AppLink(ActorRef<FlowMessage> flow, AppToken token) {
      this.flow = flow;
      this.token = token;
    }
  }

  private final Set<String> roles;
  private final boolean serveAllRoles;
  private final Settings settings;
  private final String address;
  /**
   * The threads of calls: as many short ones at once as there are cores, at most {@code
   * fulgur.node.max-call-threads} in all ({@link CallThreads}).
   */
  private final CallThreads calls;
  private final Map<String, AppLink> apps = new HashMap<>();
  /** Apps and senders whose commands were refused, the latest ones: each is logged once. */
  private final Set<String> refusedFrom = latest(GONE_APPS_KEPT);
  /** Apps whose flow is gone, the latest ones: a message of theirs still on its way is dropped. */
  private final Set<String> goneApps = latest(GONE_APPS_KEPT);
  /** Options are immutable values: works with the same ones share one instance. */
  private final Map<OptionsKey, WorkOptions> optionsInUse = new HashMap<>();
  /** Work actors made on this node so far: orders their names ({@link #childName}). */
  private long actorsMade;
  /** What every work actor made here is given. */
  private final NodeResources node;
  /** Actors of released works, for works placed later (the last one in first: its cache is warm). */
  private final java.util.ArrayDeque<ActorRef<WorkMessage>> idle = new java.util.ArrayDeque<>();
  /** Whether an idle actor was used since the last trim. */
  private boolean idleUsed;
  private boolean trimScheduled;
  private boolean ackTickScheduled;
  private boolean resendTickScheduled;

  /** A set that keeps the {@code n} latest strings added to it. */
  private static Set<String> latest(int n) {
    return java.util.Collections.newSetFromMap(
        new java.util.LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > n;
          }
        });
  }

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
    this.calls =
        new CallThreads(
            runnerThreads(), Runtime.getRuntime().availableProcessors(), settings.maxCallThreads());
    this.node =
        new NodeResources(
            context.getSelf(),
            calls,
            new OutputBudget(settings.outputMaxBufferedBytesPerNode()),
            settings,
            address);
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
      // Works yield the cores to the node's own threads (heartbeats, messages) where the JVM maps
      // Java priorities to the OS (docs/operations.md, "CPU-bound works").
      t.setPriority(Thread.MIN_PRIORITY);
      return t;
    };
  }

  /**
   * The name of the {@code n}th work actor made here: a key that sorts by {@code n}, the number's
   * length as a letter then its base-36 digits ({@code a0}, {@code az}, {@code b10}), so shorter
   * numbers sort first. No work name: an idle actor may serve another work later.
   *
   * <p>Pekko keeps a parent's children in a tree sorted by name: with names in the order the
   * actors are made, each new child goes to the same edge of the tree and finds the path there
   * already in the CPU's cache. Names that sort in no particular order (app id and work name, as
   * before) made every placement walk a cold path.
   */
  static String childName(long n) {
    String digits = Long.toString(n, 36);
    return (char) ('a' + digits.length() - 1) + digits;
  }

  @Override
  public Receive<HostMessage> createReceive() {
    return newReceiveBuilder()
        .onMessage(HostMessage.Batch.class, this::onBatch)
        .onMessage(HostMessage.Ack.class, this::onAck)
        .onMessage(HostMessage.Emit.class, this::onEmit)
        .onMessage(HostMessage.Print.class, this::onPrint)
        .onMessageEquals(ChannelTick.ACKS, this::onAckTick)
        .onMessageEquals(ChannelTick.RESENDS, this::onResendTick)
        .onMessageEquals(ChannelTick.ROOM, this::onRoom)
        .onMessage(HostMessage.WorkStopped.class, this::onWorkStopped)
        .onMessage(HostMessage.WorkIdle.class, this::onWorkIdle)
        .onMessageEquals(TrimIdle.INSTANCE, this::onTrimIdle)
        .onMessage(FlushEvents.class, this::onFlushEvents)
        .onMessage(FlowGone.class, this::onFlowGone)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<HostMessage> onBatch(HostMessage.Batch batch) {
    AppLink link = apps.get(batch.appId());
    if (link == null) {
      if (batch.seq() != 1 || goneApps.contains(batch.appId())) {
        // the rest of a stream whose flow is gone, or one whose first message was lost: then that
        // message comes again, and this one after it
        return this;
      }
      if (!batch.token().isOf(batch.appId())) {
        refused(batch.appId(), "commands from " + batch.flow().path().address());
        return this; // not the app's token: only the app's flow can open its channel
      }
      link = openLink(batch.appId(), batch.flow(), batch.token());
    } else if (!link.token.matches(batch.token()) || !link.flow.equals(batch.flow())) {
      refused(batch.appId(), "commands from " + batch.flow().path().address());
      return this;
    }
    long now = System.nanoTime();
    acked(link, batch.ack(), now);
    if (link.events.hasUnacked()) {
      resendLater(); // the ack may have let waiting messages go
    }
    boolean next = link.commands.accept(batch.seq());
    owesAck();
    if (!next) {
      return this; // a duplicate, or a message after a gap: dropped, and the flow hears how far we are
    }
    link.commands.handled(batch.seq());
    if (link.commands.ackUrgent(settings.channel().sendersWindow())) {
      link.flow.tell(new FlowMessage.Ack(getContext().getSelf(), link.token, link.commands.ack()));
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
  private int carryOut(String appId, AppLink link, List<HostMessage.Command> commands, int i) {
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
      String appId, AppLink link, HostMessage.Place place, HostMessage.RunWork firstRun) {
    if (!serveAllRoles && !roles.contains(place.compute())) {
      refuse(appId, place, "node " + address + " has roles " + roles + ", not '" + place.compute() + "'");
      return false;
    }
    // Only the class is loaded here (not initialised): the instance is made by the work's first
    // call on its runner thread, so that no constructor of the user's runs on this dispatcher.
    Class<? extends Work<?>> cls;
    try {
      cls = WorkInstantiator.load(place.workClass());
    } catch (ClassNotFoundException e) {
      refuse(
          appId,
          place,
          "class "
              + place.workClass()
              + " is not on the classpath of node "
              + address
              + " (worker nodes need the app's classes)");
      return false;
    } catch (RuntimeException | LinkageError e) {
      refuse(
          appId,
          place,
          "class " + place.workClass() + " cannot be used: " + FailureDescription.summary(e));
      return false;
    }
    WorkOptions options =
        optionsInUse.computeIfAbsent(
            new OptionsKey(
                place.compute(),
                (place.parallel() ? 1 : 0)
                    | (place.cacheCalls() ? 2 : 0)
                    | (place.raiseException() ? 4 : 0)),
            k ->
                WorkOptions.defaults()
                    .withCompute(new CloudCompute(place.compute()))
                    .withParallel(place.parallel())
                    .withCacheCalls(place.cacheCalls())
                    .withRaiseException(place.raiseException()));
    WorkMessage.Run first =
        firstRun == null
            ? null
            : new WorkMessage.Run(firstRun.callId(), firstRun.input(), firstRun.inputClass());
    ActorRef<WorkMessage> work = idle.pollLast();
    if (work != null) {
      // an actor of an ended work: no actor to make (half of a worker's CPU per work otherwise)
      idleUsed = true;
      work.tell(
          new WorkMessage.Bind(
              appId, place.work(), cls, options, place.instance(), link.flow, first));
    } else {
      work =
          getContext()
              .spawn(
                  WorkActor.create(
                      appId, place.work(), cls, options, place.instance(), link.flow, node, first),
                  childName(actorsMade++),
                  NodeSystem.WORK_DISPATCHER);
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

  /**
   * A message for an app without its token, or from another flow than the app's: dropped (a member
   * that is not the app's flow commands none of its works), and logged once per sending node.
   */
  private void refused(String appId, String what) {
    if (refusedFrom.add(what)) {
      getContext()
          .getLog()
          .warn(
              "Dropping {} for app [{}]: not from the app's flow, or without its token (more"
                  + " of the same are dropped without a word)",
              what,
              appId);
    }
  }

  private AppLink openLink(String appId, ActorRef<FlowMessage> flow, AppToken token) {
    AppLink link = new AppLink(flow, token);
    Settings.Channel channel = settings.channel();
    ActorRef<HostMessage> self = getContext().getSelf();
    link.events =
        new ChannelSender<>(
            channel.window(),
            channel.resendAfter(),
            channel.maxResendAfter(),
            LossHook.oneIn(channel.testDropOneIn()),
            AssociationWindows.get(getContext().getSystem()).to(flow),
            () -> self.tell(ChannelTick.ROOM),
            (seq, events, resend) ->
                flow.tell(
                    new FlowMessage.Batch(self, link.token, seq, link.commands.ack(), events)));
    apps.put(appId, link);
    getContext().watchWith(flow, new FlowGone(appId));
    return link;
  }

  private Behavior<HostMessage> onAck(HostMessage.Ack ack) {
    AppLink link = apps.get(ack.appId());
    if (link != null && !link.token.matches(ack.token())) {
      // a forged ack would make the host forget events the flow never had
      refused(ack.appId(), "an ack");
    } else if (link != null) {
      acked(link, ack.ack(), System.nanoTime());
      if (link.events.hasUnacked()) {
        resendLater();
      }
    }
    return this;
  }

  /**
   * The flow handled this host's messages up to {@code seq}, and printed their lines: the works
   * that printed them may go on printing.
   */
  private static void acked(AppLink link, long seq, long now) {
    link.events.acked(seq, now);
    while (!link.printing.isEmpty() && link.printing.peek().seq() <= seq) {
      for (ActorRef<WorkMessage> work : link.printing.poll().works()) {
        work.tell(WorkMessage.OutputPrinted.INSTANCE);
      }
    }
  }

  /** An ack is owed to some flow: it goes alone unless a message to that flow carries it first. */
  private void owesAck() {
    if (!ackTickScheduled) {
      ackTickScheduled = true;
      getContext()
          .scheduleOnce(settings.channel().ackDelay(), getContext().getSelf(), ChannelTick.ACKS);
    }
  }

  private Behavior<HostMessage> onAckTick() {
    ackTickScheduled = false;
    for (Map.Entry<String, AppLink> app : apps.entrySet()) {
      AppLink link = app.getValue();
      if (link.commands.ackOwed()) {
        link.flow.tell(new FlowMessage.Ack(getContext().getSelf(), link.token, link.commands.ack()));
      }
    }
    return this;
  }

  private void resendLater() {
    if (!resendTickScheduled) {
      resendTickScheduled = true;
      getContext()
          .scheduleOnce(
              settings.channel().resendAfter().dividedBy(2),
              getContext().getSelf(),
              ChannelTick.RESENDS);
    }
  }

  private Behavior<HostMessage> onResendTick() {
    resendTickScheduled = false;
    long now = System.nanoTime();
    boolean unacked = false;
    for (Map.Entry<String, AppLink> app : apps.entrySet()) {
      AppLink link = app.getValue();
      int resent = link.events.resendIfDue(now);
      if (resent > 0) {
        getContext()
            .getLog()
            .debug(
                "Sent {} unacknowledged message(s) again to the flow of app [{}]",
                resent,
                app.getKey());
      }
      unacked |= link.events.hasUnacked();
    }
    if (unacked) {
      resendLater();
    }
    return this;
  }

  /** A node's connection has room again: events waiting for it go. */
  private Behavior<HostMessage> onRoom() {
    long now = System.nanoTime();
    for (AppLink link : apps.values()) {
      link.events.sendWaiting(now);
      if (link.events.hasUnacked()) {
        resendLater();
      }
    }
    return this;
  }

  /** A work's printed lines: they go to the flow with the app's events, in order. */
  private Behavior<HostMessage> onPrint(HostMessage.Print print) {
    emit(print.appId(), print.output(), print.replyTo());
    return this;
  }

  private Behavior<HostMessage> onEmit(HostMessage.Emit emit) {
    if (emit.event() instanceof FlowMessage.Released released) {
      // the work's last event: its actor goes idle or stops after sending it
      AppLink link = apps.get(emit.appId());
      if (link != null) {
        link.works.remove(released.work());
      }
    }
    emit(emit.appId(), emit.event());
    return this;
  }

  /**
   * A work actor whose work was released: kept for a later placement while its app is still here
   * and fewer than {@code fulgur.node.idle-work-actors} are kept, stopped otherwise.
   */
  private Behavior<HostMessage> onWorkIdle(HostMessage.WorkIdle idleWork) {
    if (!getContext().getSelf().path().equals(idleWork.ref().path().parent())) {
      // only a work actor this host made goes to its pool: another would be handed works
      getContext()
          .getLog()
          .warn("Ignoring an idle notice for {}: not a work actor of this host", idleWork.ref());
      return this;
    }
    // the app gone: the host may have stopped the actor, or never will (it forgot the work)
    if (apps.containsKey(idleWork.appId()) && idle.size() < settings.idleWorkActors()) {
      idle.addLast(idleWork.ref());
      if (!trimScheduled) {
        trimScheduled = true;
        idleUsed = false;
        getContext().scheduleOnce(IDLE_TRIM_INTERVAL, getContext().getSelf(), TrimIdle.INSTANCE);
      }
    } else {
      getContext().stop(idleWork.ref());
    }
    return this;
  }

  /** Stops the idle actors if none was used since the last look, a minute ago. */
  private Behavior<HostMessage> onTrimIdle() {
    if (!idleUsed) {
      getContext()
          .getLog()
          .debug("Stopping {} idle work actors unused for {}", idle.size(), IDLE_TRIM_INTERVAL);
      for (ActorRef<WorkMessage> ref : idle) {
        getContext().stop(ref);
      }
      idle.clear();
    }
    idleUsed = false;
    trimScheduled = !idle.isEmpty();
    if (trimScheduled) {
      getContext().scheduleOnce(IDLE_TRIM_INTERVAL, getContext().getSelf(), TrimIdle.INSTANCE);
    }
    return this;
  }

  /**
   * A work actor stopped without being released. Unless the host stopped it (then it no longer
   * knows it under its work), its calls fail and the flow learns that the work is not here any
   * more: it places the work again at its next call.
   */
  private Behavior<HostMessage> onWorkStopped(HostMessage.WorkStopped stopped) {
    AppLink link = apps.get(stopped.appId());
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

  /**
   * Sends an event to the app's flow: the first since the last flush at once, the ones after it
   * in one batch at the flush, a message to self that comes after every event already in the
   * mailbox.
   */
  private void emit(String appId, FlowMessage.Event event) {
    emit(appId, event, null);
  }

  /**
   * Sends an event, as {@link #emit(String, FlowMessage.Event)}; {@code printedBy}, if not null,
   * is told once the flow printed the lines the event carries.
   */
  private void emit(String appId, FlowMessage.Event event, ActorRef<WorkMessage> printedBy) {
    AppLink link = apps.get(appId);
    if (link == null) {
      return; // the app's flow is gone (its works are being stopped)
    }
    // a batch stays within one message between nodes: cut it before it would outgrow one
    long size = WireSize.of(event);
    if (!link.pending.isEmpty() && link.pendingBytes + size > settings.messageBudget()) {
      sendPending(link);
    }
    if (printedBy != null) {
      link.pendingPrinted.add(printedBy);
    }
    link.pending.add(event);
    link.pendingBytes += size;
    if (!link.flushScheduled) {
      // the first event since the last flush goes at once; those after it wait for the flush
      sendPending(link);
      link.flushScheduled = true;
      getContext().getSelf().tell(new FlushEvents(appId));
    } else if (link.pending.size() >= HostMessage.MAX_BATCH) {
      sendPending(link);
    }
  }

  private Behavior<HostMessage> onFlushEvents(FlushEvents flush) {
    AppLink link = apps.get(flush.appId());
    if (link != null) {
      link.flushScheduled = false;
      sendPending(link);
    }
    return this;
  }

  private void sendPending(AppLink link) {
    List<FlowMessage.Event> events = link.pending;
    if (!events.isEmpty()) {
      List<ActorRef<WorkMessage>> printedBy = link.pendingPrinted;
      link.pending = new ArrayList<>();
      link.pendingBytes = 0;
      long seq = link.events.offer(events, System.nanoTime());
      if (!printedBy.isEmpty()) {
        link.printing.add(new Printing(seq, printedBy));
        link.pendingPrinted = new ArrayList<>();
      }
      if (link.events.hasUnacked()) {
        resendLater();
      }
    }
  }

  private Behavior<HostMessage> onFlowGone(FlowGone gone) {
    goneApps.add(gone.appId());
    AppLink link = apps.remove(gone.appId());
    if (link == null) {
      return this;
    }
    link.events.close();
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
    for (AppLink link : apps.values()) {
      link.events.close();
    }
    calls.shutdownNow();
    return this;
  }
}
