package io.fulgur;

import java.util.Objects;

/**
 * How a {@link Work} is placed and called. Immutable: each {@code with*} method returns a copy.
 *
 * <p>Defaults ({@link #defaults()}): compute {@link CloudCompute#DEFAULT}, {@code parallel=false},
 * {@code cacheCalls=true}, {@code raiseException=true}, {@code maxRetries=0}.
 */
public final class WorkOptions {
  private static final WorkOptions DEFAULTS =
      new WorkOptions(CloudCompute.DEFAULT, false, true, true, 0);

  private final CloudCompute compute;
  private final boolean parallel;
  private final boolean cacheCalls;
  private final boolean raiseException;
  private final int maxRetries;

  private WorkOptions(
      CloudCompute compute,
      boolean parallel,
      boolean cacheCalls,
      boolean raiseException,
      int maxRetries) {
    this.compute = Objects.requireNonNull(compute, "compute must not be null");
    this.parallel = parallel;
    this.cacheCalls = cacheCalls;
    this.raiseException = raiseException;
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be 0 or more, was " + maxRetries);
    }
    this.maxRetries = maxRetries;
  }

  /** The default options: compute {@code default}, sequential, calls cached, failures raised. */
  public static WorkOptions defaults() {
    return DEFAULTS;
  }

  /** A copy that places the work on a node with the given compute's role. */
  public WorkOptions withCompute(CloudCompute compute) {
    return new WorkOptions(compute, parallel, cacheCalls, raiseException, maxRetries);
  }

  /**
   * A copy with the given parallelism. A parallel work's {@code run} returns at once; a sequential
   * work's {@code run} ends the flow's pass until its call has succeeded.
   */
  public WorkOptions withParallel(boolean parallel) {
    return new WorkOptions(compute, parallel, cacheCalls, raiseException, maxRetries);
  }

  /**
   * A copy with the given caching. Cached ({@code true}): a call whose input already succeeded is
   * not run again. Uncached: it is run again each time the flow reaches it.
   */
  public WorkOptions withCacheCalls(boolean cacheCalls) {
    return new WorkOptions(compute, parallel, cacheCalls, raiseException, maxRetries);
  }

  /**
   * A copy with the given failure policy. {@code true}: an exception in {@code onRun} fails the
   * app. {@code false}: the work is FAILED and the flow goes on (read {@link Work#hasFailed()}).
   */
  public WorkOptions withRaiseException(boolean raiseException) {
    return new WorkOptions(compute, parallel, cacheCalls, raiseException, maxRetries);
  }

  /**
   * A copy with the given retry policy for lost nodes: when the node running a call leaves the
   * cluster (crash, downing), the call is placed on another node with the same role and run again,
   * at most {@code maxRetries} times; after that it fails with reason {@code node_lost}. Exceptions
   * thrown by {@code onRun} are never retried. Default 0.
   *
   * @throws IllegalArgumentException if {@code maxRetries} is negative
   */
  public WorkOptions withMaxRetries(int maxRetries) {
    return new WorkOptions(compute, parallel, cacheCalls, raiseException, maxRetries);
  }

  /** How many times a call whose node was lost is run again on another node. */
  public int maxRetries() {
    return maxRetries;
  }

  /** The compute (cluster role) the work is placed on. */
  public CloudCompute compute() {
    return compute;
  }

  /** Whether the work runs in the background while the flow moves on. */
  public boolean parallel() {
    return parallel;
  }

  /** Whether a call whose input already succeeded is skipped. */
  public boolean cacheCalls() {
    return cacheCalls;
  }

  /** Whether an exception in {@code onRun} fails the app. */
  public boolean raiseException() {
    return raiseException;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WorkOptions other
        && compute.equals(other.compute)
        && parallel == other.parallel
        && cacheCalls == other.cacheCalls
        && raiseException == other.raiseException
        && maxRetries == other.maxRetries;
  }

  @Override
  public int hashCode() {
    return Objects.hash(compute, parallel, cacheCalls, raiseException, maxRetries);
  }

  @Override
  public String toString() {
    return "WorkOptions[compute="
        + compute.name()
        + ", parallel="
        + parallel
        + ", cacheCalls="
        + cacheCalls
        + ", raiseException="
        + raiseException
        + ", maxRetries="
        + maxRetries
        + "]";
  }
}
