package io.fulgur.internal.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A node's runner threads, for parallel calls. At most {@code width} calls (the cores) run at once
 * as long as they are short: a call beyond that waits in a queue and the next runner to finish
 * takes it without parking. A call that has run for {@link #BLOCKED_AFTER_NANOS} no longer counts
 * (it blocks, or works long), so a waiting call never waits behind it for longer than that: a
 * watcher, awake only while calls wait, lets others start in its place, and gives every waiting
 * call a thread of its own once every running call counts as blocked. A cached thread pool instead
 * runs every call on a thread of its own at once, which in a burst of short calls had dozens of
 * runner threads compete with the node's own threads for the cores. A runner idle for a minute
 * ends.
 */
final class RunnerPool extends AbstractExecutorService {
  private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** How long a call runs before it no longer counts towards the width. */
  static final long BLOCKED_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final ThreadFactory factory;
  private final int width;
  private final ConcurrentLinkedQueue<Runnable> calls = new ConcurrentLinkedQueue<>();
  /** Calls queued and not taken yet. */
  private final AtomicInteger waiting = new AtomicInteger();
  /** Running calls that count towards the width. */
  private final AtomicInteger counted = new AtomicInteger();
  /** Parked runners, the last parked first. */
  private final ConcurrentLinkedDeque<Runner> parked = new ConcurrentLinkedDeque<>();
  private final Set<Runner> live = ConcurrentHashMap.newKeySet();
  private final Object termination = new Object();
  private volatile boolean shutdown;
  private volatile Thread watcher;
  private volatile boolean watcherParked;

  RunnerPool(ThreadFactory factory, int width) {
    this.factory = factory;
    this.width = Math.max(1, width);
  }

  @Override
  public void execute(Runnable call) {
    if (shutdown) {
      throw new RejectedExecutionException("the node's runner threads are shut down");
    }
    calls.offer(call);
    waiting.incrementAndGet();
    while (true) {
      int c = counted.get();
      if (c >= width) {
        break;
      }
      if (counted.compareAndSet(c, c + 1)) {
        try {
          giveRunner(); // room for one more short call: a runner comes for it, counted already
        } catch (RuntimeException | Error e) {
          counted.decrementAndGet();
          if (calls.remove(call)) {
            waiting.decrementAndGet();
          }
          throw e; // the caller reports the call as not run; it never runs later
        }
        return;
      }
    }
    // as many short calls run as there are cores: the next to end takes this one, or the
    // watcher lets it start once the running ones have run too long to count as short
    Thread w = watcher;
    if (w == null) {
      startWatcher();
    } else if (watcherParked) {
      LockSupport.unpark(w);
    }
  }

  /** Wakes a parked runner for a waiting call, or starts one; the caller counted it already. */
  private void giveRunner() {
    Runner runner = parked.pollFirst();
    if (runner != null) {
      runner.reserved = true;
      runner.wake();
    } else {
      start();
    }
  }

  private synchronized void startWatcher() {
    if (watcher != null) {
      LockSupport.unpark(watcher);
      return;
    }
    Thread w = factory.newThread(this::watch);
    if (w == null) {
      throw new RejectedExecutionException("no thread for the runner watcher");
    }
    w.setDaemon(true);
    watcher = w;
    w.start();
  }

  /** While calls wait: stops counting long calls, and gives waiting calls the room that frees. */
  private void watch() {
    while (!shutdown) {
      if (waiting.get() == 0) {
        watcherParked = true;
        if (waiting.get() == 0 && !shutdown) {
          LockSupport.park(this);
        }
        watcherParked = false;
        continue;
      }
      LockSupport.parkNanos(this, BLOCKED_AFTER_NANOS);
      long now = System.nanoTime();
      for (Runner runner : live) {
        long since = runner.callStart;
        if (since != 0 && now - since >= BLOCKED_AFTER_NANOS) {
          runner.uncount();
        }
      }
      int stuck = waiting.get();
      if (stuck > 0 && !shutdown) {
        // every running call blocks: each waiting call gets a thread; else the free room
        int give = counted.get() == 0 ? stuck : Math.min(stuck, width - counted.get());
        for (int i = 0; i < give; i++) {
          counted.incrementAndGet();
          try {
            giveRunner();
          } catch (RuntimeException | Error e) {
            // no thread now (the JVM is out of them): the watcher tries again next time round
            counted.decrementAndGet();
            break;
          }
        }
      }
    }
  }

  private void start() {
    Runner runner = new Runner();
    runner.reserved = true;
    Thread thread = factory.newThread(runner);
    if (thread == null) {
      throw new RejectedExecutionException("no thread for a call");
    }
    runner.thread = thread;
    live.add(runner);
    thread.start();
  }

  /** One runner thread: runs queued calls, and parks while none is queued. */
  private final class Runner implements Runnable {
    private volatile Thread thread;
    private volatile boolean woken;
    /** Counted already, for the call it was woken or started for. */
    private volatile boolean reserved;
    /** When the current call began ({@code System.nanoTime}), 0 between calls. */
    private volatile long callStart;
    /** Whether the current call counts towards the width. */
    private final AtomicBoolean counts = new AtomicBoolean();

    void wake() {
      woken = true;
      LockSupport.unpark(thread);
    }

    void uncount() {
      if (counts.compareAndSet(true, false)) {
        counted.decrementAndGet();
      }
    }

    @Override
    public void run() {
      try {
        while (true) {
          Runnable call = calls.poll();
          if (call != null) {
            waiting.decrementAndGet();
            if (reserved) {
              reserved = false;
            } else {
              counted.incrementAndGet();
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
            counted.decrementAndGet();
          }
          if (shutdown || !park()) {
            return;
          }
        }
      } finally {
        live.remove(this);
        if (live.isEmpty() && shutdown) {
          synchronized (termination) {
            termination.notifyAll();
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
      woken = false;
      parked.addFirst(this);
      if (!calls.isEmpty() && parked.remove(this)) {
        return true; // queued meanwhile: look again
      }
      long deadline = System.nanoTime() + KEEP_ALIVE_NANOS;
      while (!woken) {
        if (shutdown) {
          parked.remove(this);
          return true; // the loop runs what is queued, then ends
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 && parked.remove(this)) {
          return !calls.isEmpty(); // leaving, unless a call came meanwhile
        }
        LockSupport.parkNanos(this, left > 0 ? left : 1_000);
      }
      return true;
    }
  }

  @Override
  public void shutdown() {
    shutdown = true;
    for (Runner runner : parked) {
      runner.wake();
    }
    Thread w = watcher;
    if (w != null) {
      LockSupport.unpark(w);
    }
    if (live.isEmpty()) {
      synchronized (termination) {
        termination.notifyAll();
      }
    }
  }

  /** Shuts down and interrupts the runners (a call sees it only while it runs: CallThread). */
  @Override
  public List<Runnable> shutdownNow() {
    shutdown();
    for (Runner runner : live) {
      Thread thread = runner.thread;
      if (thread != null) {
        thread.interrupt();
      }
    }
    List<Runnable> pending = new ArrayList<>();
    Runnable call;
    while ((call = calls.poll()) != null) {
      waiting.decrementAndGet();
      pending.add(call);
    }
    return pending;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && live.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return PoolSupport.awaitTermination(termination, this::isTerminated, timeout, unit);
  }
}
