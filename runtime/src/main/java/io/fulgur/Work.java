package io.fulgur;

import io.fulgur.internal.Internals;
import io.fulgur.internal.WorkCore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A unit of work that a {@link Flow} runs on a node of the cluster whose roles include the work's
 * {@link CloudCompute} name.
 *
 * <p>Subclasses implement {@link #onRun(Object)}. The flow calls {@link #run(Object)}: a sequential
 * work ends the flow's pass until the call has succeeded (the next pass passes through); a parallel
 * work returns at once. A work runs its calls one at a time, in the order they were sent.
 *
 * <p><b>Two instances.</b> The instance the flow holds is a view. The work runs on its own instance
 * on the node that runs it (also on the embedded single-node default, so that local and clustered
 * behave alike), and that instance is a copy of the one you built:
 *
 * <ul>
 *   <li><b>Configuration travels.</b> When the work is placed, its node gets every non-static,
 *       non-transient field of its class and superclasses (up to {@code Work}), whatever their
 *       visibility, {@code final} ones included: what the constructor stored is there in {@code
 *       onRun}. A subclass field that shadows a superclass field does not hide it. No constructor
 *       of the subclass runs on the node except a no-argument one, if the class declares one.
 *   <li><b>{@code transient} fields stay behind.</b> On the node they hold what the no-argument
 *       constructor sets, else null, 0 or false. Use them for what cannot travel (a connection, a
 *       cache) and open it in {@code onRun}.
 *   <li><b>State goes back.</b> The work's <em>state</em> is its public, non-static, non-final
 *       fields: copied back to the flow's instance while the work runs (every {@code
 *       fulgur.work.state-sync-interval}) and always before the call's {@code Done}. Private fields
 *       are the work's own working memory: copied once, never synced back. For clean snapshots,
 *       assign new values (for example a new list) rather than mutating a shared collection.
 *   <li><b>Values are copied as JSON</b> (Jackson, field by field, no getters or setters, never
 *       Java serialization): strings, numbers, booleans, enums, records, collections, maps, {@code
 *       java.time} values, and classes Jackson can build (a no-argument constructor, of any
 *       visibility, or a {@code @JsonCreator}). An object referenced from two fields arrives as two
 *       separate copies. A field declared with a type variable reads as the class the concrete work
 *       class binds it to.
 *   <li><b>Generic input.</b> For a work whose input type is generic ({@code class Echo<T> extends
 *       Work<T>}), the input's class travels with it and must be a JDK value or collection type, in
 *       the package of the work's class or superclasses, or in a package listed (with its
 *       subpackages) in {@code fulgur.serialization.allowed-packages}; else the call fails with
 *       reason {@code input_type_refused}. Elements of an erased container ({@code
 *       Echo<List<Point>>}) arrive as maps.
 *   <li><b>Mistakes fail early.</b> An inner, local or anonymous work class that holds its
 *       enclosing instance, or a field that holds a work, a flow, an actor ref, a thread or a
 *       lambda, fails the app when the work joins it. A value that holds a cycle, cannot be
 *       serialised or built back, or an instance larger than {@code fulgur.work.max-instance-size}
 *       fails the call at placement with reason {@code instance_error}. Each message names the
 *       field's path ({@code root.trainer.cfg.parent}) and the fix. A final state that cannot be
 *       sent fails the call with reason {@code state_error}.
 * </ul>
 *
 * <p><b>Threads.</b> {@code onRun} runs on a thread of its own on the work's node, never on a Pekko
 * dispatcher. Everything else here is called from the flow's {@code run()}, on the flow's thread.
 * What {@code onRun} prints to {@code System.out} and {@code System.err} appears on the flow node's
 * console, each line prefixed with the work's name.
 *
 * @param <I> the input type: JSON-serialisable ({@code Void} for works called with {@link #run()})
 */
public abstract class Work<I> {
  static {
    Internals.register(
        new Internals.WorkAccess() {
          @Override
          public WorkCore core(Work<?> work) {
            return work.core;
          }

          @Override
          @SuppressWarnings("unchecked")
          public void onRun(Work<?> work, Object input) throws Exception {
            ((Work<Object>) work).onRun(input);
          }
        });
  }

  private final WorkCore core;

  /** A sequential, cached work on {@link CloudCompute#DEFAULT}: {@link WorkOptions#defaults()}. */
  protected Work() {
    this(WorkOptions.defaults());
  }

  /** A sequential, cached work placed on a node with the given compute's role. */
  protected Work(CloudCompute compute) {
    this(WorkOptions.defaults().withCompute(compute));
  }

  /** A cached work on the given compute, parallel or sequential. */
  protected Work(CloudCompute compute, boolean parallel) {
    this(WorkOptions.defaults().withCompute(compute).withParallel(parallel));
  }

  /** A work with the given options. */
  protected Work(WorkOptions options) {
    this.core = new WorkCore(Objects.requireNonNull(options, "options must not be null"));
  }

  /**
   * The work itself; runs on the work's node, on a thread of its own. An exception fails the call
   * with reason {@code user_exception}. {@link Thread#interrupted()} tells a stopped call.
   *
   * @param input the input the flow passed to {@link #run(Object)} (a copy, through JSON)
   * @throws Exception to fail the call
   */
  protected abstract void onRun(I input) throws Exception;

  /**
   * Calls the work with {@code input}, from a flow's {@code run()}. The call's key is the work's
   * name and the canonical JSON of {@code input}: a new key sends {@code Run(input)} to the work's
   * node; with {@code cacheCalls} a key already sent is not sent again. For a sequential work whose
   * call has not succeeded, the pass ends here (this method does not return; the flow replays from
   * the top on its next pass). A parallel work returns at once.
   *
   * @throws IllegalStateException if not called from a flow's {@code run()} of a running app
   */
  public final void run(I input) {
    core.run(input);
  }

  /** Same as {@code run(null)}, for a {@code Work<Void>}. */
  public final void run() {
    core.run(null);
  }

  /**
   * Stops the running call and drops the queued ones; their status becomes STOPPED with reason
   * {@code stopped_by_flow}. The call's thread is interrupted, and a call that ignores interrupts
   * is ended at its next write to {@code System.out}/{@code System.err}.
   */
  public final void stop() {
    core.stop();
  }

  /**
   * The work's name, its path from the root flow ({@code root.workA}); null before the app runs.
   */
  public final String name() {
    return core.name();
  }

  /** The options the work was created with. */
  public final WorkOptions options() {
    return core.options();
  }

  /** The status of the work's latest call. */
  public final WorkStatus status() {
    return core.status();
  }

  /** The reason of the latest status change ({@code no_node_with_role}, ...), or null. */
  public final String statusReason() {
    return core.reason();
  }

  /** Every status change of the work's latest calls, oldest first (the last 1000 are kept). */
  public final List<StatusChange> statusHistory() {
    return core.history();
  }

  /** What made the latest call fail, with the remote exception's class, message and trace. */
  public final Optional<WorkFailure> failure() {
    return Optional.ofNullable(core.failure());
  }

  /**
   * The address of the node the work is placed on ({@code pekko://fulgur@127.0.0.1:25520}), or null
   * before it is placed. Inside {@code onRun}: the node it runs on.
   */
  public final String nodeAddress() {
    return core.nodeAddress();
  }

  /** Whether the latest call has started or ended: RUNNING, SUCCEEDED, FAILED or STOPPED. */
  public final boolean hasStarted() {
    WorkStatus s = core.status();
    return s != WorkStatus.NOT_STARTED && s != WorkStatus.PENDING;
  }

  /** Whether the latest call is PENDING. */
  public final boolean isPending() {
    return core.status() == WorkStatus.PENDING;
  }

  /** Whether the latest call is RUNNING. */
  public final boolean isRunning() {
    return core.status() == WorkStatus.RUNNING;
  }

  /** Whether the latest call SUCCEEDED. */
  public final boolean hasSucceeded() {
    return core.status() == WorkStatus.SUCCEEDED;
  }

  /** Whether the latest call FAILED. */
  public final boolean hasFailed() {
    return core.status() == WorkStatus.FAILED;
  }

  /** Whether the latest call was STOPPED. */
  public final boolean hasStopped() {
    return core.status() == WorkStatus.STOPPED;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + core.name() + ", " + core.status() + "]";
  }
}
