package io.fulgur.internal.work;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulgur.Work;
import io.fulgur.WorkFailure;
import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.Settings;
import io.fulgur.internal.dispatch.NodeThreads;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.StateCodec;
import io.fulgur.internal.protocol.WorkMessage;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.javadsl.AbstractMatchingBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One work on its node: runs its calls one at a time, in order, each outside any actor (a
 * sequential call on the node's thread lent to it, {@link NodeThreads#lend}, otherwise on a runner
 * thread once the node's {@link NodeThreads} have one: {@link CallRunner}); tells the flow of its
 * calls and state ({@link StateReporter}); ships its output to the flow's node ({@link
 * OutputShipper}), and sends a call's Done only after its last line was printed. The actor keeps
 * the order of things: which call runs, when the flow hears of it, timers and stops. Once its work
 * is released, the actor may wait idle and serve a work placed later on its node, with a new {@code
 * WorkActor} ({@link WorkMessage.Bind}).
 */
public final class WorkActor extends AbstractMatchingBehavior<WorkMessage> {

  /** Ticks and forced stops name the binding that scheduled them ({@link #binding}). */
  private record Tick(int binding) implements WorkMessage.Internal {}

  /** The work's output has a batch ready, or its call waits for room ({@link OutputShipper}). */
  enum FlushOutput implements WorkMessage.Internal {
    INSTANCE
  }

  private record ForceStop(long callId, int binding) implements WorkMessage.Internal {}

  /** A call that waited for a thread (and the flow was told so) has begun on one. */
  record CallBegan(long callId, int binding) implements WorkMessage.Internal {}

  private static final AtomicInteger BINDINGS = new AtomicInteger();

  /**
   * This instance's number: an actor can serve one work after another ({@link #idle}), and a tick
   * or forced stop scheduled for an earlier work must not reach a later one.
   */
  private final int binding = BINDINGS.incrementAndGet();

  private final NodeResources node;

  /**
   * How a call ended, from its thread ({@link CallRunner}): {@code ran} is false when the call
   * never reached {@code onRun} (the instance could not be made, the input did not fit, or it was
   * stopped before it began); {@code state} is the work's state read on the call's thread after the
   * call.
   */
  record RunFinished(long callId, WorkFailure failure, boolean stopped, boolean ran, JsonNode state)
      implements WorkMessage.Internal {}

