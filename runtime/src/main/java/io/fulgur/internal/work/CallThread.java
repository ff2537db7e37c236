package io.fulgur.internal.work;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread one call of a work runs on, while the call runs there. A stop interrupts the call's
 * thread, and one ignored long enough is forced ({@code Thread.stop}); both act only while the
 * call is on the thread. The thread goes on to other calls (a runner thread) or back to the node's
 * own tasks (a node thread lent to the call) the moment the call ends, and must never get an
 * interrupt or a {@code ThreadDeath} meant for a call that has left it.
 */
final class CallThread {
  private static final Logger LOG = LoggerFactory.getLogger(CallThread.class);
  private static final long DEATH_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private Thread thread;
  private boolean stopIssued;
  private boolean left;

  /** The call starts on the current thread. */
  synchronized void enter() {
    thread = Thread.currentThread();
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
    LOG.debug("A forced stop issued for a call did not arrive within a second (the call caught it)");
  }

  static boolean isThreadDeath(Throwable t) {
    return t.getClass().getName().equals("java.lang.ThreadDeath");
  }
}
