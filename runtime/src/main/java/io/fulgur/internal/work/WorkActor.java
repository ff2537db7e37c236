package io.fulgur.internal.work;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulgur.Work;
import io.fulgur.WorkFailure;
import io.fulgur.WorkOptions;
import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.Internals;
import io.fulgur.internal.Settings;
import io.fulgur.internal.WorkCore;
import io.fulgur.internal.node.CallThreads;
import io.fulgur.internal.node.NodeThreading;
import io.fulgur.internal.protocol.EventFit;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.Json;
import io.fulgur.internal.protocol.PrintMessage;
import io.fulgur.internal.protocol.InputTypes;
import io.fulgur.internal.protocol.InstanceCodec;
import io.fulgur.internal.protocol.StateCodec;
import io.fulgur.internal.protocol.WireSize;
import io.fulgur.internal.protocol.WorkMessage;
import java.util.ArrayDeque;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.javadsl.AbstractMatchingBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One work on its node: runs its calls one at a time, in order, each outside any actor: a
 * sequential call on the node's thread lent to it ({@link NodeThreading#lend}), otherwise on a
 * runner thread, once the node's {@link CallThreads} have one; reports Queued (a call still
 * waiting for a thread after a short delay), Started (after a short delay on its thread, or never
 * for a call whose Done says it), Done, Failed and Stopped to the flow through the node's host,
 * which batches them; sends the
 * work's state while it runs and before Done; ships its output to the flow's node, and sends a
 * call's Done only after its last line was printed. Once its work is released, the actor may
 * wait idle and serve a work placed later on its node, with a new {@code WorkActor} ({@link
 * WorkMessage.Bind}).
 */
public final class WorkActor extends AbstractMatchingBehavior<WorkMessage> {

  /** Ticks and forced stops name the binding that scheduled them ({@link #binding}). */
  private record Tick(int binding) implements WorkMessage.Internal {}

  private enum FlushOutput implements WorkMessage.Internal {
    INSTANCE
  }

  private record ForceStop(long callId, int binding) implements WorkMessage.Internal {}

  /** A call that waited for a thread (and the flow was told so) has begun on one. */
  private record CallBegan(long callId, int binding) implements WorkMessage.Internal {}

  private static final java.util.concurrent.atomic.AtomicInteger BINDINGS =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * This instance's number: an actor can serve one work after another ({@link #idle}), and a tick
   * or forced stop scheduled for an earlier work must not reach a later one.
   */
  private final int binding = BINDINGS.incrementAndGet();
  private final NodeResources node;

  /**
   * The call thread's report: {@code ran} is false when the call never reached {@code onRun}
   * (the instance could not be made, the input did not fit, or it was stopped before it began);
   * {@code state} is the work's state read on the call's thread after the call.
   */
  private record RunFinished(
      long callId, WorkFailure failure, boolean stopped, boolean ran, JsonNode state)
      implements WorkMessage.Internal {}

  private static final int MAX_BATCHES_IN_FLIGHT = 2;

  /** For the runner threads, which outlive the actor when it is stopped under a running call. */
  private static final org.slf4j.Logger RUNNER_LOG =
      org.slf4j.LoggerFactory.getLogger(WorkActor.class);

  private final String appId;
  private final String name;
  private final String nodeAddress;
  private final Class<? extends Work<?>> workClass;
  private final WorkOptions options;
  /** The flow's state for the instance: applied when the instance is made, then dropped. */
  private volatile JsonNode initialState;
  /** The node's own instance: made by the first call, on its runner thread. */
  private volatile Work<?> work;
  private final JavaType inputType;
  private final ActorRef<HostMessage> host;
  /** The app's flow: only its address is read (is the flow on another node?). */
  private final ActorRef<FlowMessage> flow;
  private final CallThreads calls;
  private final Settings settings;
  private final boolean hasState;
  /** Made when a call starts, dropped when the work is idle: an idle work keeps no buffers. */
  private WorkOutput output;
  /** Calls waiting for the running one; made when one has to wait. */
  private ArrayDeque<WorkMessage.Run> queue;
  /** The thread of the current call, while the call is on it. */
  private CallThread callThread;
  // Scheduled with the context, not a TimerScheduler: every work would carry one otherwise.
  private Cancellable tick;
  private Cancellable forceStop;
  private volatile boolean actorStopped;
  /** Whether the flow is on another node ({@link #flowRemote()}): 0 not read yet, 1 yes, 2 no. */
  private byte flowRemote;
  private boolean stateTooLargeLogged;

