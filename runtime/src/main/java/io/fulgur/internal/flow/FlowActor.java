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
import io.fulgur.internal.channel.Outbox;
import io.fulgur.internal.node.HostKeys;
import io.fulgur.internal.node.NodeSystem;
import io.fulgur.internal.protocol.AppToken;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.InputTypes;
import io.fulgur.internal.protocol.InstanceCodec;
import io.fulgur.internal.protocol.Json;
import io.fulgur.internal.protocol.WireSize;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Cluster;

/**
 * The flow actor of one app: runs the root flow's passes (on its own dispatcher, since {@code
 * Flow.run} is user code), keeps the flow's view of every work's calls and ends the app. Placement
 * is {@link WorkPlacer}'s, the works' events {@link WorkEvents}', the messages' way to and from
 * hosts {@link HostChannels}' and {@link OutputGate}'s.
 *
 * <p>The app goes through {@link Phase}s, each a behaviour of its own. A pass runs when something
 * the flow can observe changed; changes that arrive during a pass are queued in the mailbox ahead
 * of the one {@code RunPass} they schedule, so they coalesce into one next pass.
 */
public final class FlowActor
    implements WorkBinding, FlowBinding, Components.Listener, FlowControl {

  private static final org.slf4j.Logger DEBUG_LOG =
      org.slf4j.LoggerFactory.getLogger(FlowActor.class);

  /**
   * Where the app is in its life. STARTING: the node has not joined its cluster yet, no pass runs.
   * RUNNING: passes run and works are placed. ENDING: the outcome is decided, the works are being
   * released and nothing new is placed. FINISHED: the outcome is out and the actor stops.
   */
  private enum Phase {
    STARTING,
    RUNNING,
    ENDING,
    FINISHED
  }

  enum RunPass implements FlowMessage.Internal {
    INSTANCE
  }

  enum MemberUp implements FlowMessage.Internal {
    INSTANCE
  }

  enum StopTimeout implements FlowMessage.Internal {
    INSTANCE
  }

  enum FlushOut implements FlowMessage.Internal {
    INSTANCE
  }

  /**
   * An event the flow makes itself, handled after the current pass as one from a host: events
   * alone never cross nodes (only hosts' batches, which carry the app's token, do).
   */
  record OwnEvent(FlowMessage.Event event) implements FlowMessage.Internal {}

  /** The app's secret: every message of its channels carries it. */
  private final AppToken token = AppToken.random();

  /** Names the app to the hosts of its works (and in logs); bound to the token. */
  private final String appId = token.appId();

  private final ActorContext<FlowMessage> context;
  private final Flow root;
  private final Settings settings;
  private final CompletableFuture<Outcome> outcome;
  private final TimerScheduler<FlowMessage> timers;
  private final OutputGate output;
  private final OutputGate.Sink events;
  private final HostChannels channels;
  private final Outbox<ActorRef<HostMessage>, HostMessage.Command, Void> outbox;
  private final ActorRef<Receptionist.Listing> listingAdapter;
  private final Components components;
  private final Map<String, WorkEntry> entries = new LinkedHashMap<>();
  private final Set<String> subscribedRoles = new HashSet<>();
  private final WorkPlacer placer;
  private final WorkEvents workEvents;
  private final Set<String> awaitingRelease = new HashSet<>();
  private final Behavior<FlowMessage> starting;
  private final Behavior<FlowMessage> running;
  private final Behavior<FlowMessage> ending;

  private Phase phase = Phase.STARTING;
  /** A {@code RunPass} is in the mailbox: asking again adds none. */
  private boolean passRequested;
  /** The thread of the pass that runs now, or null between passes. */
  private Thread passThread;
  /** Components found by the latest {@link #scan}. */
  private int newComponents;
  private long nextCallId;
  private long passes;
  /** How the app ends, decided inside a pass; the pass ends first. */
  private Outcome endRequest;
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
                        return new FlowActor(ctx, timers, root, localHost, settings, outcome)
                            .starting;
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
        ? flow.context.getSystem()
        : null;
  }

  private FlowActor(
      ActorContext<FlowMessage> context,
      TimerScheduler<FlowMessage> timers,
      Flow root,
      ActorRef<HostMessage> localHost,
      Settings settings,
      CompletableFuture<Outcome> outcome) {
    this.context = context;
    this.timers = timers;
    this.root = root;
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
    this.outbox =
        new Outbox<>(
            HostMessage.MAX_BATCH,
            settings.messageBudget(),
            command -> WireSize.of(command),
            (host, batch, tags, first) -> channels.send(host, batch, first));
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
    this.listingAdapter =
        context.messageAdapter(Receptionist.Listing.class, WorkPlacer.HostsChanged::new);
    this.components = new Components(this, context.getLog());
    this.placer = new WorkPlacer(context, timers, settings, localHost, this, entries);
    this.workEvents = new WorkEvents(context, this, placer, entries);
    this.starting = FlowBehaviors.starting(this);
    this.running = FlowBehaviors.running(this);
    this.ending = FlowBehaviors.ending(this);
    subscribe(HostKeys.ANY_ROLE);
    ActorRef<FlowMessage> self = context.getSelf();
    Cluster.get(Adapter.toClassic(context.getSystem()))
        .registerOnMemberUp(() -> self.tell(MemberUp.INSTANCE));
  }

  /** The behaviour of the app's phase now. */
  Behavior<FlowMessage> next() {
    return switch (phase) {
      case STARTING -> starting;
      case RUNNING -> running;
      case ENDING -> ending;
      case FINISHED -> Behaviors.stopped();
    };
  }

  // ---- passes

  Behavior<FlowMessage> onMemberUp() {
    phase = Phase.RUNNING;
    if (!scan(true)) {
      return next();
    }
    context
        .getLog()
        .info(
            "App [{}] started: {} works, flow on node [{}]",
            appId,
            entries.size(),
            Cluster.get(Adapter.toClassic(context.getSystem())).selfAddress());
    requestPass();
    return next();
  }

  @Override
  public void requestPass() {
    if (phase == Phase.RUNNING && !passRequested) {
      passRequested = true;
      context.getSelf().tell(RunPass.INSTANCE);
    }
  }

  Behavior<FlowMessage> onRunPass() {
    passRequested = false;
    if (phase != Phase.RUNNING) {
      return next();
    }
    passes++;
    placer.newPass();
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
      passThread = null;
    }
    if (endRequest != null) {
      beginEnd(endRequest);
    } else if (scan(false) && newComponents > 0) {
      requestPass();
    }
    return next();
  }

  /**
   * Finds components added since the last scan (all of them with {@code all}); a component held
   * where it cannot be part of the app, or a work that cannot be copied to a node, ends the app at
   * once. Returns false then (outside a pass; inside one it ends the pass).
   */
  private boolean scan(boolean all) {
    Outcome failed;
    try {
      newComponents = all ? components.scanAll(root) : components.scan(root);
      return true;
    } catch (Components.MisplacedComponent | InstanceCodec.InstanceException e) {
      failed = Outcome.failed(e.getMessage(), e);
    } catch (RuntimeException e) {
      // a user collection's iterator threw while the flow's fields were walked
      failed =
          Outcome.failed(
              "Walking the flow's fields for works and flows failed: "
                  + FailureDescription.summary(e),
              e);
    }
    if (inPass()) {
      throw endInPass(failed);
    }
    beginEnd(failed);
    return false;
  }

  @Override
  public boolean inPass() {
    return passThread != null;
  }

  private void checkInPass(String what, String name) {
    if (Thread.currentThread() != passThread) {
      throw new IllegalStateException(
          what
              + (name == null ? "" : " of " + name)
              + " must be called from a Flow's run(), during a pass of its app");
    }
  }

  @Override
  public PassInterrupt endInPass(Outcome o) {
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
      context.getLog().debug("Work [{}] joined the app (role [{}])", name, entry.role);
    }
  }

  @Override
  public boolean workNamed(String name) {
    return entries.containsKey(name);
  }

  private void subscribe(String role) {
    if (subscribedRoles.add(role)) {
      context
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
    if (call == null || (!entry.options.cacheCalls() && call.status == WorkStatus.SUCCEEDED)) {
      call = newCall(entry, key, tree != null ? tree : inputTree(entry, input), inputClass);
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

  private WorkEntry.Call newCall(WorkEntry entry, String key, JsonNode input, String inputClass) {
    WorkEntry.Call call = new WorkEntry.Call(++nextCallId, key, input, inputClass);
    entry.add(call);
    entry.latest = call;
    entry.core.status(WorkStatus.PENDING, entry.placed ? "queued" : "placing", null);
    placer.call(entry, call);
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

  // ---- hosts

  @Override
  public void send(ActorRef<HostMessage> host, HostMessage.Command command) {
    if (outbox.add(host, command, null)) {
      context.getSelf().tell(FlushOut.INSTANCE);
    }
  }

  @Override
  public void ownEvent(FlowMessage.Event event) {
    context.getSelf().tell(new OwnEvent(event));
  }

  Behavior<FlowMessage> onFlushOut() {
    outbox.flush();
    return next();
  }

  ActorContext<FlowMessage> context() {
    return context;
  }

  HostChannels channels() {
    return channels;
  }

  WorkPlacer placer() {
    return placer;
  }

  /** A host's events, handled one by one in the order the works sent them. */
  Behavior<FlowMessage> onBatch(FlowMessage.Batch batch) {
    if (channels.accept(batch)) {
      output.accept(batch, events);
    }
    return next();
  }

  Behavior<FlowMessage> onPrinted(OutputPrinter.Printed printed) {
    output.printed(printed.ticket(), events);
    return next();
  }

  Behavior<FlowMessage> onOwnEvent(OwnEvent own) {
    onEvent(own.event());
    return next();
  }

  /** One event of a work: while the app ends, only releases and refusals still count. */
  private void onEvent(FlowMessage.Event event) {
    if (event instanceof FlowMessage.Released released) {
      WorkEntry entry = entries.get(released.work());
      if (entry != null) {
        entry.released = true;
        releasedOrGone(entry);
      }
    } else if (phase == Phase.ENDING && event instanceof FlowMessage.PlacementFailed failed) {
      WorkEntry entry = entries.get(failed.work());
      if (entry != null && entry.host != null) {
        placer.unplaced(entry);
        releasedOrGone(entry);
      }
    } else {
      workEvents.handle(event);
    }
  }

  /** A host this app placed works on is gone: its node left or was downed. */
  Behavior<FlowMessage> onHostTerminated(WorkPlacer.HostTerminated terminated) {
    ActorRef<HostMessage> lostHost = terminated.host();
    channels.remove(lostHost);
    output.forget(lostHost);
    outbox.remove(lostHost);
    placer.lost(lostHost);
    for (WorkEntry entry : new ArrayList<>(entries.values())) {
      if (!lostHost.equals(entry.host)) {
        continue;
      }
      if (phase == Phase.ENDING || entry.released) {
        entry.host = null;
        entry.placed = false;
        releasedOrGone(entry);
      } else {
        workEvents.nodeLost(entry);
      }
    }
    return next();
  }

  // ---- the end of the app

  @Override
  public void workFailed(WorkEntry entry, WorkFailure failure) {
    if (entry.options.raiseException() && phase == Phase.RUNNING) {
      beginEnd(
          Outcome.workFailed(
              "Work " + entry.name + " failed: " + failure.describe(), entry.name, failure));
    } else {
      requestPass();
    }
  }

  private void beginEnd(Outcome o) {
    if (phase == Phase.ENDING || phase == Phase.FINISHED) {
      return;
    }
    phase = Phase.ENDING;
    finalOutcome = o;
    if (o.failed()) {
      context.getLog().error("App [{}] failed: {}", appId, o.message());
    } else {
      context
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

  private void releasedOrGone(WorkEntry entry) {
    if (awaitingRelease.remove(entry.name) && awaitingRelease.isEmpty() && phase == Phase.ENDING) {
      finish();
    }
  }

  Behavior<FlowMessage> onStopTimeout() {
    context
        .getLog()
        .warn(
            "Works {} did not stop within {} (fulgur.app.stop-timeout); ending the app anyway",
            awaitingRelease,
            settings.appStopTimeout());
    finish();
    return next();
  }

  private void finish() {
    if (phase != Phase.FINISHED) {
      phase = Phase.FINISHED;
      outbox.flush();
      context.getLog().debug("App [{}] finished after {} passes", appId, passes);
      outcome.complete(finalOutcome);
    }
  }

  /**
   * A handler threw (a bug, or user code that the flow actor runs outside a pass, such as a
   * collection walked by the scan): the app fails with reason {@code internal_error}, ending as any
   * failed app does. If it was already ending, or cannot end that way, the outcome is completed at
   * once and the actor stops; the hosts then stop the app's works when they see it gone.
   */
  Behavior<FlowMessage> onHandlerFailed(Object what, Throwable thrown) {
    Outcome failure = Outcome.handlerFailed(what, thrown);
    context
        .getLog()
        .error("App [{}]: {}\n{}", appId, failure.message(), FailureDescription.trace(thrown));
    if ((phase == Phase.STARTING || phase == Phase.RUNNING) && what instanceof FlowMessage) {
      try {
        beginEnd(failure);
        return next();
      } catch (Throwable again) {
        context
            .getLog()
            .error(
                "App [{}] cannot release its works: {}", appId, FailureDescription.summary(again));
      }
    }
    if (phase != Phase.FINISHED) {
      phase = Phase.FINISHED;
      outcome.complete(finalOutcome != null ? finalOutcome : failure);
    }
    return Behaviors.stopped();
  }

  /**
   * Stopped before the app ended: App.run() must not wait for it. A node that is stopping says why
   * itself when it has terminated (App), so only a stop of the actor alone is reported here.
   */
  Behavior<FlowMessage> onPostStop() {
    channels.closeAll();
    boolean nodeStopping =
        CoordinatedShutdown.get(Adapter.toClassic(context.getSystem()))
            .getShutdownReason()
            .isPresent();
    if (phase != Phase.FINISHED && !nodeStopping) {
      phase = Phase.FINISHED;
      outcome.complete(Outcome.internalError("the flow actor stopped before the app ended", null));
    }
    return Behaviors.same();
  }
}
