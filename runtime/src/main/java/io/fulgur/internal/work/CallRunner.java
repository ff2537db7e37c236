package io.fulgur.internal.work;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import io.fulgur.Work;
import io.fulgur.WorkFailure;
import io.fulgur.WorkOptions;
import io.fulgur.internal.Internals;
import io.fulgur.internal.WorkCore;
import io.fulgur.internal.dispatch.NodeThreads;
import io.fulgur.internal.protocol.InputTypes;
import io.fulgur.internal.protocol.InstanceCodec;
import io.fulgur.internal.protocol.Json;
import io.fulgur.internal.protocol.StateCodec;
import io.fulgur.internal.protocol.WorkMessage;
import java.util.concurrent.RejectedExecutionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one work's calls outside its actor, one at a time: puts each call on a thread (the node's
 * thread lent to a sequential call, otherwise a runner thread of the node's {@link NodeThreads}),
 * makes the work's instance at the first call, runs {@code onRun} and reads the state after it,
 * then tells the actor how the call ended ({@link WorkActor.RunFinished}). Everything that runs
 * user code (constructor, Jackson on the user's types, onRun) runs on the call's thread, never
 * inside the actor. The actor's thread calls every method here but {@link #runCall}.
 */
final class CallRunner {
  /** For the call threads, which outlive the actor when it is stopped under a running call. */
  /** A work's lines log under its actor's name, wherever they are written. */
  private static final Logger LOG = LoggerFactory.getLogger(WorkActor.class);

  private final String name;
  private final NodeResources node;
  private final Class<? extends Work<?>> workClass;
  private final WorkOptions options;

  /** The flow's state for the instance: applied when the instance is made, then dropped. */
  private volatile JsonNode initialState;

  /** The node's own instance: made by the first call, on its call's thread. */
  private volatile Work<?> work;

  private final JavaType inputType;
  private final boolean hasState;
  private final ActorRef<WorkMessage> self;

  /** The actor's binding, named in {@link WorkActor.CallBegan}. */
  private final int binding;

  /** The thread of the current call, while the call is on it. */
  private CallThread callThread;

  /** What the current call prints into, until the actor has its report. */
  private WorkOutput output;

  private volatile boolean actorStopped;

  /**
   * @param name the work's name
   * @param workClass the work's class, loaded on this node
   * @param options the work's options as the flow has them
   * @param initialState the flow's state of the work, applied to the instance when it is made
   * @param hasState whether the work keeps state, read after every call
   * @param node what the node gives every work actor
   * @param self the work's actor, told how each call ended
   * @param binding the actor's binding
   */
  CallRunner(
      String name,
      Class<? extends Work<?>> workClass,
      WorkOptions options,
      JsonNode initialState,
      boolean hasState,
      NodeResources node,
      ActorRef<WorkMessage> self,
      int binding) {
    this.name = name;
    this.node = node;
    this.workClass = workClass;
    this.options = options;
    this.initialState = initialState;
    this.inputType = Json.inputType(workClass);
    this.hasState = hasState;
    this.self = self;
    this.binding = binding;
  }

  /** Puts {@code run} on a thread, its prints going to {@code output}. */
  void start(WorkMessage.Run run, WorkOutput output) {
    this.output = output;
    long callId = run.callId();
    JsonNode input = run.input();
    String inputClass = run.inputClass();
    CallThread thread = new CallThread();
    callThread = thread;
    Runnable call =
        thread.task(
            () -> {
              try {
                runCall(callId, input, inputClass, output, thread);
              } catch (Throwable t) {
                // runCall reports every end of the call itself; this is the net under it: nothing
                // may leave the call without an end, nor reach the thread it borrowed (for a
                // sequential call, the node's own, where Pekko takes a fatal error for the JVM's)
                WorkFailure failure = CallFailures.unreported(name, callId, node.address(), t);
                LOG.error("Work [{}]: {}", name, failure.message());
                self.tell(new WorkActor.RunFinished(callId, failure, false, false, null));
              }
            });
    // a sequential call takes the node's thread when it arrives on it (no thread to wake: the
    // flow waits for this call); parallel ones, and any call that cannot, go to a runner thread
    if (!options.parallel() && node.calls().lend(call)) {
      return;
    }
    try {
      node.calls().execute(call);
    } catch (RejectedExecutionException e) {
      self.tell(
          new WorkActor.RunFinished(
              callId,
              CallFailures.of("node_stopping", e, "the node is shutting down"),
              false,
              false,
              null));
    }
  }

  /** The work's instance, once the first call made it (read while a call may write its state). */
  Work<?> instance() {
    return work;
  }

  /**
   * True the first time it is asked while the current call still waits for a thread: the flow is to
   * be told so once.
   */
  boolean reportQueued() {
    return callThread.reportQueued();
  }

  /** Whether the current call has begun on its thread. */
  boolean hasBegun() {
    return callThread.hasBegun();
  }

  /**
   * Stops the current call: true if it still waited for a thread and never runs now; otherwise its
   * next print throws and its thread is interrupted.
   */
  boolean stop() {
    if (takeBack()) {
      return true;
    }
    interrupt();
    return false;
  }

  /**
   * The actor stops under call {@code callId}: the call is stopped as by {@link #stop}, and as no
   * timer of the actor forces it any more, a daemon forces it later if it ignores that.
   */
  void stopUnattended(long callId) {
    if (takeBack()) {
      return; // it never runs
    }
    LOG.info("Work [{}] is stopping its running call {}", name, callId);
    interrupt();
    reapLater();
  }

  /** Takes the current call back if it still waits for a thread: true if it never runs now. */
  private boolean takeBack() {
    return callThread != null && callThread.cancel(node.calls());
  }

  /** Makes the current call's next print throw, and interrupts its thread if it is on it. */
  private void interrupt() {
    output.requestStop();
    if (callThread != null) {
      callThread.interrupt();
    }
  }

  /** Forces the current call off its thread: it ignored its stop for too long. */
  void forceStop() {
    if (callThread != null) {
      callThread.forceStop(name, node.settings().forceStopAfter());
    }
  }

  /** A daemon forces the current call off its thread if it is still there after a while. */
  private void reapLater() {
    if (callThread != null && node.settings().forceStopAfter() != null) {
      callThread.reapLater(name, node.settings().forceStopAfter());
    }
  }

  /** The actor has the current call's report: nothing of that call is kept. */
  void callEnded() {
    callThread = null;
    output = null;
  }

  /** The actor stopped: a call that ends from now on is not reported (nobody would read it). */
  void actorStopped() {
    actorStopped = true;
  }

  /**
   * On the call's thread (a runner thread, or the node's thread lent to a sequential call): makes
   * the instance at the first call, reads the input, runs {@code onRun}, reads the state after it.
   */
  private void runCall(
      long callId, JsonNode inputTree, String inputClass, WorkOutput output, CallThread thread) {
    WorkFailure failure = null;
    boolean stopped = false;
    boolean ran = false;
    boolean deathSeen = false;
    Work<?> instance = work;
    JavaType type = inputType;
    try {
      // a forced stop can come from here on: everything after is inside the catches
      if (thread.enter()) {
        self.tell(new WorkActor.CallBegan(callId, binding));
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
            type = InputTypes.resolve(inputClass, workClass, node.settings().allowedPackages());
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
        failure = CallFailures.notInstantiated(workClass, node.address(), e.getCause());
      } catch (InputTypeRefused e) {
        failure = CallFailures.inputTypeRefused(name, node.address(), e.getCause());
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
        failure = CallFailures.unreported(name, callId, node.address(), late);
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
      LOG.info("Work [{}] stopped: the thread of its call {} has ended", name, callId);
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
    WorkActor.RunFinished finished =
        new WorkActor.RunFinished(callId, failure, stopped || output.stopRequested(), ran, state);
    if (options.parallel()) {
      self.tell(finished);
    } else {
      // the flow waits for this call: its report and Done go out from this thread, without
      // waking the node's thread (NodeExecutor)
      node.calls().handOver(() -> self.tell(finished));
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

  /** On the call's thread: the node's own instance, with the flow's options and state. */
  private Work<?> instantiate() throws InstantiationError {
    try {
      Work<?> instance = WorkInstantiator.instantiate(workClass);
      WorkCore core = Internals.core(instance);
      core.options(options);
      core.nameOnNode(name, node.address());
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
}
