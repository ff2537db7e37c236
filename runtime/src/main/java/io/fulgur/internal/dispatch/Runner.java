package io.fulgur.internal.dispatch;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/** One runner thread of a {@link RunnerPool}: runs queued calls, and parks while none is queued. */
final class Runner implements Runnable {
  private final RunnerPool pool;
  volatile Thread thread;
  private volatile boolean woken;

  /** Counted already, for the call it was woken or started for. */
  volatile boolean reserved;

  /** When the current call began ({@code System.nanoTime}), 0 between calls. */
  volatile long callStart;

  /** Whether the current call counts towards the width. */
  private final AtomicBoolean counts = new AtomicBoolean();

  Runner(RunnerPool pool) {
    this.pool = pool;
  }

  void wake() {
    woken = true;
    LockSupport.unpark(thread);
  }

  void uncount() {
    if (counts.compareAndSet(true, false)) {
      pool.counted.decrementAndGet();
    }
  }

  @Override
  public void run() {
    RunnerPool pool = this.pool;
    try {
      while (true) {
        Runnable call = pool.calls.poll();
        if (call != null) {
          pool.waiting.decrementAndGet();
          if (reserved) {
            reserved = false;
          } else {
            pool.counted.incrementAndGet();
          }
          counts.set(true);
          callStart = System.nanoTime() | 1; // never 0 while a call runs
          try {
            runCall(call);
          } finally {
            callStart = 0;
            uncount();
          }
          continue;
        }
        if (reserved) {
          reserved = false; // another runner took the call it came for
          pool.counted.decrementAndGet();
        }
        if (pool.shutdown || !park()) {
          return;
        }
      }
    } finally {
      pool.live.remove(this);
      pool.threads.decrementAndGet();
      pool.threadFreed();
      if (pool.live.isEmpty() && pool.shutdown) {
        synchronized (pool.termination) {
          pool.termination.notifyAll();
        }
      }
    }
  }

  private void runCall(Runnable call) {
    PoolSupport.runReporting(call);
    Thread.interrupted(); // a late interrupt of that call is not the next one's
  }

  /** Parks until woken; false when this runner ends (idle for a minute). */
  private boolean park() {
    RunnerPool pool = this.pool;
    woken = false;
    pool.parked.addFirst(this);
    if (!pool.calls.isEmpty() && pool.parked.remove(this)) {
      return true; // queued meanwhile: look again
    }
    long deadline = System.nanoTime() + RunnerPool.KEEP_ALIVE_NANOS;
    while (!woken) {
      if (pool.shutdown) {
        pool.parked.remove(this);
        return true; // the loop runs what is queued, then ends
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 && pool.parked.remove(this)) {
        return !pool.calls.isEmpty(); // leaving, unless a call came meanwhile
      }
      LockSupport.parkNanos(this, left > 0 ? left : 1_000);
    }
    return true;
  }
}
