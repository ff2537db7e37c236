package io.fulgur;

/**
 * The status of a work's latest call, as the flow sees it.
 *
 * <p>{@code NOT_STARTED -> PENDING -> RUNNING -> SUCCEEDED | FAILED | STOPPED}.
 */
public enum WorkStatus {
  /** The work was never called. */
  NOT_STARTED,
  /**
   * The call was sent (or waits for a node with the work's role, or on its node for a thread:
   * reason {@code queued}) and has not started yet.
   */
  PENDING,
  /** {@code onRun} is executing on the work's node. */
  RUNNING,
  /** {@code onRun} returned normally. */
  SUCCEEDED,
  /** {@code onRun} threw, the work's node was lost, or no node with its role appeared in time. */
  FAILED,
  /** The call was stopped by {@link Work#stop()} or because the app ended. */
  STOPPED;

  /** Whether this status is final for its call: SUCCEEDED, FAILED or STOPPED. */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == STOPPED;
  }
}