  private WorkMessage.Run current;
  /** Whether the flow was told that the current call is RUNNING. */
  private boolean startedSent;
  private String stopReason;
  private FlowMessage.Event pendingFinal;
  private int batchesInFlight;
  private boolean releaseRequested;
  /** Released (the host forgot this work when it passed the {@code Released} event on). */
  private boolean released;
  private JsonNode lastState;
  private volatile boolean stateWarningLogged;
  /** Why a handler of this actor failed, if one did: its calls fail with it. */
  private String failedWith;

  /**
   * A work actor for a work class loaded on this node. The instance is made by the first call, on
   * its runner thread: its constructor is user code.
   *
   * @param appId the app the work belongs to
   * @param name the work's name
   * @param workClass the work's class, loaded on this node
   * @param options the work's options as the flow has them
   * @param initialState the flow's state of the work, applied to the instance when it is made
   * @param flow the app's flow
   * @param node what the node gives every work actor
   * @param firstRun the work's first call, started as the actor starts, or {@code null}
   */
  public static Behavior<WorkMessage> create(
      String appId,
      String name,
      Class<? extends Work<?>> workClass,
      WorkOptions options,
      JsonNode initialState,
      ActorRef<FlowMessage> flow,
      NodeResources node,
      WorkMessage.Run firstRun) {
    return Behaviors.setup(
        ctx -> bind(ctx, node, appId, name, workClass, options, initialState, flow, firstRun));
  }

  /**
   * The work's actor, its first call started if there is one. A work that cannot be made here (a
   * type it needs is missing on this node, say) is reported to the host, which fails its calls with
   * {@code placement_failed} and forgets it; the actor stops.
   */
  private static Behavior<WorkMessage> bind(
      ActorContext<WorkMessage> ctx,
      NodeResources node,
      String appId,
      String name,
      Class<? extends Work<?>> workClass,
      WorkOptions options,
      JsonNode initialState,
      ActorRef<FlowMessage> flow,
      WorkMessage.Run firstRun) {
    try {
      WorkActor actor =
          new WorkActor(ctx, appId, name, workClass, options, initialState, flow, node);
      if (firstRun != null) {
        actor.start(firstRun);
      }
      return actor;
    } catch (Throwable t) {
      String why = CallFailures.notMade(name, workClass, node.address(), t);
      RUNNER_LOG.error("{}\n{}", why, FailureDescription.trace(t));
      node.host().tell(new HostMessage.WorkStopped(appId, name, ctx.getSelf(), List.of(), why));
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
            message instanceof WorkMessage.Bind b
                ? bind(
                    ctx, node, b.appId(), b.work(), b.workClass(), b.options(), b.instance(),
                    b.flow(), b.firstRun())
                : Behaviors.same());
  }

  private WorkActor(
      ActorContext<WorkMessage> context,
      String appId,
      String name,
      Class<? extends Work<?>> workClass,
      WorkOptions options,
      JsonNode initialState,
      ActorRef<FlowMessage> flow,
      NodeResources node) {
    super(context);
    // no setLoggerName: it walks the stack for every actor; this one logs through RUNNER_LOG
    this.appId = appId;
    this.name = name;
    this.node = node;
    this.nodeAddress = node.address();
    this.workClass = workClass;
    this.options = options;
    this.initialState = initialState;
    this.inputType = Json.inputType(workClass);
    this.host = node.host();
    this.flow = flow;
    this.calls = node.calls();
    this.settings = node.settings();
    this.hasState = StateCodec.hasState(workClass);
    this.lastState = hasState ? StateCodec.ofInstance(workClass, initialState) : null;
  }

