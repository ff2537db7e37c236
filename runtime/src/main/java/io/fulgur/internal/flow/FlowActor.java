package io.fulgur.internal.flow;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulgur.Flow;
import io.fulgur.Work;
import io.fulgur.WorkFailure;
import io.fulgur.WorkStatus;
import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.FlowBinding;
import io.fulgur.internal.FlowCore;
import io.fulgur.internal.Internals;
import io.fulgur.internal.Settings;
import io.fulgur.internal.WorkBinding;
import io.fulgur.internal.WorkCore;
import io.fulgur.internal.channel.AssociationWindows;
import io.fulgur.internal.node.HostKeys;
import io.fulgur.internal.node.NodeSystem;
import io.fulgur.internal.protocol.AppToken;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.InputTypes;
import io.fulgur.internal.protocol.InstanceCodec;
import io.fulgur.internal.protocol.Json;
import io.fulgur.internal.protocol.StateCodec;
import io.fulgur.internal.protocol.WireSize;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

/**
 * The flow actor of one app: runs the root flow's passes (on its own dispatcher, since {@code
 * Flow.run} is user code), keeps the flow's view of every work's calls, places works on hosts by
 * role, and ends the app.
 *
 * <p>A pass runs when something the flow can observe changed; changes that arrive during a pass
 * are queued in the mailbox ahead of the one {@code RunPass} they schedule, so they coalesce into
 * one next pass.
 */
