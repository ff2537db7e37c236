package io.fulgur.internal.dispatch;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * What a node's actors do with threads: lend the thread they run on to a sequential call, run a
 * call on a runner thread, take back a call that still waits for one, and hand a finished call's
 * report over to the thread it is sent from. The actors reach Fulgur's threading only through this,
 * so that with custom threading off ({@link ThreadingMode#PEKKO}) no thread is lent and no report
 * handed over, whatever the actor asks.
 */
public interface NodeThreads {

  /**
   * Lends the node's thread to {@code call} (a sequential call, which its flow waits for), if the
   * caller is on the node's thread at the top of a task and the cap leaves a thread; false, and
   * nothing done, otherwise, and always when custom threading is off (then the caller {@link
   * #execute}s it).
   */
  boolean lend(Runnable call);

  /**
   * Runs {@code call} on a runner thread: at once while the cap leaves a thread, else once one is
   * free, after the calls that waited before it.
   *
   * @throws RejectedExecutionException when the node is shutting down, or the JVM gives no thread
   */
  void execute(Runnable call);

  /**
   * Takes back a call given to {@link #execute} that still waits for a thread: true if it did (the
   * call never runs), false if the call has been taken by a thread already.
   */
  boolean cancel(Runnable call);

  /**
   * Runs {@code report} (a tell to an actor on the node's dispatcher) so that the dispatcher work
   * it sets off may run on the calling thread; a plain tell when custom threading is off.
   */
  void handOver(Runnable report);

  /** Stops the runners: queued calls never run, running ones are interrupted. */
  void shutdownNow();

  /**
   * A node's threads of calls, made by {@code factory}: at most {@code maxThreads} (runners and
   * lent node threads together), as many short calls at once as {@code width} (the cores).
   */
  static NodeThreads forCalls(
      ThreadingMode mode, ThreadFactory factory, int width, int maxThreads) {
    return new CallThreads(mode, factory, width, maxThreads);
  }

  /**
   * The threads of an actor that runs no calls (the flow): it only hands its sends over. Nothing is
   * lent to it, and a call given to it is rejected.
   */
  static NodeThreads forReports(ThreadingMode mode) {
    return new ReportThreads(mode);
  }
}
