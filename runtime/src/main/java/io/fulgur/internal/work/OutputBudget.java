package io.fulgur.internal.work;

import java.util.ArrayDeque;

/**
 * The memory a node's works may hold in printed lines not yet printed by their flows' nodes ({@code
 * fulgur.output.max-buffered-bytes-per-node}): a line is charged when it ends, on the thread that
 * printed it, and the charge is given back when the flow's node acknowledges the batch that carried
 * it. A printing thread that finds the budget spent waits, in turn with the other printing threads,
 * never an actor's thread; a stop of its call ends the wait.
 */
public final class OutputBudget {
  private final long max;
  private long used;

  /** Printing threads waiting for room, first come first served. */
  private final ArrayDeque<Thread> waiting = new ArrayDeque<>();

  /** A budget of {@code maxBytes} (at least 1). */
  public OutputBudget(long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("an output budget needs at least 1 byte, was " + maxBytes);
    }
    this.max = maxBytes;
  }

  /**
   * Charges {@code bytes} (at most the whole budget) if there is room and no one waits before;
   * returns the charge, or -1 when the caller would have to wait.
   */
  synchronized long tryCharge(long bytes) {
    long charge = Math.min(bytes, max);
    if (waiting.isEmpty() && used + charge <= max) {
      used += charge;
      return charge;
    }
    return -1;
  }

  /**
   * Charges {@code bytes} (at most the whole budget), waiting for room after those that waited
   * before; returns the charge.
   *
   * @throws WorkStoppedError when {@code output}'s call is to stop meanwhile
   */
  synchronized long charge(long bytes, WorkOutput output) {
    long charge = Math.min(bytes, max);
    if (waiting.isEmpty() && used + charge <= max) {
      used += charge;
      return charge;
    }
    Thread self = Thread.currentThread();
    waiting.addLast(self);
    boolean interrupted = false;
    try {
      while (waiting.peekFirst() != self || used + charge > max) {
        if (output.stopRequested()) {
          throw new WorkStoppedError();
        }
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true; // a stop interrupts too (and set the flag before): the loop looks
        }
      }
      used += charge;
      return charge;
    } finally {
      waiting.remove(self);
      notifyAll(); // the next in line may fit now
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Charges {@code bytes} (at most the whole budget) at once, room or not; returns the charge. */
  synchronized long force(long bytes) {
    long charge = Math.min(bytes, max);
    used += charge;
    return charge;
  }

  /** Gives back what {@link #charge}, {@link #tryCharge} or {@link #force} charged. */
  synchronized void release(long charge) {
    if (charge > 0) {
      used -= charge;
      if (!waiting.isEmpty()) {
        notifyAll();
      }
    }
  }

  /** Wakes the waiting threads to look whether their calls are to stop. */
  synchronized void wake() {
    if (!waiting.isEmpty()) {
      notifyAll();
    }
  }

  /** Bytes charged now. */
  synchronized long used() {
    return used;
  }

  /** The budget. */
  long max() {
    return max;
  }
}
