package io.fulgur.internal.work;

import io.fulgur.internal.dispatch.NodeThreads;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread one call of a work runs on, while the call runs there. A stop interrupts the call's
 * thread, and one ignored long enough is forced ({@code Thread.stop}); both act only while the call
 * is on the thread. The thread goes on to other calls (a runner thread) or back to the node's own
 * tasks (a node thread lent to the call) the moment the call ends, and must never get an interrupt
 * or a {@code ThreadDeath} meant for a call that has left it.
 *
 * <p>Before that, the call may wait for a thread ({@link NodeThreads}): whether it has begun, and
 * whether its flow was told it waits, are kept here, so that RUNNING is reported only once the call
 * is on its thread.
 */
final class CallThread {
  private static final Logger LOG = LoggerFactory.getLogger(CallThread.class);
  private static final long DEATH_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** What runs the call, given to the node's call threads (taken back if it never began). */
  private Runnable task;

  private Thread thread;
  private boolean begun;
  private boolean cancelled;
  private boolean queuedReported;
  private boolean stopIssued;
  private boolean left;

  /** Sets what runs the call, before it is given to a thread; returns it. */
  synchronized Runnable task(Runnable runsTheCall) {
    this.task = runsTheCall;
    return runsTheCall;
  }

  /**
   * The call starts on the current thread; true if its flow was told it waited ({@link
   * #reportQueued}), so that its start is reported at once.
   */
  synchronized boolean enter() {
    thread = Thread.currentThread();
    begun = true;
    return queuedReported;
  }

  /** Whether the call has begun on a thread. */
  synchronized boolean hasBegun() {
    return begun;
  }

  /**
   * True the first time it is asked while the call still waits for a thread: the flow is to be told
   * so once.
   */
  synchronized boolean reportQueued() {
    if (begun || queuedReported) {
      return false;
    }
    queuedReported = true;
    return true;
  }

  /**
   * Takes the call back from {@code threads} if it still waits for a thread: true if it never runs
   * now.
   */
  synchronized boolean cancel(NodeThreads threads) {
    if (!begun && !cancelled && task != null && threads.cancel(task)) {
      cancelled = true;
    }
    return cancelled;
  }

  /** Interrupts the call's thread, if the call is on it. */
  synchronized void interrupt() {
    if (thread != null) {
      thread.interrupt();
    }
  }

  /**
   * Forces the call's thread to end the call ({@code Thread.stop}: Java 17-19; later JVMs only
   * interrupt), if the call is still on it; once per call.
   */
  synchronized void forceStop(String work, Duration after) {
    if (thread == null || stopIssued) {
      return;
    }
    LOG.warn(
        "Work [{}] ignored its stop for {}: forcing its thread [{}] to end",
        work,
        after,
        thread.getName());
    try {
      Thread.class.getMethod("stop").invoke(thread);
      stopIssued = true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("Work [{}] could not be forced to stop on this JVM: {}", work, e.toString());
    }
  }

  /** Waits until the call left its thread; false when it is still there after {@code timeout}. */
  synchronized boolean awaitLeft(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!left) {
      long wait = deadline - System.nanoTime();
      if (wait <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, wait);
    }
    return true;
  }

  /**
   * The call leaves the current thread: from now on nothing meant for it reaches the thread. When a
   * forced stop was issued and its {@code ThreadDeath} has not arrived ({@code deathSeen} false),
   * it arrives here, before the thread does anything else; the interrupt flag is cleared.
   */
  void leave(boolean deathSeen) {
    boolean issued;
    while (true) {
      try {
        issued = exit();
        break;
      } catch (Throwable t) {
        if (!isThreadDeath(t)) {
          throw t;
        }
        deathSeen = true;
      }
    }
    Thread.interrupted();
    if (issued && !deathSeen) {
      awaitDeath();
    }
    Thread.interrupted();
  }

  private synchronized boolean exit() {
    thread = null;
    left = true;
    notifyAll();
    return stopIssued;
  }

  /** A Thread.stop issued for the call still has to arrive; it wakes a sleep. */
  private static void awaitDeath() {
    long deadline = System.nanoTime() + DEATH_WAIT_NANOS;
    while (System.nanoTime() < deadline) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        // the stop interrupts too; its ThreadDeath follows
      } catch (Throwable t) {
        if (isThreadDeath(t)) {
          return;
        }
        throw t;
      }
    }
    LOG.debug(
        "A forced stop issued for a call did not arrive within a second (the call caught it)");
  }

  /**
   * The work's actor is gone, timers with it: a daemon thread forces the call if it is still on its
   * thread after {@code after} (the thread itself lives on, serving other calls or the node).
   */
  void reapLater(String work, Duration after) {
    Thread reaper =
        new Thread(
            () -> {
              try {
                if (!awaitLeft(after)) {
                  forceStop(work, after);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "fulgur-reaper-" + work);
    reaper.setDaemon(true);
    reaper.start();
  }

  static boolean isThreadDeath(Throwable t) {
    return t.getClass().getName().equals("java.lang.ThreadDeath");
  }
}
