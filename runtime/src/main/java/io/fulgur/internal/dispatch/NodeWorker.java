package io.fulgur.internal.dispatch;

import java.util.concurrent.locks.LockSupport;

/** A thread of the node's pool: seeks, serves the queue, runs a borrowed call, or parks. */
final class NodeWorker implements Runnable {

  /**
   * What a node thread is doing. Only the thread itself reads and writes its state (a plain field),
   * and three questions asked while it runs a task each have one state for an answer: a task may
   * lend it to a call only while it is {@link #SERVING}, it runs a lent call in {@link #IN_CALL}
   * ({@link NodeExecutor#isLent}), and a node task queued while it is in {@link #SELECTOR_TASK}
   * wakes no other thread, since it serves the node right after.
   *
   * <pre>
   * SEEKING  -> SERVING       a task is queued and no thread serves it (or a backlog waits)
   * SERVING  -> SEEKING       the queue is empty, or it served its share and woke another
   * SERVING  -> DRAINING      a task lent it to a call: it first runs what is queued already
   * DRAINING -> IN_CALL       it leaves the queue to another thread and runs the call
   * IN_CALL  -> SEEKING       the call ended: it goes back to the pool
   * SEEKING  -> HOLDING       the selector has tasks and no thread holds it
   * HOLDING  -> SELECTOR_TASK -> HOLDING   one selector task (a select) at a time
   * HOLDING  -> SERVING       it serves what the select read itself, waking no thread
   * IN_CALL  -> HOLDING       a call lent to the holder ended within a tick: it holds on
   * HOLDING  -> SEEKING       no selector task is left, or the watcher took the selector over
   * SEEKING  -> WATCHING      a holder is lent to a call: someone must watch it
   * WATCHING -> HOLDING       that call lasted a tick: the watcher takes the selector over
   * WATCHING -> SEEKING       no holder was lent for a while
   * SEEKING  -> PARKED -> SEEKING   nothing to do, until a task wakes it (or it ends, idle)
   * </pre>
   */
  enum State {
    SEEKING,
    SERVING,
    DRAINING,
    IN_CALL,
    HOLDING,
    SELECTOR_TASK,
    WATCHING,
    PARKED
  }

  final NodePool pool;

  /** What it is doing; read and written on its own thread only. */
  State state = State.SEEKING;

  /** The call a task lent this thread to, until it leaves the queue for it. */
  Runnable borrowed;

  private volatile boolean woken;
  private Thread thread;

  /** Set by {@link #serve} when it stopped at its limit with tasks left (another thread woken). */
  private boolean servedLimit;

  NodeWorker(NodePool pool) {
    this.pool = pool;
  }

  void wake() {
    woken = true;
    LockSupport.unpark(thread);
  }

  @Override
  public void run() {
    thread = Thread.currentThread();
    NodeExecutor.WORKER.set(this);
    try {
      loop();
    } finally {
      NodeExecutor.WORKER.remove();
      pool.ended();
    }
  }

  private void loop() {
    NodePool pool = this.pool;
    while (true) {
      // seeking; a thread woken to watch does so first (even if the call it was woken for
      // has ended already: the watcher stays for the next ones) and leaves the node's tasks
      // to the selector's holder that queued them
      if (pool.watcherWanted.get() && pool.watcherWanted.compareAndSet(true, false)) {
        if (pool.watching.compareAndSet(false, true)) {
          pool.seeking.decrementAndGet();
          if (watch()) {
            holdSelector();
          }
          pool.seeking.incrementAndGet();
        }
        continue;
      }
      if (!pool.tasks.isEmpty() && pool.tryServe()) {
        pool.seeking.decrementAndGet();
        Runnable call = serve(Integer.MAX_VALUE, State.SEEKING);
        if (call != null) {
          runCall(call, State.SEEKING);
          pool.seeking.incrementAndGet();
        }
        continue;
      }
      if (!pool.selectorTasks.isEmpty() && pool.selecting.compareAndSet(false, true)) {
        pool.seeking.decrementAndGet();
        holdSelector();
        pool.seeking.incrementAndGet();
        continue;
      }
      if (pool.lentHolder.get() != null && pool.watching.compareAndSet(false, true)) {
        pool.seeking.decrementAndGet();
        if (watch()) {
          holdSelector();
        }
        pool.seeking.incrementAndGet();
        continue;
      }
      if (pool.shutdown && pool.tasks.isEmpty() && pool.selectorTasks.isEmpty()) {
        pool.seeking.decrementAndGet();
        return;
      }
      if (!park()) {
        return;
      }
    }
  }

  /** Runs a borrowed call ({@link State#IN_CALL}), then is in {@code after}. */
  private void runCall(Runnable call, State after) {
    state = State.IN_CALL;
    try {
      runTask(call);
    } finally {
      state = after;
    }
  }

