package io.fulgur.internal.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node's pool ({@link NodeExecutor}): its queue, its selector's tasks, and the counts its
 * threads ({@link NodeWorker}) share. Threads are made on demand; a thread idle for a minute ends.
 */
final class NodePool extends AbstractExecutorService {
  static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final ThreadFactory factory;
  private final int maxServers;
  private final int backlog;
  final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  /** About how many tasks wait in {@link #tasks} (counted around offer and poll). */
  private final AtomicInteger queued = new AtomicInteger();

  /** How many threads serve the queue now (the node's thread, and helpers in a backlog). */
  final AtomicInteger servers = new AtomicInteger();

  /** Parked threads, the last parked first. */
  final ConcurrentLinkedDeque<NodeWorker> idle = new ConcurrentLinkedDeque<>();

  /** Threads about to look at the queue (neither parked, serving nor running a call). */
  final AtomicInteger seeking = new AtomicInteger();

  private final AtomicInteger live = new AtomicInteger();
  private final Object termination = new Object();
  volatile boolean shutdown;

  /** The selector's tasks: run by one thread at a time, the one holding {@link #selecting}. */
  final ConcurrentLinkedQueue<Runnable> selectorTasks = new ConcurrentLinkedQueue<>();

  /** Whether a thread holds the selector (runs its tasks, blocks in its select). */
  final AtomicBoolean selecting = new AtomicBoolean();

  volatile boolean selectorShutdown;

  /** The selector's holder while it is lent to a call (it still holds the selector). */
  final AtomicReference<NodeWorker> lentHolder = new AtomicReference<>();

  /** How many times a selector holder was lent (written by the holder only). */
  volatile long lends;

  /** Whether a thread watches lent holders ({@link NodeWorker#watch}). */
  final AtomicBoolean watching = new AtomicBoolean();

  /** Whether a lent holder woke a thread to become the watcher, which has not yet begun. */
  final AtomicBoolean watcherWanted = new AtomicBoolean();

  NodePool(ThreadFactory factory, int maxServers, int backlog) {
    this.factory = factory;
    this.maxServers = maxServers;
    this.backlog = backlog;
  }

  /** Whether one more thread should serve besides {@code s}: none does, or a backlog waits. */
  private boolean wants(int s) {
    return s == 0 || (s < maxServers && queued.get() > backlog);
  }

  boolean wantsServer() {
    return wants(servers.get());
  }

  /** Becomes a serving thread if {@link #wantsServer}. */
  boolean tryServe() {
    while (true) {
      int s = servers.get();
      if (!wants(s)) {
        return false;
      }
      if (servers.compareAndSet(s, s + 1)) {
        return true;
      }
    }
  }

  Runnable poll() {
    Runnable task = tasks.poll();
    if (task != null) {
      queued.decrementAndGet();
    }
    return task;
  }

  @Override
  public void execute(Runnable task) {
    int[] depth = NodeExecutor.DEPTH.get();
    if (depth[0] > 0 && depth[0] < NodeExecutor.MAX_DEPTH && !shutdown) {
      depth[0]++;
      try {
        task.run();
      } finally {
        depth[0]--;
      }
      return;
    }
    if (shutdown) {
      throw new RejectedExecutionException("the node's executor is shut down");
    }
    tasks.offer(task);
    int waiting = queued.incrementAndGet();
    int s = servers.get();
    if (s == 0 && heldSelectorTask()) {
      return; // the selector's thread serves the node right after this task, before it selects
    }
    // no thread serves: one must come; a backlog: a helper, unless one is on its way already
    if (s == 0 || (s < maxServers && waiting > backlog && seeking.get() == 0)) {
      signal();
    }
  }

  /** Whether the calling thread holds this pool's selector and runs one of its tasks. */
  private boolean heldSelectorTask() {
    NodeWorker current = NodeExecutor.WORKER.get();
    return current != null
        && current.state == NodeWorker.State.SELECTOR_TASK
        && current.pool == this;
  }

  void executeSelector(Runnable task) {
    if (selectorShutdown) {
      throw new RejectedExecutionException("the node's selector executor is shut down");
    }
    selectorTasks.offer(task);
    if (!selecting.get()) {
      signal();
    }
  }

  void shutdownSelector() {
    selectorShutdown = true;
    wakeAllIdle();
    notifyTermination();
  }

  boolean selectorTerminated() {
    return selectorShutdown && selectorTasks.isEmpty() && !selecting.get();
  }

  boolean awaitSelectorTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return PoolSupport.awaitTermination(termination, this::selectorTerminated, timeout, unit);
  }

  /** Wakes those waiting for termination (of the pool or of its selector) to look again. */
  void notifyTermination() {
    synchronized (termination) {
      termination.notifyAll();
    }
  }

  /** Makes sure a thread will look at the queue: wakes a parked one, else starts one. */
  void signal() {
    NodeWorker parked = idle.pollFirst();
    if (parked != null) {
      seeking.incrementAndGet();
      parked.wake();
      return;
    }
    if (seeking.get() > 0) {
      return; // that thread looks at the queue before it parks
    }
    startWorker();
  }

  private void startWorker() {
    live.incrementAndGet();
    seeking.incrementAndGet();
    NodeWorker worker = new NodeWorker(this);
    Thread thread = factory.newThread(worker);
    if (thread == null) {
      seeking.decrementAndGet();
      ended();
      throw new RejectedExecutionException("no thread for the node's executor");
    }
    // a call's code may run on it: like the runner threads, it never keeps the JVM alive
    thread.setDaemon(true);
    thread.start();
  }

  void ended() {
    if (live.decrementAndGet() == 0 && shutdown) {
      notifyTermination();
    }
  }

  @Override
  public void shutdown() {
    shutdown = true;
    wakeAllIdle();
    if (live.get() == 0) {
      notifyTermination();
    }
  }

  private void wakeAllIdle() {
    NodeWorker parked;
    while ((parked = idle.pollFirst()) != null) {
      seeking.incrementAndGet();
      parked.wake();
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown();
    List<Runnable> pending = new ArrayList<>();
    Runnable task;
    while ((task = poll()) != null) {
      pending.add(task);
    }
    return pending;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && live.get() == 0;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return PoolSupport.awaitTermination(termination, this::isTerminated, timeout, unit);
  }
}
