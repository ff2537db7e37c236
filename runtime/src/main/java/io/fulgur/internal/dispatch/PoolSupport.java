package io.fulgur.internal.dispatch;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** What the node's two pools ({@link NodeExecutor}, {@link RunnerPool}) do alike. */
final class PoolSupport {
  private PoolSupport() {}

  /** Runs {@code task}; what it throws goes to the thread's uncaught-exception handler. */
  static void runReporting(Runnable task) {
    try {
      task.run();
    } catch (Throwable t) {
      Thread current = Thread.currentThread();
      Thread.UncaughtExceptionHandler handler = current.getUncaughtExceptionHandler();
      if (handler != null) {
        handler.uncaughtException(current, t);
      }
    }
  }

  /**
   * Waits on {@code lock} (notified when the last thread ends) until {@code terminated} holds or
   * the timeout passes; whether it holds.
   */
  static boolean awaitTermination(
      Object lock, BooleanSupplier terminated, long timeout, TimeUnit unit)
      throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    synchronized (lock) {
      while (!terminated.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }
}