  @Override
  public Behavior<WorkMessage> onMessage(WorkMessage message) {
    try {
      return dispatch(message);
    } catch (Throwable t) {
      // the actor stops; its host fails its calls with this (onPostStop) and forgets it
      failedWith = CallFailures.actorFailed(name, nodeAddress, message, t);
      RUNNER_LOG.error("{}\n{}", failedWith, FailureDescription.trace(t));
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
      return onFlushOutput();
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
      emit(new FlowMessage.Stopped(name, run.callId(), "app_ended"));
      return this;
    }
    if (current == null && pendingFinal == null && (queue == null || queue.isEmpty())) {
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
    while (current == null && pendingFinal == null) {
      WorkMessage.Run next = queue == null ? null : queue.pollFirst();
      if (next == null) {
        queue = null;
        tick = cancel(tick);
        if (output != null && batchesInFlight == 0 && output.isEmpty()) {
          output.close();
          output = null; // idle: the next call gets a new one
        }
        if (releaseRequested) {
          emit(new FlowMessage.Released(name));
          released = true;
          if (batchesInFlight == 0 && settings.idleWorkActors() > 0) {
            // nothing of this work can reach the actor any more (its host owes no ack), so the
            // host may give it another work: one actor made less then
            host.tell(new HostMessage.WorkIdle(appId, getContext().getSelf()));
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
    if (output == null) {
      ActorRef<WorkMessage> self = getContext().getSelf();
      output =
          new WorkOutput(
              settings.outputBatchLines(),
              settings.outputMaxBufferedLines(),
              settings.messageBudget(),
              settings.outputMaxLineBytes(),
              node.outputBudget(),
              () -> self.tell(FlushOutput.INSTANCE));
    }
    output.reset();
    // RUNNING is reported at the first tick: a call that ends sooner says it with its Done.
    startedSent = false;
    scheduleTick(settings.runningReportDelay());
    ActorRef<WorkMessage> self = getContext().getSelf();
    long callId = run.callId();
    JsonNode input = run.input();
    String inputClass = run.inputClass();
    WorkOutput callOutput = output;
    CallThread thread = new CallThread();
    callThread = thread;
    Runnable call =
        thread.task(
            () -> {
              try {
                runCall(self, callId, input, inputClass, callOutput, thread);
              } catch (Throwable t) {
                // runCall reports every end of the call itself; this is the net under it: nothing
                // may leave the call without an end, nor reach the thread it borrowed (for a
                // sequential call, the node's own, where Pekko takes a fatal error for the JVM's)
                WorkFailure failure = CallFailures.unreported(name, callId, nodeAddress, t);
                RUNNER_LOG.error("Work [{}]: {}", name, failure.message());
                self.tell(new RunFinished(callId, failure, false, false, null));
              }
            });
    // a sequential call takes the node's thread when it arrives on it (no thread to wake: the
    // flow waits for this call); parallel ones, and any call that cannot, go to a runner thread
    if (!options.parallel() && calls.lend(call, settings.threading())) {
      return;
    }
    try {
      calls.execute(call);
    } catch (RejectedExecutionException e) {
      self.tell(
          new RunFinished(
              callId,
              CallFailures.of("node_stopping", e, "the node is shutting down"),
              false,
              false,
              null));
    }
  }

  /**
   * On the call's thread (a runner thread, or the node's thread lent to a sequential call): makes
   * the instance at the first call, reads the input, runs {@code onRun}, reads the state after it.
   * Everything that runs user code (constructor, Jackson on the user's types, onRun) runs here,
   * never inside an actor.
   */
  private void runCall(
      ActorRef<WorkMessage> self,
      long callId,
      JsonNode inputTree,
      String inputClass,
      WorkOutput output,
      CallThread thread) {
    WorkFailure failure = null;
    boolean stopped = false;
    boolean ran = false;
    boolean deathSeen = false;
    Work<?> instance = work;
    JavaType type = inputType;
    try {
      // a forced stop can come from here on: everything after is inside the catches
      if (thread.enter()) {
        self.tell(new CallBegan(callId, binding));
      }
      try {
        OutputRouter.ensureInstalled();
        OutputRouter.bind(output);
        if (output.stopRequested()) {
          throw new WorkStoppedError();
        }
        if (instance == null) {
          instance = instantiate();
        }
        if (inputClass != null) {
          try {
            type = InputTypes.resolve(inputClass, workClass, settings.allowedPackages());
          } catch (InputTypes.Refused e) {
            throw new InputTypeRefused(e);
          }
        }
        Object input;
        try {
          input = Json.read(inputTree, type);
        } catch (Exception e) {
          throw new InputError(e);
        }
        ran = true;
        Internals.onRun(instance, input);
      } catch (InstantiationError e) {
        failure = CallFailures.notInstantiated(workClass, nodeAddress, e.getCause());
      } catch (InputTypeRefused e) {
        failure = CallFailures.inputTypeRefused(name, nodeAddress, e.getCause());
      } catch (InputError e) {
        failure =
            CallFailures.of(
                "input_error", e.getCause(), "input does not fit " + type.toCanonical());
      } catch (WorkStoppedError e) {
        stopped = true;
      } catch (Throwable t) {
        deathSeen = CallThread.isThreadDeath(t);
        if (output.stopRequested() || deathSeen) {
          stopped = true;
        } else {
          failure = CallFailures.of("user_exception", t, null);
        }
      }
    } catch (Throwable late) {
      if (CallThread.isThreadDeath(late)) {
        // a forced stop that arrived after the user's code, while the call was being wrapped up
        deathSeen = true;
        stopped = true;
      } else {
        // the call's failure could not be described (FailureDescription never throws, but the
        // JVM may): the call fails all the same
        failure = CallFailures.unreported(name, callId, nodeAddress, late);
      }
    }
    // from here on no interrupt or forced stop meant for the call reaches this thread
    thread.leave(deathSeen);
    try {
      OutputRouter.unbind();
    } catch (WorkStoppedError ignored) {
      stopped = true;
    }
    if (actorStopped) {
      RUNNER_LOG.info("Work [{}] stopped: the thread of its call {} has ended", name, callId);
      return;
    }
    JsonNode state = null;
    if (hasState && instance != null) {
      try {
        state = StateCodec.snapshotAfterCall(instance);
      } catch (Json.NotSerializableException e) {
        if (failure == null && !stopped) {
          // the flow would keep the state from before the call and take it for the result
          failure = CallFailures.stateNotSent(name, e);
        }
      } catch (RuntimeException | Error e) {
        // any other failure to read the state (out of memory, say): the call must still end
        if (failure == null && !stopped) {
          failure = CallFailures.stateNotRead(name, e);
        }
      }
    }
    RunFinished finished =
        new RunFinished(callId, failure, stopped || output.stopRequested(), ran, state);
    if (options.parallel()) {
      self.tell(finished);
    } else {
      // the flow waits for this call: its report and Done go out from this thread, without
      // waking the node's thread (NodeExecutor)
      settings.threading().handOver(() -> self.tell(finished));
    }
  }

  /** The instance could not be made (its constructor failed): the call fails, nothing ran. */
  private static final class InstantiationError extends Exception {
    private static final long serialVersionUID = 1L;

    InstantiationError(Throwable cause) {
      super(cause);
    }
  }

  /** The input's class may not be built on this node: the call fails, nothing ran. */
  private static final class InputTypeRefused extends Exception {
    private static final long serialVersionUID = 1L;

    InputTypeRefused(Throwable cause) {
      super(cause);
    }
  }

  /** The input does not fit the work's input type: the call fails, nothing ran. */
  private static final class InputError extends Exception {
    private static final long serialVersionUID = 1L;

    InputError(Throwable cause) {
      super(cause);
    }
  }

  /** On the runner thread: the node's own instance, with the flow's options and state. */
  private Work<?> instantiate() throws InstantiationError {
    try {
      Work<?> instance = WorkInstantiator.instantiate(workClass);
      WorkCore core = Internals.core(instance);
      core.options(options);
      core.nameOnNode(name, nodeAddress);
      InstanceCodec.apply(instance, name, initialState);
      initialState = null;
      work = instance;
      return instance;
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw new InstantiationError(e.getCause() != null ? e.getCause() : e);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      throw new InstantiationError(e);
    }
  }

  /**
   * Whether the flow is on another node, read when first needed: only works with state need it,
   * and reading a remote ref's address walks its path (3% of a worker node's CPU per placed work).
   */
  private boolean flowRemote() {
    if (flowRemote == 0) {
      flowRemote = (byte) (flow.path().address().hasGlobalScope() ? 1 : 2);
    }
    return flowRemote == 1;
  }

  /** Events go to the host, which batches them to the flow: ordered per work. */
  private void emit(FlowMessage.Event event) {
    host.tell(new HostMessage.Emit(appId, event));
  }

  private Behavior<WorkMessage> onRunFinished(RunFinished finished) {
    if (current == null || current.callId() != finished.callId()) {
      return this;
    }
    tick = cancel(tick);
    forceStop = cancel(forceStop);
    output.endCall();
    JsonNode state = finished.state();
    WorkFailure failure = finished.failure();
    long stateSize = state == null || !flowRemote() ? 0 : WireSize.of(state);
    if (stateSize > settings.maxValueSize()) {
      // no message could carry it to the flow (Artery would drop it): the call fails and says
      // why, or keeps the failure it had (the flow then keeps the state from before the call)
      String message =
          String.format(
              java.util.Locale.ROOT,
              "the state of work %s after call %d is at least %,d bytes; %s",
              name,
              finished.callId(),
              stateSize,
              WireSize.valueLimitText(settings.maxValueSize()));
      if (failure == null) {
        failure = new WorkFailure("state_too_large", null, message, null);
      } else {
        getContext().getLog().warn("Work [{}] failed, and its state is not sent: {}", name, message);
      }
      state = null;
    } else if (state != null) {
      lastState = state;
    }
    if (!startedSent && finished.ran() && (finished.stopped() || failure != null)) {
      // Done implies RUNNING; Failed and Stopped also end calls that never ran
      reportStarted();
    }
    if (finished.stopped()) {
      pendingFinal =
          new FlowMessage.Stopped(
              name, finished.callId(), stopReason == null ? "stopped_by_flow" : stopReason);
    } else if (failure != null) {
      FlowMessage.Failed failed =
          EventFit.fit(
              new FlowMessage.Failed(name, finished.callId(), failure, state),
              settings.messageBudget());
      if (failed.state() == null && state != null) {
        getContext()
            .getLog()
            .warn(
                "Work [{}] failed, and its state is not sent: with the failure it would not fit in"
                    + " one message to the flow",
                name);
      }
      pendingFinal = failed;
    } else {
      pendingFinal = new FlowMessage.Done(name, finished.callId(), state);
    }
    current = null;
    callThread = null;
    flushOutput();
    return sendFinalWhenPrinted();
  }

  /** Output before Done: the final event waits until every line of the call was printed. */
  private Behavior<WorkMessage> sendFinalWhenPrinted() {
    if (pendingFinal != null && batchesInFlight == 0 && (output == null || output.isEmpty())) {
      emit(pendingFinal);
      pendingFinal = null;
    }
    return startNextIfIdle();
  }

  private Behavior<WorkMessage> onOutputPrinted() {
    batchesInFlight--;
    if (output != null) {
      output.acked();
    }
    flushOutput();
    return sendFinalWhenPrinted();
  }

  private Behavior<WorkMessage> onFlushOutput() {
    flushOutput();
    return this;
  }

  private void flushOutput() {
    while (output != null && batchesInFlight < MAX_BATCHES_IN_FLIGHT) {
      List<PrintMessage.Line> lines = output.drain();
      if (lines.isEmpty()) {
        return;
      }
      host.tell(
          new HostMessage.Print(
              appId, new FlowMessage.Output(name, lines), getContext().getSelf()));
      batchesInFlight++;
    }
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

  private void reportStarted() {
    startedSent = true;
    emit(new FlowMessage.Started(name, current.callId()));
  }

  private Behavior<WorkMessage> onTick() {
    flushOutput();
    if (current != null) {
      if (!startedSent && callThread.reportQueued()) {
        emit(new FlowMessage.Queued(name, current.callId())); // CallBegan when it begins
      } else if (!startedSent && callThread.hasBegun()) {
        reportStarted();
      }
      scheduleTick(settings.stateSyncInterval());
    }
    Work<?> instance = work;
    if (hasState && current != null && instance != null) {
      // while the call runs: a racy read by nature, retried at the next tick if it fails
      JsonNode state = snapshotOrNull(instance);
      if (state != null && !state.equals(lastState)) {
        lastState = state;
        if (!flowRemote() || WireSize.of(state) <= settings.maxValueSize()) {
          emit(new FlowMessage.StateChanged(name, state));
        } else if (!stateTooLargeLogged) {
          stateTooLargeLogged = true;
          getContext()
              .getLog()
              .warn(
                  "Work [{}]: its state is too large to send to the flow while it runs ({}); the"
                      + " flow sees it again once it fits",
                  name,
                  WireSize.valueLimitText(settings.maxValueSize()));
        }
      }
    }
    return this;
  }

  private ObjectNode snapshotOrNull(Work<?> instance) {
    try {
      return StateCodec.snapshot(instance);
    } catch (ConcurrentModificationException e) {
      // A collection changed under the snapshot: the next tick (or the final one) reads it again.
      return null;
    } catch (Json.NotSerializableException e) {
      if (!stateWarningLogged) {
        stateWarningLogged = true;
        RUNNER_LOG.warn(
            "State of work [{}] cannot be synced: {}", name, FailureDescription.message(e));
      }
      return null;
    }
  }

  /** RUNNING follows as for any call: at the next tick, or with the call's Done if it is short. */
  private Behavior<WorkMessage> onCallBegan(CallBegan began) {
    if (current != null && current.callId() == began.callId() && !startedSent) {
      tick = cancel(tick);
      scheduleTick(settings.runningReportDelay());
    }
    return this;
  }

  private Behavior<WorkMessage> onStop(WorkMessage.Stop stop) {
    if (queue != null) {
      for (WorkMessage.Run queued : queue) {
        emit(new FlowMessage.Stopped(name, queued.callId(), stop.reason()));
      }
      queue = null;
    }
    if (stop.release()) {
      releaseRequested = true;
    }
    if (current != null) {
      if (stopReason == null) {
        stopReason = stop.reason();
        if (callThread.cancel(calls)) {
          // it was still waiting for a thread: it never runs, and ends now
          return onRunFinished(new RunFinished(current.callId(), null, true, false, null));
        }
        interruptCurrent();
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

  private void interruptCurrent() {
    output.requestStop();
    if (callThread != null) {
      callThread.interrupt();
    }
  }

  private Behavior<WorkMessage> onForceStop(ForceStop force) {
    if (current != null && current.callId() == force.callId() && callThread != null) {
      callThread.forceStop(name, settings.forceStopAfter());
    }
    return this;
  }

  private Behavior<WorkMessage> onPostStop() {
    actorStopped = true;
    if (output != null) {
      output.close(); // what it held in the node's output budget goes back
    }
    if (!released) {
      // stopped by the host (it ignores this then) or by a failure of this actor: the host must
      // not keep sending it runs, and fails the calls it had
      host.tell(
          new HostMessage.WorkStopped(
              appId,
              name,
              getContext().getSelf(),
              CallFailures.open(current, pendingFinal, queue),
              failedWith));
    }
    if (current != null && !(callThread != null && callThread.cancel(calls))) {
      // (a call still waiting for a thread was taken back: it never runs)
      RUNNER_LOG.info("Work [{}] is stopping its running call {}", name, current.callId());
      interruptCurrent();
      if (callThread != null && settings.forceStopAfter() != null) {
        callThread.reapLater(name, settings.forceStopAfter());
      }
    }
    return this;
  }
}
