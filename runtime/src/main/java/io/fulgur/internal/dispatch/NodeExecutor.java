package io.fulgur.internal.dispatch;

import com.typesafe.config.Config;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
 * together (each actor still runs one message at a time); they stop when the queue is empty. Other
 * threads of the pool park; a thread idle for a minute ends.
 *
 * <p><b>Borrowing.</b> A work actor that starts a sequential call on the node's thread may {@link
 * #lend} it the thread (so may the flow actor, {@code FlowExecutor}): once the actor's task is
 * done, and the tasks already queued then (at most {@link #DRAIN_BEFORE_LENDING}), that thread
 * stops serving the queue and runs the call (user code, never inside an actor), and another thread
 * of the pool becomes the node's thread if tasks come in meanwhile. A call that arrives on a quiet
 * node so runs without waking any thread, where a runner thread would have to be woken. When the
 * call ends, its thread goes back to the pool.
 *
 * <p><b>Hand-over.</b> The thread that finished a sequential call reports it inside {@link
 * #handOver}; the dispatcher work that report sets off (the work actor, the host, Artery sending
 * {@code Done}) then runs on that thread at once instead of waking the node's thread. The flow's
 * thread sends a lone command the same way. Only Fulgur's and Pekko's code runs so (the user's code
 * has returned), each actor still one message at a time (Pekko's mailbox guarantees that on any
 * thread), at most {@link #MAX_DEPTH} tasks deep; everything else goes to the queue.
 *
 * <p><b>The selector.</b> The node's threads also hold pekko-io's TCP selector in turn ({@link
 * SelectorExecutor}, {@link #selector}): its tasks (the select, interest changes) run one at a time
 * on whichever thread holds it. A node task queued while the holder runs a selector task (a select
 * that received a message) wakes no thread: the holder serves the node right after, so a message is
 * read and handled on the thread the network woke. When a node task lends the holder to a call, it
 * runs the call still holding the selector; a watcher thread, ticking every {@link
 * #WATCH_TICK_NANOS} while holders are lent, takes the selector over from a call that lasted a
 * whole tick, so a short call wakes no other thread and one that blocks leaves the connections
 * unread for about two ticks at most. The holder goes back to select after at most {@link
 * #SELECTOR_SERVES} node tasks (waking a thread for the rest).
 *
 * <p>Borrowing and hand-over spare a sequential call the wake-ups of a runner thread and of the
 * node's thread. Parallel works neither borrow nor hand over: with thousands of them finishing at
 * once, threads taking turns on the host would cost more throughput than the wake-ups they save.
 *
 * <p>This class is the glue Pekko makes from the dispatcher's config, and the hooks above; the pool
 * is {@link NodePool}, and each of its threads runs a {@link NodeWorker}, whose states ({@link
 * NodeWorker.State}) say which of these it is doing.
 */
public final class NodeExecutor extends ExecutorServiceConfigurator {

  /** How many dispatcher tasks may nest on a thread before they go to the queue. */
  static final int MAX_DEPTH = 8;

  /** Queued tasks the node's thread still runs after a call borrowed it, before it leaves. */
  static final int DRAIN_BEFORE_LENDING = 32;

  static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  /** The node thread this is, if it is one. */
  static final ThreadLocal<NodeWorker> WORKER = new ThreadLocal<>();

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
  static Supplier<NodePool> poolFor(String id, Config c, ThreadFactory factory) {
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
    return () -> new NodePool(factory, servers, backlog);
  }

  /**
   * Each ActorSystem's node pool, shared by its work dispatcher and its selector dispatcher. Weak
   * on both sides: a pool reaches the system that keys it (its thread factory, its tasks), so a
   * pool held strongly here would keep every system that ever ran alive; the dispatchers hold the
   * pool while they use it.
   */
  private static final Map<Object, WeakReference<NodePool>> POOLS = new WeakHashMap<>();

  /**
   * The live node pool of {@code system} (the key both dispatchers' prerequisites share), made by
   * {@code make} if there is none.
   */
  static NodePool shared(Object system, Supplier<NodePool> make) {
    synchronized (POOLS) {
      WeakReference<NodePool> ref = POOLS.get(system);
      NodePool pool = ref == null ? null : ref.get();
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
    return new NodePool(factory, 1, DEFAULT_BACKLOG);
  }

  /**
   * The node's pool with up to {@code servingThreads} threads serving its queue: the first whenever
   * a task is queued, each further one only while more than {@code backlog} tasks wait (a burst
   * such as thousands of works placed at once), so a quiet node still has one thread.
   */
  public static ExecutorService pool(ThreadFactory factory, int servingThreads, int backlog) {
    return new NodePool(factory, servingThreads, backlog);
  }

  /**
   * The executor of the node's selector (pekko-io's select loop and its tasks) on the threads of
   * {@code nodePool}, one of its tasks at a time ({@link SelectorExecutor}).
   */
  static ExecutorService selector(ExecutorService nodePool) {
    return new SelectorView((NodePool) nodePool);
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
    NodeWorker worker = WORKER.get();
    if (worker == null
        || DEPTH.get()[0] != 0
        || worker.state != NodeWorker.State.SERVING
        || worker.borrowed != null) {
      return false;
    }
    worker.borrowed = call;
    return true;
  }

  /** Whether the current thread is a node thread lent to a call, running it now. */
  public static boolean isLent() {
    NodeWorker worker = WORKER.get();
    return worker != null && worker.state == NodeWorker.State.IN_CALL;
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
    private final NodePool pool;

    SelectorView(NodePool pool) {
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
}
