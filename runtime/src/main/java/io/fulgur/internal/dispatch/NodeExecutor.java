package io.fulgur.internal.dispatch;

import com.typesafe.config.Config;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

/**
 * The executor of {@code fulgur.work-dispatcher}: the node's thread, which a sequential call may
 * borrow, and hand-over at the end of a sequential call.
 *
 * <p><b>One thread serves the queue.</b> Normally one thread runs the dispatcher's queued tasks
 * (host and work actors, Artery's streams): the node's thread. While more than a backlog of tasks
 * waits (thousands of works placed or ending at once), up to {@code serving-threads} threads serve
 * together (each actor still runs one message at a time); they stop when the queue is empty.
 * Other threads of the pool park; a thread idle for a minute ends.
 *
 * <p><b>Borrowing.</b> A work actor that starts a sequential call on the node's thread may {@link
 * #lend} it the thread (so may the flow actor, {@code FlowExecutor}): once the actor's task is
 * done, and the tasks already queued then (at most {@link #DRAIN_BEFORE_LENDING}), that thread
 * stops serving the queue and runs the call (user code, never inside an actor), and another thread
 * of the pool becomes the node's thread if tasks come in meanwhile. A call that arrives on a quiet
 * node so runs without waking any thread, where a runner thread would have to be woken.
 * When the call ends, its thread goes back to the pool.
 *
 * <p><b>Hand-over.</b> The thread that finished a sequential call reports it inside {@link
 * #handOver}; the dispatcher work that report sets off (the work actor, the host, Artery sending
 * {@code Done}) then runs on that thread at once instead of waking the node's thread. The flow's
 * thread sends a lone command the same way. Only Fulgur's and Pekko's code runs so (the user's
 * code has returned), each actor still one message at a time (Pekko's mailbox guarantees that on
 * any thread), at most {@link #MAX_DEPTH} tasks deep; everything else goes to the queue.
 *
 * <p><b>The selector.</b> The node's threads also hold pekko-io's TCP selector in turn ({@link
 * SelectorExecutor}, {@link #selector}): its tasks (the select, interest changes) run one at a
 * time on whichever thread holds it. A node task queued while the holder runs a selector task (a
 * select that received a message) wakes no thread: the holder serves the node right after, so a
 * message is read and handled on the thread the network woke. When a node task lends the holder
 * to a call, it runs the call still holding the selector; a watcher thread, ticking every {@link
 * #WATCH_TICK_NANOS} while holders are lent, takes the selector over from a call that lasted a
 * whole tick, so a short call wakes no other thread and one that blocks leaves the connections
 * unread for about two ticks at most. The holder goes back to select after at most {@link
 * #SELECTOR_SERVES} node tasks (waking a thread for the rest).
 *
 * <p>Borrowing and hand-over spare a sequential call the wake-ups of a runner thread and of the
 * node's thread. Parallel works neither borrow nor hand over: with thousands of them finishing at
 * once, threads taking turns on the host would cost more throughput than the wake-ups they save.
 */
public final class NodeExecutor extends ExecutorServiceConfigurator {

  /** How many dispatcher tasks may nest on a thread before they go to the queue. */
  static final int MAX_DEPTH = 8;

  /** Queued tasks the node's thread still runs after a call borrowed it, before it leaves. */
  static final int DRAIN_BEFORE_LENDING = 32;

  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  /** The pool worker running on this thread, if it is one. */
  private static final ThreadLocal<Pool.Worker> WORKER = new ThreadLocal<>();

  /** Made by Pekko from the dispatcher's config ({@code executor = "...NodeExecutor"}). */
  public NodeExecutor(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    this.dispatcherConfig = config;
    this.prerequisites = prerequisites;
  }