  // Its own logger, not the context's: getLog walks the stack for every actor.
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WorkActor.class);

  private final String appId;
  private final String name;
  private final Settings settings;
  private final CallRunner runner;

  /** Made when a call starts, dropped with its output once the work is idle and all printed. */
  private OutputShipper shipper;

  private final StateReporter reports;

  /** Calls waiting for the running one; made when one has to wait. */
  private ArrayDeque<WorkMessage.Run> queue;

  // Scheduled with the context, not a TimerScheduler: every work would carry one otherwise.
  private Cancellable tick;
  private Cancellable forceStop;

  private WorkMessage.Run current;
  private String stopReason;
  private boolean releaseRequested;

  /** Released (the host forgot this work when it passed the {@code Released} event on). */
  private boolean released;

  /** Why a handler of this actor failed, if one did: its calls fail with it. */
  private String failedWith;

  /**
   * A work actor for a work class loaded on this node, serving the work {@code work} names (its
   * app, name, class, options, the flow's state of it, its flow and its first call, if any). The
   * instance is made by the first call, on its runner thread: its constructor is user code.
   *
   * @param node what the node gives every work actor
   */
  public static Behavior<WorkMessage> create(WorkMessage.Bind work, NodeResources node) {
    return Behaviors.setup(ctx -> bind(ctx, node, work));
  }

  /**
   * The work's actor, its first call started if there is one. A work that cannot be made here (a
   * type it needs is missing on this node, say) is reported to the host, which fails its calls with
   * {@code placement_failed} and forgets it; the actor stops.
   */
  private static Behavior<WorkMessage> bind(
      ActorContext<WorkMessage> ctx, NodeResources node, WorkMessage.Bind work) {
    try {
      WorkActor actor = new WorkActor(ctx, work, node);
      if (work.firstRun() != null) {
        actor.start(work.firstRun());
      }
      return actor;
    } catch (Throwable t) {
      String why = CallFailures.notMade(work.work(), work.workClass(), node.address(), t);
      LOG.error("{}\n{}", why, FailureDescription.trace(t));
      node.host()
          .tell(
              new HostMessage.WorkStopped(
                  work.appId(), work.work(), ctx.getSelf(), List.of(), why));
      return Behaviors.stopped();
    }
  }

  /**
   * A work actor whose work was released, kept by its host for a work placed later ({@link
   * WorkMessage.Bind}): it then serves that work with a new {@code WorkActor}, as a new actor
   * would. Anything else that reaches it (a tick already on its way) is dropped.
   */
  private static Behavior<WorkMessage> idle(ActorContext<WorkMessage> ctx, NodeResources node) {
    return Behaviors.receiveMessage(
        message ->
            message instanceof WorkMessage.Bind work ? bind(ctx, node, work) : Behaviors.same());
  }

  private WorkActor(ActorContext<WorkMessage> context, WorkMessage.Bind work, NodeResources node) {
    super(context);
    this.appId = work.appId();
    this.name = work.work();
    this.node = node;
    this.settings = node.settings();
    ActorRef<WorkMessage> self = context.getSelf();
    Class<? extends Work<?>> workClass = work.workClass();
    boolean hasState = StateCodec.hasState(workClass);
    this.runner =
        new CallRunner(
            name, workClass, work.options(), work.instance(), hasState, node, self, binding);
    this.reports =
        new StateReporter(appId, name, workClass, work.instance(), hasState, work.flow(), node);
  }

  @Override
  public Behavior<WorkMessage> onMessage(WorkMessage message) {
    try {
      return dispatch(message);
    } catch (Throwable t) {
      // the actor stops; its host fails its calls with this (onPostStop) and forgets it
      failedWith = CallFailures.actorFailed(name, node.address(), message, t);
      LOG.error("{}\n{}", failedWith, FailureDescription.trace(t));
      return Behaviors.stopped();
    }
  }

  // One dispatch method instead of a ReceiveBuilder: a work actor exists per work, and a built
  // Receive would cost every one of them its own handler tables.
  private Behavior<WorkMessage> dispatch(WorkMessage message) {
    if (message instanceof WorkMessage.Run run) {
      return onRun(run);
    } else if (message instanceof WorkMessage.Stop stop) {
      return onStop(stop);
    } else if (message == WorkMessage.OutputPrinted.INSTANCE) {
      return onOutputPrinted();
    } else if (message instanceof Tick tick) {
      return tick.binding() == binding ? onTick() : this;
    } else if (message == FlushOutput.INSTANCE) {
      ship();
      return this;
    } else if (message instanceof RunFinished finished) {
      return onRunFinished(finished);
    } else if (message instanceof ForceStop force) {
      return force.binding() == binding ? onForceStop(force) : this;
    } else if (message instanceof CallBegan began) {
      return began.binding() == binding ? onCallBegan(began) : this;
    }
    return this;
  }

  @Override
  public Behavior<WorkMessage> onSignal(Signal signal) {
    return signal instanceof PostStop ? onPostStop() : this;
  }

  private Behavior<WorkMessage> onRun(WorkMessage.Run run) {
    if (releaseRequested) {
      reports.emit(new FlowMessage.Stopped(name, run.callId(), "app_ended"));
      return this;
    }
    if (current == null && !reports.endPending() && (queue == null || queue.isEmpty())) {
      start(run);
      return this;
    }
    if (queue == null) {
      queue = new ArrayDeque<>(2);
    }
    queue.addLast(run);
    return startNextIfIdle();
  }

  private Behavior<WorkMessage> startNextIfIdle() {
    while (current == null && !reports.endPending()) {
      WorkMessage.Run next = queue == null ? null : queue.pollFirst();
      if (next == null) {
        queue = null;
        tick = cancel(tick);
        if (shipper != null && shipper.dropIfPrinted()) {
          shipper = null; // an idle work keeps no output
        }
        if (releaseRequested) {
          reports.emit(new FlowMessage.Released(name));
          released = true;
          if ((shipper == null || shipper.noneInFlight()) && settings.idleWorkActors() > 0) {
            // nothing of this work can reach the actor any more (its host owes no ack), so the
            // host may give it another work: one actor made less then
            node.host().tell(new HostMessage.WorkIdle(appId, getContext().getSelf()));
            return idle(getContext(), node);
          }
          return Behaviors.stopped();
        }
        return this;
      }
      start(next);
    }
    return this;
  }

  private void start(WorkMessage.Run run) {
    current = run;
    stopReason = null;
    if (shipper == null) {
      shipper = new OutputShipper(appId, name, node, getContext().getSelf());
    }
    WorkOutput output = shipper.forCall();
    // RUNNING is reported at the first tick: a call that ends sooner says it with its Done.
    reports.callStarting();
    scheduleTick(settings.runningReportDelay());
    runner.start(run, output);
  }

  private Behavior<WorkMessage> onRunFinished(RunFinished finished) {
    if (current == null || current.callId() != finished.callId()) {
      return this;
    }
    tick = cancel(tick);
    forceStop = cancel(forceStop);
    shipper.endCall();
    reports.end(finished, stopReason);
    current = null;
    runner.callEnded();
    ship();
    return sendFinalWhenPrinted();
  }

  /** Output before Done: the final event waits until every line of the call was printed. */
  private Behavior<WorkMessage> sendFinalWhenPrinted() {
    if (reports.endPending() && (shipper == null || shipper.allPrinted())) {
      reports.sendEnd();
    }
    return startNextIfIdle();
  }

  private Behavior<WorkMessage> onOutputPrinted() {
    if (shipper != null) {
      shipper.printed();
    }
    return sendFinalWhenPrinted();
  }

  private void scheduleTick(java.time.Duration after) {
    tick = getContext().scheduleOnce(after, getContext().getSelf(), new Tick(binding));
  }

  private static Cancellable cancel(Cancellable c) {
    if (c != null) {
      c.cancel();
    }
    return null;
  }

  private void ship() {
    if (shipper != null) {
      shipper.ship();
    }
  }

  private Behavior<WorkMessage> onTick() {
    ship();
    if (current != null) {
      reports.waitingOrRunning(current.callId(), runner);
      scheduleTick(settings.stateSyncInterval());
      reports.stateWhileRunning(runner.instance());
    }
    return this;
  }

  /** RUNNING follows as for any call: at the next tick, or with the call's Done if it is short. */
  private Behavior<WorkMessage> onCallBegan(CallBegan began) {
    if (current != null && current.callId() == began.callId() && !reports.startedSent()) {
      tick = cancel(tick);
      scheduleTick(settings.runningReportDelay());
    }
    return this;
  }

  private Behavior<WorkMessage> onStop(WorkMessage.Stop stop) {
    if (queue != null) {
      for (WorkMessage.Run queued : queue) {
        reports.emit(new FlowMessage.Stopped(name, queued.callId(), stop.reason()));
      }
      queue = null;
    }
    if (stop.release()) {
      releaseRequested = true;
    }
    if (current != null) {
      if (stopReason == null) {
        stopReason = stop.reason();
        if (runner.stop()) {
          // it was still waiting for a thread: it never runs, and ends now
          return onRunFinished(new RunFinished(current.callId(), null, true, false, null));
        }
        if (settings.forceStopAfter() != null) {
          forceStop =
              getContext()
                  .scheduleOnce(
                      settings.forceStopAfter(),
                      getContext().getSelf(),
                      new ForceStop(current.callId(), binding));
        }
      }
      return this;
    }
    return startNextIfIdle();
  }

  private Behavior<WorkMessage> onForceStop(ForceStop force) {
    if (current != null && current.callId() == force.callId()) {
      runner.forceStop();
    }
    return this;
  }

  private Behavior<WorkMessage> onPostStop() {
    runner.actorStopped();
    if (shipper != null) {
      shipper.close(); // what its output held in the node's output budget goes back
    }
    if (!released) {
      // stopped by the host (it ignores this then) or by a failure of this actor: the host must
      // not keep sending it runs, and fails the calls it had
      node.host()
          .tell(
              new HostMessage.WorkStopped(
                  appId,
                  name,
                  getContext().getSelf(),
                  CallFailures.open(current, reports.pendingEnd(), queue),
                  failedWith));
    }
    if (current != null) {
      runner.stopUnattended(current.callId());
    }
    return this;
  }
}
