package io.fulgur.internal.dispatch;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * The threads a node runs calls on: its runner threads ({@link RunnerPool}) and the node's own
 * threads lent to sequential calls ({@link NodeExecutor#lend}), together at most {@code
 * fulgur.node.max-call-threads}. A call beyond that waits, in the order calls came, until a thread
 * is free: the node never starts more threads than it can afford, however many calls arrive.
 */
public final class CallThreads {
  /** The setting that caps the threads. */
  public static final String MAX_KEY = "fulgur.node.max-call-threads";

  private final RunnerPool runners;

  /**
   * Threads made by {@code factory}: at most {@code maxThreads}, as many short calls at once as
   * {@code width} (the cores).
   */
  public CallThreads(ThreadFactory factory, int width, int maxThreads) {
    this.runners = new RunnerPool(factory, width, maxThreads, MAX_KEY);
  }

  /**
   * Lends the node's thread to {@code call} (a sequential call, which its flow waits for), if the
   * caller is on the node's thread at the top of a task and the cap leaves a thread; false, and
   * nothing done, otherwise, and always when {@code threading} lends no thread (then the caller
   * {@link #execute}s it).
   */
  public boolean lend(Runnable call, ThreadingMode threading) {
    if (!runners.hold()) {
      return false;
    }
    if (threading.lend(
        () -> {
          try {
            call.run();
          } finally {
            runners.release();
          }
        })) {
      return true;
    }
    runners.release();
    return false;
  }

  /**
   * Runs {@code call} on a runner thread: at once while the cap leaves a thread, else once one is
   * free, after the calls that waited before it.
   *
   * @throws RejectedExecutionException when the node is shutting down, or the JVM gives no thread
   */
  public void execute(Runnable call) {
    runners.execute(call);
  }

  /**
   * Takes back a call given to {@link #execute} that still waits for a thread: true if it did (the
   * call never runs), false if the call has been taken by a thread already.
   */
  public boolean cancel(Runnable call) {
    return runners.cancel(call);
  }

  /** Stops the runners: queued calls never run, running ones are interrupted. */
  public void shutdownNow() {
    runners.shutdownNow();
  }
}