public final class FlowActor extends AbstractBehavior<FlowMessage>
    implements WorkBinding, FlowBinding, Components.Listener {

  /** The context's logger's name: asked whether DEBUG is on before that logger is. */
  private static final org.slf4j.Logger DEBUG_LOG =
      org.slf4j.LoggerFactory.getLogger(FlowActor.class);

  private enum RunPass implements FlowMessage.Internal {
    INSTANCE
  }

  private enum MemberUp implements FlowMessage.Internal {
    INSTANCE
  }

  private enum StopTimeout implements FlowMessage.Internal {
    INSTANCE
  }

  private record HostsChanged(Receptionist.Listing listing) implements FlowMessage.Internal {}

  private record WarnNoNode(String work) implements FlowMessage.Internal {}

  private record ListingSettled(String work) implements FlowMessage.Internal {}

  private record PlacementTimeout(String work) implements FlowMessage.Internal {}

  private record HostTerminated(ActorRef<HostMessage> host) implements FlowMessage.Internal {}

  private enum FlushOut implements FlowMessage.Internal {
    INSTANCE
  }

  /** This node's cluster address, the node address of works placed on its own host. */
  private final String selfAddress;

  /** The app's secret: every message of its channels carries it. */
  private final AppToken token = AppToken.random();

  /** Names the app to the hosts of its works (and in logs); bound to the token. */
  private final String appId = token.appId();
  private final Flow root;
  private final Settings settings;
  private final ActorRef<HostMessage> localHost;
  private final CompletableFuture<Outcome> outcome;
  private final TimerScheduler<FlowMessage> timers;
  private final OutputGate output;
  private final OutputGate.Sink events;
  private final HostChannels channels;
  private final ActorRef<Receptionist.Listing> listingAdapter;
  private final Components components;
  private final Map<String, WorkEntry> entries = new LinkedHashMap<>();
  private final Map<String, Set<ActorRef<HostMessage>>> hostsByRole = new HashMap<>();
  private final Set<String> subscribedRoles = new HashSet<>();
  private final Map<ActorRef<HostMessage>, Integer> placedPerHost = new HashMap<>();
  private final Set<String> awaitingRelease = new HashSet<>();
  /** Hosts whose node was lost: later placements avoid them (a restarted node has a new host). */
  private final Set<ActorRef<HostMessage>> lostHosts = new HashSet<>();
  /**
   * The hosts a work of a role may go to, ordered by path (ties go to the first), made at the
   * role's first placement after a change of hosts.
   */
  private final Map<String, List<ActorRef<HostMessage>>> candidatesByRole = new HashMap<>();
  /** Whether a role's Receptionist listing was behind the membership, read once per pass. */
  private final Map<String, Boolean> listingBehindInPass = new HashMap<>();
  /** Hosts this app placed works on: watched, so that a lost node is seen once for all works. */
  private final Set<ActorRef<HostMessage>> watchedHosts = new HashSet<>();
  /** Commands for each host, sent as one batch per host when the flow has handled its mailbox. */
  private final Map<ActorRef<HostMessage>, List<HostMessage.Command>> outbox = new LinkedHashMap<>();
  private boolean flushScheduled;

  private boolean up;
  private boolean passScheduled;
  private boolean inPass;
  private Thread passThread;
  private static final int PLACEMENTS_LOGGED_AT_INFO = 20;

  private long nextCallId;
  /** Placements logged at INFO so far: the first ones help, ten thousand would drown the log. */
  private int placementsLogged;
  private long passes;
  private Outcome endRequest;
  private boolean ending;
  private boolean finished;
  private Outcome finalOutcome;

  /**
   * The flow actor of an app. It is never restarted: a restart would run the app again from the
   * top with no record of the calls already sent. An exception in one of its handlers fails the
   * app with reason {@code internal_error} ({@link #onHandlerFailed}); if it stops for any other
   * reason before the app ended, {@code outcome} is completed as failed all the same.
   *
   * @param root the root flow
   * @param localHost this node's host, or null if the flow's node hosts no works
   * @param settings the node's settings
   * @param outcome completed when the app has ended and its works were released
   */
  public static Behavior<FlowMessage> create(
      Flow root,
      ActorRef<HostMessage> localHost,
      Settings settings,
      CompletableFuture<Outcome> outcome) {
    Behavior<FlowMessage> flow =
        Behaviors.setup(
            ctx ->
                Behaviors.withTimers(
                    timers -> {
                      try {
                        return new FlowActor(ctx, timers, root, localHost, settings, outcome);
                      } catch (Throwable t) {
                        outcome.complete(
                            Outcome.internalError(
                                "the flow actor could not start: " + FailureDescription.summary(t),
                                t));
                        return Behaviors.stopped();
                      }
                    }));
    return Behaviors.supervise(flow).onFailure(SupervisorStrategy.stop());
  }

  /**
   * The actor system of the app whose pass runs on the calling thread (from a flow's {@code
   * run()}), or null elsewhere: lets tests and diagnostics reach an app's node.
   */
  public static org.apache.pekko.actor.typed.ActorSystem<?> currentSystem() {
    return WorkCore.CURRENT_PASS.get() instanceof FlowActor flow
        ? flow.getContext().getSystem()
        : null;
  }

  private FlowActor(
      ActorContext<FlowMessage> context,
      TimerScheduler<FlowMessage> timers,
      Flow root,
      ActorRef<HostMessage> localHost,
      Settings settings,
      CompletableFuture<Outcome> outcome) {
    super(context);
    this.timers = timers;
    this.root = root;
    this.localHost = localHost;
    this.settings = settings;
    this.outcome = outcome;
    this.channels =
        new HostChannels(
            appId,
            token,
            context.getSelf(),
            settings,
            timers,
            AssociationWindows.get(context.getSystem()));
    this.output =
        new OutputGate(
            context.spawn(OutputPrinter.create(), "output", NodeSystem.OUTPUT_DISPATCHER),
            context.getSelf());
    this.events =
        new OutputGate.Sink() {
          @Override
          public void event(FlowMessage.Event event) {
            onEvent(event);
          }

          @Override
          public void handled(ActorRef<HostMessage> host, long seq, boolean printed) {
            channels.handled(host, seq, printed);
          }
        };
    this.listingAdapter = context.messageAdapter(Receptionist.Listing.class, HostsChanged::new);
    this.components = new Components(this, context.getLog());
    subscribe(HostKeys.ANY_ROLE);
    ActorRef<FlowMessage> self = context.getSelf();
    Cluster cluster = Cluster.get(Adapter.toClassic(context.getSystem()));
    this.selfAddress = cluster.selfAddress().toString();
    cluster.registerOnMemberUp(() -> self.tell(MemberUp.INSTANCE));
  }

  /**
   * An event the flow makes itself, handled after the current pass as one from a host: events
   * alone never cross nodes (only hosts' batches, which carry the app's token, do).
   */
  private record OwnEvent(FlowMessage.Event event) implements FlowMessage.Internal {}

  @Override
  public Receive<FlowMessage> createReceive() {
    // an exception in any handler ends the app: none may leave App.run() waiting
    return new GuardedReceive<>(
        newReceiveBuilder()
            .onMessageEquals(MemberUp.INSTANCE, this::onMemberUp)
            .onMessageEquals(RunPass.INSTANCE, this::onRunPass)
            .onMessage(HostsChanged.class, this::onHostsChanged)
            .onMessageEquals(FlushOut.INSTANCE, this::onFlushOut)
            .onMessage(FlowMessage.Batch.class, this::onBatch)
            .onMessage(FlowMessage.Ack.class, this::onAck)
            .onMessage(OutputPrinter.Printed.class, this::onPrinted)
            .onMessageEquals(HostChannels.Tick.ACKS, this::onAckTick)
            .onMessageEquals(HostChannels.Tick.RESENDS, this::onResendTick)
            .onMessageEquals(HostChannels.Tick.ROOM, this::onRoom)
            .onMessage(OwnEvent.class, own -> onEvent(own.event()))
            .onMessage(HostTerminated.class, this::onHostTerminated)
            .onMessage(WarnNoNode.class, this::onWarnNoNode)
            .onMessage(ListingSettled.class, this::onListingSettled)
            .onMessage(PlacementTimeout.class, this::onPlacementTimeout)
            .onMessageEquals(StopTimeout.INSTANCE, this::onStopTimeout)
            .onSignal(PostStop.class, signal -> onPostStop())
            .build(),
        this::onHandlerFailed);
  }

  // ---- passes

  private Behavior<FlowMessage> onMemberUp() {
    up = true;
    if (!scan(true)) {
      return next();
    }
    getContext()
        .getLog()
        .info(
            "App [{}] started: {} works, flow on node [{}]",
            appId,
            entries.size(),
            Cluster.get(Adapter.toClassic(getContext().getSystem())).selfAddress());
    requestPass();
    return this;
  }

  private void requestPass() {
    if (up && !passScheduled && !ending) {
      passScheduled = true;
      getContext().getSelf().tell(RunPass.INSTANCE);
    }
  }

  private Behavior<FlowMessage> onRunPass() {
    passScheduled = false;
    if (ending) {
      return next();
    }
    passes++;
    listingBehindInPass.clear();
    inPass = true;
    passThread = Thread.currentThread();
    WorkCore.CURRENT_PASS.set(this);
    try {
      root.run();
    } catch (PassInterrupt interrupt) {
      // a sequential call holds the pass, or the app is ending (endRequest says which)
    } catch (Throwable t) {
      endRequest =
          Outcome.failed(
              "The flow's run() threw "
                  + FailureDescription.className(t)
                  + ": "
                  + FailureDescription.message(t),
              t);
    } finally {
      WorkCore.CURRENT_PASS.remove();
      inPass = false;
      passThread = null;
    }
    if (endRequest != null) {
      beginEnd(endRequest);
      return next();
    }
    if (scan(false) && newComponents > 0) {
      requestPass();
    }
    return next();
  }

  /** Components found by the latest {@link #scan}. */
  private int newComponents;

  /**
   * Finds components added since the last scan (all of them with {@code all}); a component held
   * where it cannot be part of the app, or a work that cannot be copied to a node, ends the app at
   * once. Returns false then (outside a pass; inside one it ends the pass).
   */
  private boolean scan(boolean all) {
    try {
      newComponents = all ? components.scanAll(root) : components.scan(root);
      return true;
    } catch (Components.MisplacedComponent | InstanceCodec.InstanceException e) {
      return scanFailed(Outcome.failed(e.getMessage(), e));
    } catch (RuntimeException e) {
      // a user collection's iterator threw while the flow's fields were walked
      return scanFailed(
          Outcome.failed(
              "Walking the flow's fields for works and flows failed: "
                  + FailureDescription.summary(e),
              e));
    }
  }

  private boolean scanFailed(Outcome o) {
    if (inPass) {
      throw endInPass(o);
    }
    beginEnd(o);
    return false;
  }

  private Behavior<FlowMessage> next() {
    return finished ? Behaviors.stopped() : this;
  }

  private void checkInPass(String what, String name) {
    if (!inPass || Thread.currentThread() != passThread) {
      throw new IllegalStateException(
          what
              + (name == null ? "" : " of " + name)
              + " must be called from a Flow's run(), during a pass of its app");
    }
  }

  /** Ends the pass and the app with this outcome (inside a pass). */
  private PassInterrupt endInPass(Outcome o) {
    if (endRequest == null) {
      endRequest = o;
    }
    return PassInterrupt.END;
  }

  // ---- components

  @Override
  public void flowFound(Flow flow, String name) {
    Internals.core(flow).bind(name, this);
  }

  @Override
  public void workFound(Work<?> work, String name) {
    InstanceCodec.check(work, name);
    WorkCore core = Internals.core(work);
    WorkEntry entry = new WorkEntry(name, work, core);
    core.bind(name, this, entry);
    entries.put(name, entry);
    subscribe(entry.role);
    if (DEBUG_LOG.isDebugEnabled()) {
      getContext().getLog().debug("Work [{}] joined the app (role [{}])", name, entry.role);
    }
  }

  @Override
  public boolean workNamed(String name) {
    return entries.containsKey(name);
  }

  private void subscribe(String role) {
    if (subscribedRoles.add(role)) {
      getContext()
          .getSystem()
          .receptionist()
          .tell(Receptionist.subscribe(HostKeys.forRole(role), listingAdapter));
    }
  }

  // ---- calls from user code (on the pass thread)

  @Override
  public void run(WorkCore core, Object input) {
    checkInPass("run()", core.name());
    if (core.name() == null) {
      scan(true);
    }
    // entries are never removed: the record a work was bound to this app with is its entry
    WorkEntry entry =
        core.binding() == this && core.record() instanceof WorkEntry e
            ? e
            : core.name() == null ? null : entries.get(core.name());
    if (entry == null || entry.core != core) {
      throw new IllegalStateException(
          "This work is not part of the app: hold it in a field, List or Map<String, ...> of a"
              + " Flow reachable from the root before calling run()");
    }
    String key = Json.simpleKey(input);
    JsonNode tree = null;
    String inputClass = null;
    if (key == null) {
      tree = inputTree(entry, input);
      key = Json.text(tree);
      inputClass = InputTypes.wireClass(entry.work.getClass(), input);
      if (inputClass != null) {
        // two classes may share a JSON form: a generic work's call is also keyed by its class
        key = inputClass + key;
      }
    }
    WorkEntry.Call call = entry.call(key);
    if (call == null
        || (!entry.options.cacheCalls() && call.status == WorkStatus.SUCCEEDED)) {
      call =
          send(
              entry,
              key,
              tree != null ? tree : inputTree(entry, input),
              inputClass);
    }
    if (entry.options.parallel()) {
      return;
    }
    switch (call.status) {
      case SUCCEEDED, FAILED, STOPPED -> {
        // done, or failed without raising: the pass goes on
      }
      default -> throw PassInterrupt.AWAIT;
    }
  }

  private JsonNode inputTree(WorkEntry entry, Object input) {
    try {
      return Json.tree(input);
    } catch (Json.NotSerializableException e) {
      throw endInPass(
          Outcome.failed(
              "Input of work "
                  + entry.name
                  + " is not JSON-serialisable (type "
                  + input.getClass().getName()
                  + "): "
                  + FailureDescription.message(e),
              e));
    }
  }

  private WorkEntry.Call send(WorkEntry entry, String key, JsonNode input, String inputClass) {
    WorkEntry.Call call = new WorkEntry.Call(++nextCallId, key, input, inputClass);
    entry.add(call);
    entry.latest = call;
    entry.core.status(WorkStatus.PENDING, entry.placed ? "queued" : "placing", null);
    if (entry.host != null) {
      sendRun(entry.host, entry, call);
    } else {
      entry.queueUnsent(call);
      place(entry);
    }
    return call;
  }

  @Override
  public void stop(WorkCore core) {
    checkInPass("stop()", core.name());
    WorkEntry entry = entries.get(core.name());
    if (entry == null) {
      return;
    }
    for (WorkEntry.Call call : entry.activeCalls()) {
      entry.finish(call, WorkStatus.STOPPED, "stopped_by_flow", null);
    }
    entry.drainUnsent();
    if (entry.host != null) {
      send(entry.host, new HostMessage.StopWork(entry.name, "stopped_by_flow", false));
    }
  }

  @Override
  public void end(FlowCore flow, boolean failed, String reason) {
    checkInPass(failed ? "fail()" : "stop()", flow.name());
    String message =
        failed
            ? "Flow " + flow.name() + " failed the app" + (reason == null ? "" : ": " + reason)
            : reason;
    throw endInPass(failed ? Outcome.failed(message) : Outcome.stopped(message));
  }

  // ---- placement

  private void place(WorkEntry entry) {
    if (!entry.listingSettled && listingBehindMembership(entry.role)) {
      // The Receptionist has not shown every host of the role yet: wait a little, so that works
      // spread over all the role's nodes instead of piling onto the first one seen.
      if (entry.listingTimer) {
        return;
      }
      entry.listingTimer = true;
      timers.startSingleTimer(
          new ListingSettled(entry.name), new ListingSettled(entry.name), settings.listingSettle());
      return;
    }
    ActorRef<HostMessage> host = chooseHost(entry.role);
    if (host == null) {
      if (entry.latest != null
          && entry.latest.status == WorkStatus.PENDING
          && !"no_node_with_role".equals(entry.core.reason())) {
        entry.progress(entry.latest, WorkStatus.PENDING, "no_node_with_role");
      }
      if (!entry.waitingForNode) {
        entry.waitingForNode = true;
        timers.startSingleTimer(
            new WarnNoNode(entry.name), new WarnNoNode(entry.name), settings.placementWarnAfter());
        timers.startSingleTimer(
            new PlacementTimeout(entry.name),
            new PlacementTimeout(entry.name),
            settings.placementTimeout());
      }
      return;
    }
    JsonNode instance;
    try {
      // a work without fields sends none (no empty object to serialise per placement)
      instance =
          InstanceCodec.hasFields(entry.work)
              ? InstanceCodec.snapshot(entry.work, entry.name, settings.maxInstanceSize())
              : null;
    } catch (InstanceCodec.InstanceException e) {
      refusePlacement(entry, e.getMessage());
      return;
    }
    entry.listingSettled = true;
    if (entry.listingTimer) {
      entry.listingTimer = false;
      timers.cancel(new ListingSettled(entry.name));
    }
    entry.host = host;
    placedPerHost.merge(host, 1, Integer::sum);
    if (watchedHosts.add(host)) {
      getContext().watchWith(host, new HostTerminated(host));
    }
    send(
        host,
        new HostMessage.Place(
            entry.name,
            entry.work.getClass().getName(),
            entry.role,
            entry.options.parallel(),
            entry.options.cacheCalls(),
            entry.options.raiseException(),
            instance));
    placed(entry, host);
    // the host creates the work before it reads the runs that follow in the same batch
    for (WorkEntry.Call call : entry.drainUnsent()) {
      sendRun(host, entry, call);
    }
  }

  /**
   * The work's instance cannot be copied to a node: its calls fail at placement with reason {@code
   * instance_error}, and the app with them if the work raises.
   */
  private void refusePlacement(WorkEntry entry, String message) {
    WorkFailure failure = new WorkFailure("instance_error", null, message, null);
    getContext().getLog().error("Work [{}] cannot be placed: {}", entry.name, message);
    if (entry.waitingForNode) {
      entry.waitingForNode = false;
      timers.cancel(new WarnNoNode(entry.name));
      timers.cancel(new PlacementTimeout(entry.name));
    }
    for (WorkEntry.Call call : entry.drainUnsent()) {
      entry.finish(call, WorkStatus.FAILED, "instance_error", failure);
    }
    if (inPass && entry.options.raiseException()) {
      throw endInPass(
          Outcome.workFailed(
              "Work " + entry.name + " failed: " + failure.describe(), entry.name, failure));
    }
    workFailed(entry, failure);
  }

  /**
   * The work is placed on {@code host} as soon as its {@code Place} is sent: the host makes the
   * work's actor before it reads anything after it, and a refusal comes back as {@code
   * PlacementFailed}. (A {@code Placed} event per work, as before, was half the events of a fan-out,
   * for nothing the flow did not know.)
   */
  private void placed(WorkEntry entry, ActorRef<HostMessage> host) {
    String node = nodeAddress(host);
    entry.placed = true;
    entry.core.nodeAddress(node);
    if (entry.waitingForNode) {
      // the timers run only while a work waits for a node of its role
      entry.waitingForNode = false;
      timers.cancel(new WarnNoNode(entry.name));
      timers.cancel(new PlacementTimeout(entry.name));
    }
    if (placementsLogged < PLACEMENTS_LOGGED_AT_INFO) {
      placementsLogged++;
      getContext().getLog().info("Work [{}] placed on node [{}]", entry.name, node);
      if (placementsLogged == PLACEMENTS_LOGGED_AT_INFO) {
        getContext()
            .getLog()
            .info(
                "{} works placed: further placements of this app are logged at DEBUG",
                PLACEMENTS_LOGGED_AT_INFO);
      }
    } else if (DEBUG_LOG.isDebugEnabled()) {
      // guarded: the context's logger sets the MDC each time it is asked for
      getContext().getLog().debug("Work [{}] placed on node [{}]", entry.name, node);
    }
  }

  /** The cluster address of {@code host}'s node (this node's own for a host in this system). */
  private String nodeAddress(ActorRef<HostMessage> host) {
    Address address = host.path().address();
    return address.hasGlobalScope() ? address.toString() : selfAddress;
  }

  /** Whether commands for this host cross the network (Artery's frame size applies). */
  private static boolean remote(ActorRef<?> host) {
    return host.path().address().hasGlobalScope();
  }

  /**
   * Sends a call to the work's host, or fails it when its input is too large for any message
   * between nodes (Artery would drop the message and the call would wait forever).
   */
  private void sendRun(ActorRef<HostMessage> host, WorkEntry entry, WorkEntry.Call call) {
    if (remote(host)) {
      long size = WireSize.of(call.input);
      if (size > settings.maxValueSize()) {
        WorkFailure failure =
            new WorkFailure(
                "input_too_large",
                null,
                String.format(
                    java.util.Locale.ROOT,
                    "the input of work %s is at least %,d bytes; %s",
                    entry.name,
                    size,
                    WireSize.valueLimitText(settings.maxValueSize())),
                null);
        // handled like a failure reported by the host, after this pass
        getContext()
            .getSelf()
            .tell(new OwnEvent(new FlowMessage.Failed(entry.name, call.id, failure, null)));
        return;
      }
    }
    send(host, new HostMessage.RunWork(entry.name, call.id, call.input, call.inputClass));
  }

  /**
   * Sends a command to a host. The first command since the last flush goes at once (a lone call
   * waits for nothing); the ones after it are batched until the flush, a message to self that
   * comes after everything already in the mailbox.
   */
  private void send(ActorRef<HostMessage> host, HostMessage.Command command) {
    List<HostMessage.Command> queued = outbox.get(host);
    if (queued == null) {
      outbox.put(host, new ArrayList<>());
      channels.send(host, List.of(command), true);
    } else {
      queued.add(command);
    }
    if (!flushScheduled) {
      flushScheduled = true;
      getContext().getSelf().tell(FlushOut.INSTANCE);
    }
  }

  private Behavior<FlowMessage> onFlushOut() {
    flushOut();
    return next();
  }

  private void flushOut() {
    flushScheduled = false;
    for (Map.Entry<ActorRef<HostMessage>, List<HostMessage.Command>> batch : outbox.entrySet()) {
      List<HostMessage.Command> commands = batch.getValue();
      if (commands.isEmpty()) {
        continue;
      }
      // bounded batches: a remote message must stay within Artery's maximum frame size
      int from = 0;
      long bytes = 0;
      for (int i = 0; i < commands.size(); i++) {
        long size = WireSize.of(commands.get(i));
        if (i > from
            && (i - from == HostMessage.MAX_BATCH || bytes + size > settings.messageBudget())) {
          sendBatch(batch.getKey(), commands.subList(from, i));
          from = i;
          bytes = 0;
        }
        bytes += size;
      }
      sendBatch(batch.getKey(), commands.subList(from, commands.size()));
    }
    outbox.clear();
  }

  private void sendBatch(ActorRef<HostMessage> host, List<HostMessage.Command> commands) {
    channels.send(host, List.copyOf(commands), false);
  }

  /** A host's events, handled one by one in the order the works sent them. */
  private Behavior<FlowMessage> onBatch(FlowMessage.Batch batch) {
    if (channels.accept(batch)) {
      output.accept(batch, events);
    }
    return next();
  }

  private Behavior<FlowMessage> onPrinted(OutputPrinter.Printed printed) {
    output.printed(printed.ticket(), events);
    return next();
  }

  private Behavior<FlowMessage> onAck(FlowMessage.Ack ack) {
    channels.acked(ack);
    return this;
  }

  private Behavior<FlowMessage> onAckTick() {
    channels.sendOwedAcks();
    return this;
  }

  private Behavior<FlowMessage> onResendTick() {
    channels.resendDue();
    return this;
  }

  private Behavior<FlowMessage> onRoom() {
    channels.sendWaiting();
    return this;
  }

  /** One event of a work, alone or from a batch. */
  private Behavior<FlowMessage> onEvent(FlowMessage.Event event) {
    if (event instanceof FlowMessage.PlacementFailed e) {
      return onPlacementFailed(e);
    } else if (event instanceof FlowMessage.Started e) {
      return onStarted(e);
    } else if (event instanceof FlowMessage.Queued e) {
      return onQueued(e);
    } else if (event instanceof FlowMessage.StateChanged e) {
      return onStateChanged(e);
    } else if (event instanceof FlowMessage.Done e) {
      return onDone(e);
    } else if (event instanceof FlowMessage.Failed e) {
      return onFailed(e);
    } else if (event instanceof FlowMessage.Stopped e) {
      return onStopped(e);
    } else if (event instanceof FlowMessage.Released e) {
      return onReleased(e);
    } else if (event instanceof FlowMessage.Output e) {
      // a lone event: only a host batch carries output, through the gate
      getContext().getLog().debug("Output of work [{}] outside a host's batch dropped", e.work());
    }
    return next();
  }

  private boolean listingBehindMembership(String role) {
    if (inPass) {
      // a pass that places many works reads the membership once per role
      Boolean behind = listingBehindInPass.get(role);
      if (behind == null) {
        behind = countListingBehind(role);
        listingBehindInPass.put(role, behind);
      }
      return behind;
    }
    return countListingBehind(role);
  }

  private boolean countListingBehind(String role) {
    int expected = 0;
    for (Member m : Cluster.get(Adapter.toClassic(getContext().getSystem())).state().getMembers()) {
      if (m.status() == MemberStatus.up() && m.hasRole(role)) {
        expected++;
      }
    }
    return hostsByRole.getOrDefault(role, Set.of()).size() < expected;
  }

  private Behavior<FlowMessage> onListingSettled(ListingSettled settled) {
    WorkEntry entry = entries.get(settled.work());
    if (entry != null) {
      entry.listingTimer = false;
    }
    if (entry != null && !entry.listingSettled) {
      entry.listingSettled = true;
      if (entry.host == null && entry.hasUnsent() && !ending) {
        place(entry);
      }
    }
    return next();
  }

  /** The host of the role with the fewest of this app's works: spreads works over the role. */
  private ActorRef<HostMessage> chooseHost(String role) {
    List<ActorRef<HostMessage>> candidates = candidatesByRole.get(role);
    if (candidates == null) {
      Set<ActorRef<HostMessage>> hosts = new LinkedHashSet<>();
      hosts.addAll(hostsByRole.getOrDefault(role, Set.of()));
      hosts.addAll(hostsByRole.getOrDefault(HostKeys.ANY_ROLE, Set.of()));
      if (localHost != null && (settings.serveAllRoles() || settings.roles().contains(role))) {
        hosts.add(localHost);
      }
      hosts.removeAll(lostHosts);
      candidates = new ArrayList<>(hosts);
      candidates.sort(java.util.Comparator.comparing(host -> host.path().toString()));
      candidatesByRole.put(role, candidates);
    }
    ActorRef<HostMessage> best = null;
    int bestCount = Integer.MAX_VALUE;
    for (ActorRef<HostMessage> host : candidates) {
      int count = placedPerHost.getOrDefault(host, 0);
      if (count < bestCount) {
        best = host;
        bestCount = count;
      }
    }
    return best;
  }

  private Behavior<FlowMessage> onHostsChanged(HostsChanged changed) {
    ServiceKey<?> key = changed.listing().getKey();
    String role = key.id().substring("fulgur-host-".length());
    @SuppressWarnings("unchecked")
    ServiceKey<HostMessage> hostKey = (ServiceKey<HostMessage>) key;
    Set<ActorRef<HostMessage>> hosts = changed.listing().getServiceInstances(hostKey);
    hostsByRole.put(role, Set.copyOf(hosts));
    candidatesByRole.clear();
    getContext().getLog().debug("Hosts for role [{}]: {}", role, hosts);
    if (ending) {
      return next();
    }
    for (WorkEntry entry : entries.values()) {
      if (entry.host == null
          && entry.hasUnsent()
          && (role.equals(entry.role) || role.equals(HostKeys.ANY_ROLE))) {
        place(entry);
      }
    }
    return next();
  }

  private Behavior<FlowMessage> onPlacementFailed(FlowMessage.PlacementFailed failed) {
    WorkEntry entry = entries.get(failed.work());
    if (entry == null) {
      return next();
    }
    if (entry.host == null) {
      return next();
    }
    placedPerHost.merge(entry.host, -1, Integer::sum);
    entry.host = null;
    entry.placed = false;
    entry.core.nodeAddress(null);
    if (ending) {
      releasedOrGone(entry);
      return next();
    }
    if (!entry.hasActive()) {
      // its actor there failed after its calls had ended (their events said so): it is placed
      // again at its next call
      getContext()
          .getLog()
          .info("Work [{}] is not on node [{}] any more: {}", entry.name, failed.nodeAddress(),
              failed.message());
      return next();
    }
    WorkFailure failure = new WorkFailure("placement_failed", null, failed.message(), null);
    for (WorkEntry.Call call : entry.activeCalls()) {
      entry.finish(call, WorkStatus.FAILED, "placement_failed", failure);
    }
    getContext()
        .getLog()
        .error("Work [{}] could not be placed on [{}]: {}", entry.name, failed.nodeAddress(),
            failed.message());
    workFailed(entry, failure);
    return next();
  }

  private Behavior<FlowMessage> onWarnNoNode(WarnNoNode warn) {
    WorkEntry entry = entries.get(warn.work());
    if (entry != null && entry.waitingForNode && !ending) {
      getContext()
          .getLog()
          .warn(
              "Work [{}] is waiting for a node with role [{}]: no node in the cluster has that"
                  + " role; the call fails after {} (fulgur.placement.timeout)",
              entry.name,
              entry.role,
              settings.placementTimeout());
    }
    return next();
  }

  private Behavior<FlowMessage> onPlacementTimeout(PlacementTimeout timeout) {
    WorkEntry entry = entries.get(timeout.work());
    if (entry == null || !entry.waitingForNode || ending) {
      return next();
    }
    entry.waitingForNode = false;
    String message =
        "no node with role '"
            + entry.role
            + "' joined within "
            + settings.placementTimeout()
            + " (fulgur.placement.timeout)";
    getContext().getLog().error("Work [{}] failed: {}", entry.name, message);
    WorkFailure failure = new WorkFailure("no_node_with_role", null, message, null);
    for (WorkEntry.Call call : entry.drainUnsent()) {
      entry.finish(call, WorkStatus.FAILED, "no_node_with_role", failure);
    }
    workFailed(entry, failure);
    return next();
  }

  // ---- events from works

  private Behavior<FlowMessage> onStarted(FlowMessage.Started started) {
    WorkEntry entry = entries.get(started.work());
    WorkEntry.Call call = entry == null ? null : entry.active(started.callId());
    if (call != null && call.status == WorkStatus.PENDING) {
      entry.progress(call, WorkStatus.RUNNING, null);
      requestPass();
    }
    return next();
  }

  /** The call waits on its node for a thread (the node runs as many calls as it may). */
  private Behavior<FlowMessage> onQueued(FlowMessage.Queued queued) {
    WorkEntry entry = entries.get(queued.work());
    WorkEntry.Call call = entry == null ? null : entry.active(queued.callId());
    if (call != null
        && call.status == WorkStatus.PENDING
        && !(call == entry.latest && "queued".equals(entry.core.reason()))) {
      entry.progress(call, WorkStatus.PENDING, "queued");
      requestPass();
    }
    return next();
  }

  private Behavior<FlowMessage> onStateChanged(FlowMessage.StateChanged changed) {
    WorkEntry entry = entries.get(changed.work());
    if (entry != null && applyState(entry, changed.state())) {
      requestPass();
    }
    return next();
  }

  private boolean applyState(WorkEntry entry, JsonNode state) {
    if (state == null || state.isNull()) {
      return false;
    }
    try {
      StateCodec.apply(entry.work, state);
      return true;
    } catch (RuntimeException e) {
      getContext()
          .getLog()
          .warn(
              "State of work [{}] could not be applied: {}",
              entry.name,
              FailureDescription.summary(e));
      return false;
    }
  }

  private Behavior<FlowMessage> onDone(FlowMessage.Done done) {
    WorkEntry entry = entries.get(done.work());
    if (entry == null) {
      return next();
    }
    applyState(entry, done.state());
    WorkEntry.Call call = entry.active(done.callId());
    if (call != null) {
      if (call.status == WorkStatus.PENDING) {
        // a short call: its node reports RUNNING with its Done
        entry.progress(call, WorkStatus.RUNNING, null);
      }
      entry.finish(call, WorkStatus.SUCCEEDED, null, null);
    }
    requestPass();
    return next();
  }

  private Behavior<FlowMessage> onFailed(FlowMessage.Failed failed) {
    WorkEntry entry = entries.get(failed.work());
    if (entry == null) {
      return next();
    }
    applyState(entry, failed.state());
    WorkEntry.Call call = entry.active(failed.callId());
    if (call == null) {
      return next();
    }
    WorkFailure failure = failed.failure();
    entry.finish(call, WorkStatus.FAILED, failure.reason(), failure);
    getContext()
        .getLog()
        .warn("Work [{}] failed: {}", entry.name, failure.describe());
    workFailed(entry, failure);
    return next();
  }

  /** A call of the work failed: the app fails if the work raises, else the flow goes on. */
  private void workFailed(WorkEntry entry, WorkFailure failure) {
    if (entry.options.raiseException() && !ending) {
      beginEnd(
          Outcome.workFailed(
              "Work " + entry.name + " failed: " + failure.describe(), entry.name, failure));
    } else {
      requestPass();
    }
  }

  private Behavior<FlowMessage> onStopped(FlowMessage.Stopped stopped) {
    WorkEntry entry = entries.get(stopped.work());
    WorkEntry.Call call = entry == null ? null : entry.active(stopped.callId());
    if (call != null) {
      entry.finish(call, WorkStatus.STOPPED, stopped.reason(), null);
      requestPass();
    }
    return next();
  }

  /** A host this app placed works on is gone: its node left or was downed. */
  private Behavior<FlowMessage> onHostTerminated(HostTerminated terminated) {
    ActorRef<HostMessage> lostHost = terminated.host();
    watchedHosts.remove(lostHost);
    channels.remove(lostHost);
    output.forget(lostHost);
    outbox.remove(lostHost);
    if (!lostHost.equals(localHost)) {
      lostHosts.add(lostHost);
      candidatesByRole.clear();
    }
    placedPerHost.remove(lostHost);
    for (WorkEntry entry : new ArrayList<>(entries.values())) {
      if (lostHost.equals(entry.host)) {
        workLost(entry);
      }
    }
    return next();
  }

  private void workLost(WorkEntry entry) {
    entry.host = null;
    entry.placed = false;
    if (ending || entry.released) {
      releasedOrGone(entry);
      return;
    }
    String node = entry.core.nodeAddress();
    if (!entry.hasActive()) {
      getContext().getLog().info("Work [{}] lost its node [{}] while idle", entry.name, node);
      entry.core.nodeAddress(null);
      return;
    }
    List<WorkEntry.Call> retried = new ArrayList<>();
    List<WorkEntry.Call> failed = new ArrayList<>();
    for (WorkEntry.Call call : entry.activeCalls()) {
      if (call.retries < entry.options.maxRetries()) {
        retried.add(call);
      } else {
        failed.add(call);
      }
    }
    WorkFailure failure =
        new WorkFailure(
            "node_lost",
            null,
            "node "
                + node
                + " running the work is gone, with any output of the call not printed yet",
            null);
    for (WorkEntry.Call call : failed) {
      entry.finish(call, WorkStatus.FAILED, "node_lost", failure);
    }
    for (WorkEntry.Call call : retried) {
      call.retries++;
      entry.progress(call, WorkStatus.PENDING, "node_lost_retrying");
      entry.queueUnsent(call);
    }
    if (!retried.isEmpty()) {
      getContext()
          .getLog()
          .warn(
              "Work [{}] lost its node [{}]: placing {} call(s) again on another node with role"
                  + " [{}] (retry {} of {})",
              entry.name,
              node,
              retried.size(),
              entry.role,
              retried.get(0).retries,
              entry.options.maxRetries());
      entry.core.nodeAddress(null);
      entry.listingSettled = true;
      place(entry);
    }
    if (!failed.isEmpty()) {
      getContext().getLog().warn("Work [{}] lost its node [{}]", entry.name, node);
      workFailed(entry, failure);
    } else {
      requestPass();
    }
  }

  // ---- the end of the app

  private void beginEnd(Outcome o) {
    if (ending) {
      return;
    }
    ending = true;
    finalOutcome = o;
    if (o.failed()) {
      getContext().getLog().error("App [{}] failed: {}", appId, o.message());
    } else {
      getContext()
          .getLog()
          .info("App [{}] ended{}", appId, o.message() == null ? "" : ": " + o.message());
    }
    for (WorkEntry entry : entries.values()) {
      for (WorkEntry.Call call : entry.activeCalls()) {
        entry.finish(call, WorkStatus.STOPPED, "app_ended", null);
      }
      entry.drainUnsent();
      if (entry.host != null) {
        send(entry.host, new HostMessage.StopWork(entry.name, "app_ended", true));
        awaitingRelease.add(entry.name);
      }
    }
    if (awaitingRelease.isEmpty()) {
      finish();
    } else {
      timers.startSingleTimer(StopTimeout.INSTANCE, settings.appStopTimeout());
    }
  }

  private Behavior<FlowMessage> onReleased(FlowMessage.Released released) {
    WorkEntry entry = entries.get(released.work());
    if (entry != null) {
      entry.released = true;
      releasedOrGone(entry);
    }
    return next();
  }

  private void releasedOrGone(WorkEntry entry) {
    if (awaitingRelease.remove(entry.name) && awaitingRelease.isEmpty() && ending) {
      finish();
    }
  }

  private Behavior<FlowMessage> onStopTimeout() {
    getContext()
        .getLog()
        .warn(
            "Works {} did not stop within {} (fulgur.app.stop-timeout); ending the app anyway",
            awaitingRelease,
            settings.appStopTimeout());
    finish();
    return next();
  }

  private void finish() {
    if (!finished) {
      finished = true;
      flushOut();
      getContext().getLog().debug("App [{}] finished after {} passes", appId, passes);
      outcome.complete(finalOutcome);
    }
  }

  /**
   * A handler threw (a bug, or user code that the flow actor runs outside a pass, such as a
   * collection walked by the scan): the app fails with reason {@code internal_error}, ending as any
   * failed app does. If it was already ending, or cannot end that way, the outcome is completed at
   * once and the actor stops; the hosts then stop the app's works when they see it gone.
   */
  private Behavior<FlowMessage> onHandlerFailed(Object what, Throwable thrown) {
    Outcome failure = Outcome.handlerFailed(what, thrown);
    getContext()
        .getLog()
        .error("App [{}]: {}\n{}", appId, failure.message(), FailureDescription.trace(thrown));
    if (!ending && what instanceof FlowMessage) {
      try {
        beginEnd(failure);
        return next();
      } catch (Throwable again) {
        getContext()
            .getLog()
            .error(
                "App [{}] cannot release its works: {}", appId, FailureDescription.summary(again));
      }
    }
    if (!finished) {
      finished = true;
      outcome.complete(finalOutcome != null ? finalOutcome : failure);
    }
    return Behaviors.stopped();
  }

  /**
   * Stopped before the app ended: App.run() must not wait for it. A node that is stopping says why
   * itself when it has terminated (App), so only a stop of the actor alone is reported here.
   */
  private Behavior<FlowMessage> onPostStop() {
    channels.closeAll();
    boolean nodeStopping =
        org.apache.pekko.actor.CoordinatedShutdown.get(Adapter.toClassic(getContext().getSystem()))
            .getShutdownReason()
            .isPresent();
    if (!finished && !nodeStopping) {
      finished = true;
      outcome.complete(Outcome.internalError("the flow actor stopped before the app ended", null));
    }
    return this;
  }
}