  /**
   * Holds the selector (this thread set {@link NodePool#selecting}): runs its tasks one by one and,
   * after each, serves the node if no thread does, so that what a select received is read and
   * handled on the thread the select woke. A node task may lend this thread to a call: the call
   * runs still holding the selector (a short call needs no other thread), while the watcher takes
   * the selector over if the call lasts (see {@link #watch}). Returns when no selector task is left
   * (the selector released) or the watcher took it.
   */
  private void holdSelector() {
    NodePool pool = this.pool;
    state = State.HOLDING;
    boolean serveFirst = true;
    while (true) {
      if (serveFirst && !pool.tasks.isEmpty() && pool.tryServe()) {
        Runnable call = serve(NodeExecutor.SELECTOR_SERVES, State.HOLDING);
        if (call != null) {
          pool.lends++;
          pool.lentHolder.set(this);
          if (!pool.watching.get() && pool.watcherWanted.compareAndSet(false, true)) {
            pool.signal(); // the thread it wakes becomes the watcher
          }
          runCall(call, State.HOLDING);
          if (!pool.lentHolder.compareAndSet(this, null)) {
            state = State.SEEKING;
            return; // the call lasted: the watcher holds the selector now
          }
          continue; // still the holder: serve what came meanwhile, then select
        }
        pool.seeking.decrementAndGet(); // serve() counted it seeking; it holds the selector still
        serveFirst = !servedLimit;
        continue; // a task queued meanwhile may count on this thread: look again
      }
      serveFirst = true;
      Runnable task = pool.selectorTasks.poll();
      if (task == null) {
        pool.selecting.set(false);
        if (pool.selectorTasks.isEmpty() || !pool.selecting.compareAndSet(false, true)) {
          state = State.SEEKING;
          if (pool.selectorShutdown) {
            pool.notifyTermination();
          }
          return;
        }
        continue;
      }
      state = State.SELECTOR_TASK;
      try {
        runTask(task);
      } finally {
        state = State.HOLDING;
      }
    }
  }

  /**
   * Watches a selector holder lent to a call (this thread set {@link NodePool#watching}): looks
   * every {@link NodeExecutor#WATCH_TICK_NANOS} and takes the selector over once the same call has
   * run across a whole tick, so that the node's connections are read again within about two ticks
   * of a call that blocks. Stops after {@link NodeExecutor#WATCH_IDLE_NANOS} without a lent holder
   * (or at shutdown). Returns whether it took the selector (then this thread holds it).
   */
  private boolean watch() {
    NodePool pool = this.pool;
    state = State.WATCHING;
    long seen = -1;
    long lastLent = System.nanoTime();
    while (true) {
      try {
        while (!pool.shutdown) {
          NodeWorker holder = pool.lentHolder.get();
          long lend = pool.lends;
          long now = System.nanoTime();
          if (holder != null) {
            lastLent = now;
            if (lend == seen && pool.lentHolder.compareAndSet(holder, null)) {
              return true;
            }
            seen = lend;
          } else if (now - lastLent > NodeExecutor.WATCH_IDLE_NANOS) {
            break;
          }
          LockSupport.parkNanos(this, NodeExecutor.WATCH_TICK_NANOS);
        }
      } finally {
        pool.watching.set(false);
      }
      // a holder lent as this thread stopped may have counted on it: look once more
      if (pool.shutdown
          || pool.lentHolder.get() == null
          || !pool.watching.compareAndSet(false, true)) {
        state = State.SEEKING;
        return false;
      }
    }
  }

  /**
   * Runs queued tasks ({@link State#SERVING}) until the queue is empty (then returns null, seeking
   * again), a task lent this thread to a call (then returns the call, this thread no longer
   * serving), or {@code limit} tasks ran (then returns null, another thread woken for the rest).
   * Without a call it is in {@code after} when it returns.
   */
  private Runnable serve(int limit, State after) {
    NodePool pool = this.pool;
    state = State.SERVING;
    servedLimit = false;
    Runnable task;
    int ran = 0;
    while ((task = pool.poll()) != null) {
      runTask(task);
      if (++ran >= limit && borrowed == null && !pool.tasks.isEmpty()) {
        state = after;
        servedLimit = true;
        pool.servers.decrementAndGet();
        if (pool.wantsServer()) {
          pool.signal();
        }
        pool.seeking.incrementAndGet();
        return null;
      }
      if (borrowed != null) {
        Runnable call = borrowed;
        borrowed = null;
        state = State.DRAINING; // lent already: the tasks below cannot borrow it again
        // what is queued already is quick dispatcher work: run it rather than wake a thread
        int drain = NodeExecutor.DRAIN_BEFORE_LENDING;
        for (int i = 0; i < drain && (task = pool.poll()) != null; i++) {
          runTask(task);
        }
        pool.servers.decrementAndGet();
        if (!pool.tasks.isEmpty() && pool.wantsServer()) {
          pool.signal();
        }
        return call;
      }
    }
    state = after;
    pool.seeking.incrementAndGet();
    pool.servers.decrementAndGet();
    return null;
  }

  /** Parks until woken; false when this thread should end (idle for a minute, unclaimed). */
  private boolean park() {
    NodePool pool = this.pool;
    state = State.PARKED;
    woken = false;
    pool.idle.addFirst(this);
    pool.seeking.decrementAndGet();
    // tasks while another thread serves are that thread's: it looks at the queue again
    // before it stops serving, so this one parks (and does not spin beside it)
    boolean work =
        (!pool.tasks.isEmpty() && pool.wantsServer())
            || (!pool.selectorTasks.isEmpty() && !pool.selecting.get())
            || (pool.lentHolder.get() != null && !pool.watching.get())
            || pool.watcherWanted.get();
    if ((work || pool.shutdown) && pool.idle.remove(this)) {
      pool.seeking.incrementAndGet();
      state = State.SEEKING;
      return true;
    }
    long deadline = System.nanoTime() + NodePool.KEEP_ALIVE_NANOS;
    while (!woken) {
      long left = deadline - System.nanoTime();
      if (left <= 0 && pool.idle.remove(this)) {
        return false; // the next task that finds no thread starts one
      }
      // claimed but not yet woken: the flag follows at once
      LockSupport.parkNanos(this, left > 0 ? left : 1_000);
    }
    state = State.SEEKING;
    return true;
  }

  private void runTask(Runnable task) {
    PoolSupport.runReporting(task);
  }
}
