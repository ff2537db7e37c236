package io.fulgur.internal.flow;

import io.fulgur.Flow;
import io.fulgur.WorkFailure;
import io.fulgur.WorkStatus;
import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.Settings;
import io.fulgur.internal.WorkCore;
import io.fulgur.internal.node.HostKeys;
import io.fulgur.internal.protocol.AppToken;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
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
public final class FlowActor implements FlowControl {

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

  /**
   * An event the flow makes itself, handled after the current pass as one from a host: events alone
   * never cross nodes (only hosts' batches, which carry the app's token, do).
   */
  record OwnEvent(FlowMessage.Event event) implements FlowMessage.Internal {}

  /** The app's secret: every message of its channels carries it. */
  private final AppToken token = AppToken.random();

  /** Names the app to the hosts of its works (and in logs); bound to the token. */
  private final String appId = token.appId();

  private final ActorContext<FlowMessage> context;
  private final Settings settings;
  private final CompletableFuture<Outcome> outcome;
  private final TimerScheduler<FlowMessage> timers;
  private final HostTraffic traffic;
  private final FlowPass pass;
  private final Map<String, WorkEntry> entries = new LinkedHashMap<>();
  private final WorkPlacer placer;
  private final WorkEvents workEvents;
  private final Set<String> awaitingRelease = new HashSet<>();
  private final Behavior<FlowMessage> starting;
  private final Behavior<FlowMessage> running;
  private final Behavior<FlowMessage> ending;

  private Phase phase = Phase.STARTING;

  /** A {@code RunPass} is in the mailbox: asking again adds none. */
  private boolean passRequested;

  private Outcome finalOutcome;

  /**
   * The flow actor of an app. It is never restarted: a restart would run the app again from the top
   * with no record of the calls already sent. An exception in one of its handlers fails the app
   * with reason {@code internal_error} ({@link #onHandlerFailed}); if it stops for any other reason
   * before the app ended, {@code outcome} is completed as failed all the same.
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
    return WorkCore.CURRENT_PASS.get() instanceof FlowPass pass ? pass.system() : null;
  }

  private FlowActor(
      ActorContext<FlowMessage> context,
      TimerScheduler<FlowMessage> timers,
      Flow root,
      ActorRef<HostMessage> localHost,
      Settings settings,
      CompletableFuture<Outcome> outcome) {
    context.setLoggerName(FlowActor.class); // its parts log as the flow actor
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.outcome = outcome;
    this.traffic = new HostTraffic(context, timers, settings, appId, token, this::onEvent);
    this.placer = new WorkPlacer(context, timers, settings, localHost, this, entries);
    this.workEvents = new WorkEvents(context, this, placer, entries);
    this.pass = new FlowPass(context, root, this, placer, entries, placer::subscribe);
    this.starting = FlowBehaviors.starting(this);
    this.running = FlowBehaviors.running(this);
    this.ending = FlowBehaviors.ending(this);
    placer.subscribe(HostKeys.ANY_ROLE);
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
    Outcome misplaced = pass.scanAll();
    if (misplaced != null) {
      beginEnd(misplaced);
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
    if (phase == Phase.RUNNING) {
      Outcome end = pass.run();
      if (end != null) {
        beginEnd(end);
      }
    }
    return next();
  }

  @Override
  public boolean inPass() {
    return pass.inPass();
  }

  @Override
  public PassInterrupt endInPass(Outcome o) {
    return pass.endInPass(o);
  }

  // ---- hosts

  @Override
  public void send(ActorRef<HostMessage> host, HostMessage.Command command) {
    traffic.send(host, command);
  }

  @Override
  public void ownEvent(FlowMessage.Event event) {
    context.getSelf().tell(new OwnEvent(event));
  }

  ActorContext<FlowMessage> context() {
    return context;
  }

  HostTraffic traffic() {
    return traffic;
  }

  WorkPlacer placer() {
    return placer;
  }

  Behavior<FlowMessage> onOwnEvent(OwnEvent own) {
    onEvent(own.event());
    return next();
  }

  /** Whether the app's outcome is decided: ending, or ended. */
  private boolean ending() {
    return phase == Phase.ENDING || phase == Phase.FINISHED;
  }

  private void onEvent(FlowMessage.Event event) {
    workEvents.handle(event, ending());
  }

  /** A host this app placed works on is gone: its node left or was downed. */
  Behavior<FlowMessage> onHostTerminated(WorkPlacer.HostTerminated terminated) {
    ActorRef<HostMessage> lostHost = terminated.host();
    traffic.hostLost(lostHost);
    placer.lost(lostHost);
    workEvents.hostLost(lostHost, ending());
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

  @Override
  public void releasedOrGone(WorkEntry entry) {
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
      traffic.flush();
      context.getLog().debug("App [{}] finished after {} passes", appId, pass.passes());
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
    traffic.closeAll();
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
