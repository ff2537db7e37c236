package io.fulgur.internal.dispatch;

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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A node's runner threads, for calls. At most {@code width} calls (the cores) run at once as long
 * as they are short: a call beyond that waits in a queue and the next runner to finish takes it
 * without parking. A call that has run for {@link #BLOCKED_AFTER_NANOS} no longer counts (it
 * blocks, or works long), so a waiting call never waits behind it for longer than that: a watcher,
 * awake only while calls wait, lets others start in its place, and gives every waiting call a
 * thread of its own once every running call counts as blocked. A cached thread pool instead runs
 * every call on a thread of its own at once, which in a burst of short calls had dozens of runner
 * threads compete with the node's own threads for the cores. A runner idle for a minute ends.
 *
 * <p><b>The cap.</b> The runners, and the threads lent to calls elsewhere ({@link #hold}), are at
 * most {@code maxThreads}: a thread that cannot start would take the whole JVM down ("unable to
 * create native thread"). Beyond it calls wait in the queue, in the order they came, and each
 * runner that finishes a call takes the next; a thread given back ({@link #release}) lets the
 * watcher start a runner for them.
 *
 * <p>Each runner thread runs a {@link Runner}, which shares the counts above with the pool.
 */
final class RunnerPool extends AbstractExecutorService {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunnerPool.class);
  static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** How often, at most, the pool says that calls wait for a thread. */
  private static final long CAP_WARNING_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** How long a call runs before it no longer counts towards the width. */
  static final long BLOCKED_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final ThreadFactory factory;
  private final int width;
  private final int maxThreads;
  private final String capSetting;
  final ConcurrentLinkedQueue<Runnable> calls = new ConcurrentLinkedQueue<>();

  /** Calls queued and not taken yet. */
  final AtomicInteger waiting = new AtomicInteger();

  /** Running calls that count towards the width. */
  final AtomicInteger counted = new AtomicInteger();

  /** Live runner threads plus threads held for calls elsewhere: at most {@link #maxThreads}. */
  final AtomicInteger threads = new AtomicInteger();

  /** Parked runners, the last parked first. */
  final ConcurrentLinkedDeque<Runner> parked = new ConcurrentLinkedDeque<>();

  final Set<Runner> live = ConcurrentHashMap.newKeySet();
  final Object termination = new Object();
  private final AtomicLong capWarnedAt = new AtomicLong(System.nanoTime() - CAP_WARNING_NANOS);
  volatile boolean shutdown;
  private volatile Thread watcher;
  private volatile boolean watcherParked;

  /** A pool of at most {@code maxThreads} threads ({@code capSetting} names it in warnings). */
  RunnerPool(ThreadFactory factory, int width, int maxThreads, String capSetting) {
    if (maxThreads < 1) {
      throw new IllegalArgumentException(capSetting + " must be at least 1, was " + maxThreads);
    }
    this.factory = factory;
    this.width = Math.max(1, width);
    this.maxThreads = maxThreads;
    this.capSetting = capSetting;
  }

  /**
   * Takes one of the pool's threads for a call that runs on a thread of its own (a node thread lent
   * to it), if the cap leaves one; {@link #release} gives it back.
   */
  boolean hold() {
    if (shutdown) {
      return false;
    }
    return takeThread();
  }

  /** Gives back a thread taken by {@link #hold}: a waiting call may start in its place. */
  void release() {
    threads.decrementAndGet();
    threadFreed();
  }

  /** Removes a call that still waits for a thread; true if it was there (it never runs then). */
  boolean cancel(Runnable call) {
    if (calls.remove(call)) {
      waiting.decrementAndGet();
      return true;
    }
    return false;
  }

  /** Calls waiting for a thread now. */
  int waiting() {
    return waiting.get();
  }

  private boolean takeThread() {
    while (true) {
      int t = threads.get();
      if (t >= maxThreads) {
        capReached();
        return false;
      }
      if (threads.compareAndSet(t, t + 1)) {
        return true;
      }
    }
  }

  /** A thread ended or was given back: if calls wait, the watcher starts one for them. */
  void threadFreed() {
    if (waiting.get() > 0) {
      Thread w = watcher;
      if (w != null) {
        LockSupport.unpark(w);
      }
    }
  }

  private void capReached() {
    long now = System.nanoTime();
    long last = capWarnedAt.get();
    if (now - last >= CAP_WARNING_NANOS && capWarnedAt.compareAndSet(last, now)) {
      LOG.warn(
          "Every thread this node may run calls on is taken ({} = {}): further calls wait for"
              + " one to free (their works are PENDING, reason queued)",
          capSetting,
          maxThreads);
    }
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
        boolean given;
        try {
          // room for one more short call: a runner comes for it, counted already
          given = giveRunner();
        } catch (RuntimeException | Error e) {
          counted.decrementAndGet();
          if (calls.remove(call)) {
            waiting.decrementAndGet();
          }
          throw e; // the caller reports the call as not run; it never runs later
        }
        if (given) {
          return;
        }
        counted.decrementAndGet(); // no thread under the cap: the call waits for one to free
        break;
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

  /**
   * Wakes a parked runner for a waiting call, or starts one; the caller counted it already. False
   * when no runner is parked and the cap leaves no thread to start.
   */
  private boolean giveRunner() {
    Runner runner = parked.pollFirst();
    if (runner != null) {
      runner.reserved = true;
      runner.wake();
      return true;
    }
    return start();
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
    w.setName(w.getName() + "-watcher");
    w.setDaemon(true);
    // the node's thread, not a call's: it must not wait behind CPU-bound calls to start others
    w.setPriority(Thread.NORM_PRIORITY);
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
          boolean given;
          try {
            given = giveRunner();
          } catch (RuntimeException | Error e) {
            // no thread now (the JVM is out of them): the watcher tries again next time round
            counted.decrementAndGet();
            break;
          }
          if (!given) {
            counted.decrementAndGet();
            awaitFreeThread();
            break;
          }
        }
      }
    }
  }

  /**
   * At the cap: every runner is busy, and each takes a waiting call when its own ends; the watcher
   * sleeps until a thread is freed otherwise ({@link #threadFreed}) or a call comes.
   */
  private void awaitFreeThread() {
    watcherParked = true;
    if (waiting.get() > 0 && threads.get() >= maxThreads && parked.isEmpty() && !shutdown) {
      LockSupport.park(this);
    }
    watcherParked = false;
  }

  /** Starts a runner, counted already; false at the cap. */
  private boolean start() {
    if (!takeThread()) {
      return false;
    }
    Runner runner = new Runner(this);
    runner.reserved = true;
    try {
      Thread thread = factory.newThread(runner);
      if (thread == null) {
        throw new RejectedExecutionException("no thread for a call");
      }
      runner.thread = thread;
      live.add(runner);
      thread.start();
    } catch (RuntimeException | Error e) {
      live.remove(runner);
      threads.decrementAndGet();
      throw e;
    }
    return true;
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
