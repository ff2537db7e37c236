package io.fulgur.internal;

import io.fulgur.StatusChange;
import io.fulgur.WorkFailure;
import io.fulgur.WorkOptions;
import io.fulgur.WorkStatus;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The runtime's side of a {@link io.fulgur.Work}: options, name, and the flow's view of its latest
 * call (status, reason, history, failure). The flow-side fields are written and read on the flow's
 * thread only; {@code volatile} lets other threads (tests, logs) read a recent value.
 */
public final class WorkCore {
  /** How many status changes a work keeps; older ones are dropped first. */
  public static final int HISTORY_LIMIT = 1000;

  /** The app whose pass runs on the current thread, if any. */
  public static final ThreadLocal<WorkBinding> CURRENT_PASS = new ThreadLocal<>();

  private volatile WorkOptions options;
  private volatile String name;
  private volatile WorkBinding binding;
  private volatile Object record;
  private volatile String nodeAddress;
  private volatile WorkStatus status = WorkStatus.NOT_STARTED;
  private volatile String reason;
  private volatile WorkFailure failure;

  /** A status change as kept: the public {@link StatusChange} is made when history is read. */
  private record Change(WorkStatus status, long epochMillis, String reason) {}

  /** Created at the first change: a work's own instance on its node never has one. */
  private Deque<Change> history;

  /** A core with the options the work's constructor gave. */
  public WorkCore(WorkOptions options) {
    this.options = options;
  }

  /** The work's options. */
  public WorkOptions options() {
    return options;
  }

  /** Replaces the options: used on a work's node, where the flow's options are authoritative. */
  public void options(WorkOptions options) {
    this.options = options;
  }

  /** Binds a flow-side work to its app. */
  public void bind(String name, WorkBinding binding) {
    bind(name, binding, null);
  }

  /**
   * Binds a flow-side work to its app, with the app's own record of it ({@link #record()}: no
   * lookup by name at each call).
   */
  public void bind(String name, WorkBinding binding, Object record) {
    this.name = name;
    this.binding = binding;
    this.record = record;
  }

  /** The app this work is bound to, or {@code null}. */
  public WorkBinding binding() {
    return binding;
  }

  /** What the binding gave with {@link #bind(String, WorkBinding, Object)}, or {@code null}. */
  public Object record() {
    return record;
  }

  /** Names a node-side work instance (no binding: it cannot call other works). */
  public void nameOnNode(String name, String nodeAddress) {
    this.name = name;
    this.nodeAddress = nodeAddress;
  }

  /** The work's name, or {@code null} before it is part of a running app. */
  public String name() {
    return name;
  }

  /** The address of the node the work runs on, or {@code null} if not placed. */
  public String nodeAddress() {
    return nodeAddress;
  }

  /** Records where the work was placed. */
  public void nodeAddress(String address) {
    this.nodeAddress = address;
  }

  /** {@code run(input)} from user code. */
  public void run(Object input) {
    WorkBinding b = binding;
    if (b == null) {
      // A work added to a flow during this pass: the pass's app binds it now.
      b = CURRENT_PASS.get();
    }
    if (b == null) {
      throw new IllegalStateException(
          name == null
              ? "Work "
                  + getClass().getSimpleName()
                  + " is not part of a running app: call run() from a Flow's run(), on a work"
                  + " held in a field, List or Map of a Flow"
              : "Work " + name + " cannot call run() on its node: only a Flow calls works");
    }
    b.run(this, input);
  }

  /** {@code stop()} from user code. */
  public void stop() {
    WorkBinding b = binding;
    if (b == null) {
      throw new IllegalStateException(
          "Work " + (name == null ? "(not in an app)" : name) + " can only be stopped by its flow");
    }
    b.stop(this);
  }

  /** The status of the latest call. */
  public WorkStatus status() {
    return status;
  }

  /** The reason of the latest status change, or {@code null}. */
  public String reason() {
    return reason;
  }

  /** The failure of the latest call, or {@code null}. */
  public WorkFailure failure() {
    return failure;
  }

  /** Records a status change of the latest call. */
  public void status(WorkStatus newStatus, String newReason, WorkFailure newFailure) {
    synchronized (this) {
      if (history == null) {
        history = new ArrayDeque<>(4);
      }
      if (history.size() >= HISTORY_LIMIT) {
        history.removeFirst();
      }
      // milliseconds: Instant.now() is a native call, 5% of the flow's CPU in a large fan-out
      history.addLast(new Change(newStatus, System.currentTimeMillis(), newReason));
    }
    this.failure = newFailure;
    this.reason = newReason;
    this.status = newStatus;
  }

  /** A copy of the status history, oldest first. */
  public List<StatusChange> history() {
    synchronized (this) {
      if (history == null) {
        return List.of();
      }
      List<StatusChange> changes = new ArrayList<>(history.size());
      for (Change c : history) {
        changes.add(
            new StatusChange(c.status(), Instant.ofEpochMilli(c.epochMillis()), c.reason()));
      }
      return List.copyOf(changes);
    }
  }
}