  private final Config dispatcherConfig;
  private final DispatcherPrerequisites prerequisites;

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory factory) {
    Object system = prerequisites.eventStream();
    return () -> shared(system, poolFor(id, dispatcherConfig, factory));
  }

  /** Makes the node pool a dispatcher's config asks for; fails naming a bad setting. */
  static Supplier<Pool> poolFor(String id, Config c, ThreadFactory factory) {
    int threads = c.hasPath("serving-threads") ? c.getInt("serving-threads") : 1;
    int backlog = c.hasPath("serving-backlog") ? c.getInt("serving-backlog") : DEFAULT_BACKLOG;
    if (threads < 1) {
      throw new IllegalArgumentException(
          "serving-threads of dispatcher " + id + " must be at least 1, was " + threads);
    }
    if (backlog < 1) {
      throw new IllegalArgumentException(
          "serving-backlog of dispatcher " + id + " must be at least 1, was " + backlog);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int servers = Math.min(threads, cores);
    return () -> new Pool(factory, servers, backlog);
  }

  /**
   * Each ActorSystem's node pool, shared by its work dispatcher and its selector dispatcher. Weak
   * on both sides: a pool reaches the system that keys it (its thread factory, its tasks), so a
   * pool held strongly here would keep every system that ever ran alive; the dispatchers hold the
   * pool while they use it.
   */
  private static final Map<Object, WeakReference<Pool>> POOLS = new WeakHashMap<>();

  /**
   * The live node pool of {@code system} (the key both dispatchers' prerequisites share), made by
   * {@code make} if there is none.
   */
  static Pool shared(Object system, Supplier<Pool> make) {
    synchronized (POOLS) {
      WeakReference<Pool> ref = POOLS.get(system);
      Pool pool = ref == null ? null : ref.get();
      if (pool == null || pool.isShutdown()) {
        pool = make.get();
        POOLS.put(system, new WeakReference<>(pool));
      }
      return pool;
    }
  }

  /** Queued tasks beyond which a second thread helps serve the node, unless configured. */
  static final int DEFAULT_BACKLOG = 64;

  /** The node's pool: one thread serving its queue at a time, lending it to sequential calls. */
  public static ExecutorService pool(ThreadFactory factory) {
    return new Pool(factory, 1, DEFAULT_BACKLOG);
  }

  /**
   * The node's pool with up to {@code servingThreads} threads serving its queue: the first whenever
   * a task is queued, each further one only while more than {@code backlog} tasks wait (a burst
   * such as thousands of works placed at once), so a quiet node still has one thread.
   */
  public static ExecutorService pool(ThreadFactory factory, int servingThreads, int backlog) {
    return new Pool(factory, servingThreads, backlog);
  }

  /**
   * The executor of the node's selector (pekko-io's select loop and its tasks) on the threads of
   * {@code nodePool}, one of its tasks at a time ({@link SelectorExecutor}).
   */
  static ExecutorService selector(ExecutorService nodePool) {
    return new SelectorView((Pool) nodePool);
  }

  /**
   * Runs {@code report} (a tell to an actor on this dispatcher) so that the dispatcher work it sets
   * off runs on the calling thread.
   */
  static void handOver(Runnable report) {
    int[] depth = DEPTH.get();
    depth[0]++;
    try {
      report.run();
    } finally {
      depth[0]--;
    }
  }

  /**
   * Lends the node's thread to {@code call}, which runs on it once the current dispatcher task is
   * done, while another thread serves the node. Returns false, and does nothing, when the caller is
   * not on the node's thread at the top of a task (then the caller runs {@code call} elsewhere).
   */
  static boolean lend(Runnable call) {
    Pool.Worker worker = WORKER.get();
    if (worker == null || DEPTH.get()[0] != 0 || !worker.mayLend || worker.borrowed != null) {
      return false;
    }
    worker.borrowed = call;
    return true;
  }

  /** Whether the current thread is a node thread lent to a call, running it now. */
  public static boolean isLent() {
    Pool.Worker worker = WORKER.get();
    return worker != null && worker.inCall;
  }

  /**
   * How many node tasks the thread holding the selector runs before it goes back to select (and
   * wakes another thread for the rest), so that the node's connections are never long unread.
   */
  static final int SELECTOR_SERVES = 256;

  /**
   * How often the watcher looks at a selector holder lent to a call: a call that blocks leaves the
   * node's connections unread for at most about two of these.
   */
  static final long WATCH_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** How long the watcher keeps looking after the last lent holder (then it parks). */
  static final long WATCH_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** The node pool as the executor of the node's selector dispatcher. */
  private static final class SelectorView extends AbstractExecutorService {
    private final Pool pool;

    SelectorView(Pool pool) {
      this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
      pool.executeSelector(task);
    }

    @Override
    public void shutdown() {
      pool.shutdownSelector();
    }

    @Override
    public List<Runnable> shutdownNow() {
      pool.shutdownSelector();
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return pool.selectorShutdown;
    }

    @Override
    public boolean isTerminated() {
      return pool.selectorTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return pool.awaitSelectorTermination(timeout, unit);
    }
  }

  /** The pool. Threads are made on demand; a thread idle for a minute ends. */
  static final class Pool extends AbstractExecutorService {
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final ThreadFactory factory;
    private final int maxServers;
    private final int backlog;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** About how many tasks wait in {@link #tasks} (counted around offer and poll). */
    private final AtomicInteger queued = new AtomicInteger();
    /** How many threads serve the queue now (the node's thread, and helpers in a backlog). */
    private final AtomicInteger servers = new AtomicInteger();
    /** Parked threads, the last parked first. */
    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    /** Threads about to look at the queue (neither parked, serving nor running a call). */
    private final AtomicInteger seeking = new AtomicInteger();
    private final AtomicInteger live = new AtomicInteger();
    private final Object termination = new Object();
    private volatile boolean shutdown;
    /** The selector's tasks: run by one thread at a time, the one holding {@link #selecting}. */
    private final ConcurrentLinkedQueue<Runnable> selectorTasks = new ConcurrentLinkedQueue<>();
    /** Whether a thread holds the selector (runs its tasks, blocks in its select). */
    private final AtomicBoolean selecting = new AtomicBoolean();
    private volatile boolean selectorShutdown;
    /** The selector's holder while it is lent to a call (it still holds the selector). */
    private final AtomicReference<Worker> lentHolder = new AtomicReference<>();
    /** How many times a selector holder was lent (written by the holder only). */
    private volatile long lends;
    /** Whether a thread watches lent holders ({@link Worker#watch}). */
    private final AtomicBoolean watching = new AtomicBoolean();
    /** Whether a lent holder woke a thread to become the watcher, which has not yet begun. */
    private final AtomicBoolean watcherWanted = new AtomicBoolean();

    Pool(ThreadFactory factory, int maxServers, int backlog) {
      this.factory = factory;
      this.maxServers = maxServers;
      this.backlog = backlog;
    }

    /** Whether one more thread should serve besides {@code s}: none does, or a backlog waits. */
    private boolean wants(int s) {
      return s == 0 || (s < maxServers && queued.get() > backlog);
    }

    private boolean wantsServer() {
      return wants(servers.get());
    }

    /** Becomes a serving thread if {@link #wantsServer}. */
    private boolean tryServe() {
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

    private Runnable poll() {
      Runnable task = tasks.poll();
      if (task != null) {
        queued.decrementAndGet();
      }
      return task;
    }

    @Override
    public void execute(Runnable task) {
      int[] depth = DEPTH.get();
      if (depth[0] > 0 && depth[0] < MAX_DEPTH && !shutdown) {
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
      Worker current = WORKER.get();
      return current != null && current.inSelectorTask && current.pool() == this;
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
    private void notifyTermination() {
      synchronized (termination) {
        termination.notifyAll();
      }
    }

    /** Makes sure a thread will look at the queue: wakes a parked one, else starts one. */
    private void signal() {
      Worker parked = idle.pollFirst();
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
      Worker worker = new Worker();
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

    private void ended() {
      if (live.decrementAndGet() == 0 && shutdown) {
        notifyTermination();
      }
    }

    /** A thread of the pool: seeks, serves the queue, runs a borrowed call, or parks. */
    final class Worker implements Runnable {
      /** Serving the queue and not lent yet: a task it runs may lend it (read on its own thread). */
      boolean mayLend;
      Runnable borrowed;
      boolean inCall;
      /** Holding the selector and running one of its tasks (read on its own thread). */
      boolean inSelectorTask;
      private volatile boolean woken;
      private Thread thread;

      Pool pool() {
        return Pool.this;
      }

      void wake() {
        woken = true;
        LockSupport.unpark(thread);
      }

      @Override
      public void run() {
        thread = Thread.currentThread();
        WORKER.set(this);
        try {
          loop();
        } finally {
          WORKER.remove();
          ended();
        }
      }

      private void loop() {
        while (true) {
          // seeking; a thread woken to watch does so first (even if the call it was woken for
          // has ended already: the watcher stays for the next ones) and leaves the node's tasks
          // to the selector's holder that queued them
          if (watcherWanted.get() && watcherWanted.compareAndSet(true, false)) {
            if (watching.compareAndSet(false, true)) {
              seeking.decrementAndGet();
              if (watch()) {
                holdSelector();
              }
              seeking.incrementAndGet();
            }
            continue;
          }
          if (!tasks.isEmpty() && tryServe()) {
            seeking.decrementAndGet();
            Runnable call = serve(Integer.MAX_VALUE);
            if (call != null) {
              runCall(call);
              seeking.incrementAndGet();
            }
            continue;
          }
          if (!selectorTasks.isEmpty() && selecting.compareAndSet(false, true)) {
            seeking.decrementAndGet();
            holdSelector();
            seeking.incrementAndGet();
            continue;
          }
          if (lentHolder.get() != null && watching.compareAndSet(false, true)) {
            seeking.decrementAndGet();
            if (watch()) {
              holdSelector();
            }
            seeking.incrementAndGet();
            continue;
          }
          if (shutdown && tasks.isEmpty() && selectorTasks.isEmpty()) {
            seeking.decrementAndGet();
            return;
          }
          if (!park()) {
            return;
          }
        }
      }

      private void runCall(Runnable call) {
        inCall = true;
        try {
          runTask(call);
        } finally {
          inCall = false;
        }
      }

      /**
       * Holds the selector (this thread set {@link #selecting}): runs its tasks one by one and,
       * after each, serves the node if no thread does, so that what a select received is read and
       * handled on the thread the select woke. A node task may lend this thread to a call: the
       * call runs still holding the selector (a short call needs no other thread), while the
       * watcher takes the selector over if the call lasts (see {@link #watch}). Returns when no
       * selector task is left (the selector released) or the watcher took it.
       */
      private void holdSelector() {
        boolean serveFirst = true;
        while (true) {
          if (serveFirst && !tasks.isEmpty() && tryServe()) {
            Runnable call = serve(SELECTOR_SERVES);
            if (call != null) {
              lends++;
              lentHolder.set(this);
              if (!watching.get() && watcherWanted.compareAndSet(false, true)) {
                signal(); // the thread it wakes becomes the watcher
              }
              runCall(call);
              if (!lentHolder.compareAndSet(this, null)) {
                return; // the call lasted: the watcher holds the selector now
              }
              continue; // still the holder: serve what came meanwhile, then select
            }
            seeking.decrementAndGet(); // serve() counted it seeking; it holds the selector still
            serveFirst = !servedLimit;
            continue; // a task queued meanwhile may count on this thread: look again
          }
          serveFirst = true;
          Runnable task = selectorTasks.poll();
          if (task == null) {
            selecting.set(false);
            if (selectorTasks.isEmpty() || !selecting.compareAndSet(false, true)) {
              if (selectorShutdown) {
                notifyTermination();
              }
              return;
            }
            continue;
          }
          inSelectorTask = true;
          try {
            runTask(task);
          } finally {
            inSelectorTask = false;
          }
        }
      }

      /**
       * Watches a selector holder lent to a call (this thread set {@link #watching}): looks every
       * {@link #WATCH_TICK_NANOS} and takes the selector over once the same call has run across a
       * whole tick, so that the node's connections are read again within about two ticks of a
       * call that blocks. Stops after {@link #WATCH_IDLE_NANOS} without a lent holder (or at
       * shutdown). Returns whether it took the selector (then this thread holds it).
       */
      private boolean watch() {
        long seen = -1;
        long lastLent = System.nanoTime();
        while (true) {
          try {
            while (!shutdown) {
              Worker holder = lentHolder.get();
              long lend = lends;
              long now = System.nanoTime();
              if (holder != null) {
                lastLent = now;
                if (lend == seen && lentHolder.compareAndSet(holder, null)) {
                  return true;
                }
                seen = lend;
              } else if (now - lastLent > WATCH_IDLE_NANOS) {
                break;
              }
              LockSupport.parkNanos(this, WATCH_TICK_NANOS);
            }
          } finally {
            watching.set(false);
          }
          // a holder lent as this thread stopped may have counted on it: look once more
          if (shutdown || lentHolder.get() == null || !watching.compareAndSet(false, true)) {
            return false;
          }
        }
      }

      /** Set by {@link #serve} when it stopped at its limit with tasks left (another thread woken). */
      private boolean servedLimit;

      /**
       * Runs queued tasks until the queue is empty (then returns null, seeking again), a task lent
       * this thread to a call (then returns the call, this thread no longer serving), or {@code
       * limit} tasks ran (then returns null, another thread woken for the rest).
       */
      private Runnable serve(int limit) {
        mayLend = true;
        servedLimit = false;
        Runnable task;
        int ran = 0;
        while ((task = poll()) != null) {
          runTask(task);
          if (++ran >= limit && borrowed == null && !tasks.isEmpty()) {
            mayLend = false;
            servedLimit = true;
            servers.decrementAndGet();
            if (wantsServer()) {
              signal();
            }
            seeking.incrementAndGet();
            return null;
          }
          if (borrowed != null) {
            Runnable call = borrowed;
            borrowed = null;
            mayLend = false; // lent already: the tasks below cannot borrow it again
            // what is queued already is quick dispatcher work: run it rather than wake a thread
            for (int i = 0; i < DRAIN_BEFORE_LENDING && (task = poll()) != null; i++) {
              runTask(task);
            }
            servers.decrementAndGet();
            if (!tasks.isEmpty() && wantsServer()) {
              signal();
            }
            return call;
          }
        }
        mayLend = false;
        seeking.incrementAndGet();
        servers.decrementAndGet();
        return null;
      }

      /** Parks until woken; false when this thread should end (idle for a minute, unclaimed). */
      private boolean park() {
        woken = false;
        idle.addFirst(this);
        seeking.decrementAndGet();
        // tasks while another thread serves are that thread's: it looks at the queue again
        // before it stops serving, so this one parks (and does not spin beside it)
        boolean work =
            (!tasks.isEmpty() && wantsServer())
                || (!selectorTasks.isEmpty() && !selecting.get())
                || (lentHolder.get() != null && !watching.get())
                || watcherWanted.get();
        if ((work || shutdown) && idle.remove(this)) {
          seeking.incrementAndGet();
          return true;
        }
        long deadline = System.nanoTime() + KEEP_ALIVE_NANOS;
        while (!woken) {
          long left = deadline - System.nanoTime();
          if (left <= 0 && idle.remove(this)) {
            return false; // the next task that finds no thread starts one
          }
          // claimed but not yet woken: the flag follows at once
          LockSupport.parkNanos(this, left > 0 ? left : 1_000);
        }
        return true;
      }

      private void runTask(Runnable task) {
        PoolSupport.runReporting(task);
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
      Worker parked;
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
}
