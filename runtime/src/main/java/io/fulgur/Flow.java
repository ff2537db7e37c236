package io.fulgur;

import io.fulgur.internal.FlowCore;
import io.fulgur.internal.Internals;

/**
 * The coordinator of an app: its {@link #run()} calls works and child flows.
 *
 * <p>The runtime calls the root flow's {@code run()} again and again; each call is a <em>pass</em>.
 * A pass runs when something the flow can observe changed (the app started, a work's status or
 * state changed, a child was added); changes that arrive during a pass are coalesced into one next
 * pass. Passes never overlap and run on the flow's own thread. A parent flow calls its children's
 * {@code run()} itself.
 *
 * <p>Children are the {@link Work}s and {@code Flow}s held in the flow's fields, directly or in
 * {@code List} and {@code Map<String, ...>} fields; children added while the app runs join it. They
 * are named by their path: {@code root.workA}, {@code root.workers.3}, {@code root.byKey.alpha}.
 */
public abstract class Flow {
  static {
    Internals.register((Internals.FlowAccess) flow -> flow.core);
  }

  private final FlowCore core = new FlowCore();

  /** Creates a flow; it gets its name when the app starts. */
  protected Flow() {}

  /** One pass of the flow. Called by the runtime, again and again, on the flow's thread. */
  public abstract void run();

  /** Ends the app normally: every work is stopped and {@link App#run()} returns. Ends the pass. */
  protected final void stop() {
    core.end(false, null);
  }

  /**
   * Ends the app normally with a message that is logged. Ends the pass.
   *
   * @param reason why the app ended
   */
  protected final void stop(String reason) {
    core.end(false, reason);
  }

  /**
   * Ends the app as failed: every work is stopped and {@link App#run()} throws {@link
   * AppFailedException} with this reason. Ends the pass.
   *
   * @param reason why the app failed
   */
  protected final void fail(String reason) {
    core.end(true, reason);
  }

  /** The flow's name: {@code root}, {@code root.child}; null before the app runs. */
  public final String name() {
    return core.name();
  }
}
