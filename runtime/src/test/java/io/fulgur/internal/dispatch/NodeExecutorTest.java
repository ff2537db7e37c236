package io.fulgur.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One thread at a time serves the node's queue (two in a backlog, when configured); a sequential
 * call may borrow it; tasks a finished call hands over run on its thread, within a depth.
 */
class NodeExecutorTest {
  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService pool =
      NodeExecutor.pool(r -> new Thread(r, "node-" + threads.incrementAndGet()));

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aTaskGoesToTheNodeThread() throws Exception {
    CompletableFuture<String> ran = new CompletableFuture<>();
    pool.execute(() -> ran.complete(Thread.currentThread().getName()));
    assertThat(ran.get(10, TimeUnit.SECONDS)).isEqualTo("node-1");
  }

  @Test
  void aQuietNodeKeepsOneThread() throws Exception {
    for (int i = 0; i < 200; i++) {
      CompletableFuture<String> ran = new CompletableFuture<>();
      pool.execute(() -> ran.complete(Thread.currentThread().getName()));
      assertThat(ran.get(10, TimeUnit.SECONDS)).isEqualTo("node-1");
    }
    assertThat(threads.get()).isEqualTo(1);
  }

  @Test
  void aTaskHandedOverRunsOnTheCallingThreadAtOnce() throws Exception {
    CompletableFuture<String> ran = new CompletableFuture<>();
    String caller = Thread.currentThread().getName();
    NodeExecutor.handOver(() -> pool.execute(() -> ran.complete(Thread.currentThread().getName())));
    assertThat(ran).isDone();
    assertThat(ran.get()).isEqualTo(caller);
  }

  @Test
  void nestedTasksBeyondTheDepthGoToTheNodeThread() throws Exception {
    List<String> names = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> last = new CompletableFuture<>();
    Runnable[] chain = new Runnable[NodeExecutor.MAX_DEPTH + 3];
    for (int i = chain.length - 1; i >= 0; i--) {
      int index = i;
      chain[i] =
          () -> {
            names.add(Thread.currentThread().getName());
            if (index + 1 < chain.length) {
              pool.execute(chain[index + 1]);
            } else {
              last.complete(null);
            }
          };
    }
    String caller = Thread.currentThread().getName();
    NodeExecutor.handOver(() -> pool.execute(chain[0]));
    last.get(10, TimeUnit.SECONDS);
    // depth 1 is handOver itself: MAX_DEPTH - 1 tasks nest on the caller, the rest queue
    assertThat(names.subList(0, NodeExecutor.MAX_DEPTH - 1)).containsOnly(caller);
    assertThat(names.subList(NodeExecutor.MAX_DEPTH - 1, chain.length)).containsOnly("node-1");
  }

  @Test
  void aLentThreadRunsTheCallAfterItsTaskWhileAnotherServesTheNode() throws Exception {
    CountDownLatch nodeServed = new CountDownLatch(1);
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<String> callThread = new CompletableFuture<>();
    CompletableFuture<String> nodeThread = new CompletableFuture<>();
    CompletableFuture<Boolean> lent = new CompletableFuture<>();
    pool.execute(
        () -> {
          lent.complete(
              NodeExecutor.lend(
                  () -> {
                    order.add("call");
                    callThread.complete(Thread.currentThread().getName());
                    // the call blocks until a task submitted now has run: the node is not blocked
                    pool.execute(
                        () -> {
                          nodeThread.complete(Thread.currentThread().getName());
                          nodeServed.countDown();
                        });
                    try {
                      nodeServed.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
          order.add("task");
        });
    assertThat(lent.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(nodeServed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(order).containsExactly("task", "call");
    assertThat(callThread.get()).isEqualTo("node-1");
    assertThat(nodeThread.get()).isNotEqualTo("node-1");
  }

  @Test
  void aThreadBackFromItsCallParksWhileAnotherServesTheNode() throws Exception {
    CountDownLatch callMayEnd = new CountDownLatch(1);
    CountDownLatch serverHolds = new CountDownLatch(1);
    CountDownLatch serverMayEnd = new CountDownLatch(1);
    CompletableFuture<Thread> callThread = new CompletableFuture<>();
    CompletableFuture<Void> queuedRan = new CompletableFuture<>();
    pool.execute(
        () ->
            NodeExecutor.lend(
                () -> {
                  callThread.complete(Thread.currentThread());
                  await(callMayEnd);
                }));
    Thread lent = callThread.get(10, TimeUnit.SECONDS);
    // another thread serves the node now and holds it, with a task queued behind
    pool.execute(
        () -> {
          serverHolds.countDown();
          await(serverMayEnd);
        });
    assertThat(serverHolds.await(10, TimeUnit.SECONDS)).isTrue();
    pool.execute(() -> queuedRan.complete(null));
    callMayEnd.countDown();
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long before = cpu.getThreadCpuTime(lent.getId());
    Thread.sleep(300);
    long spent = cpu.getThreadCpuTime(lent.getId()) - before;
    serverMayEnd.countDown();
    queuedRan.get(10, TimeUnit.SECONDS);
    // the queued task is the serving thread's: the other parks instead of spinning beside it
    assertThat(TimeUnit.NANOSECONDS.toMillis(spent)).isLessThan(50);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void onlyTheServingThreadAtTheTopOfATaskCanLend() throws Exception {
    assertThat(NodeExecutor.lend(() -> {})).isFalse();
    CompletableFuture<Boolean> first = new CompletableFuture<>();
    CompletableFuture<Boolean> nested = new CompletableFuture<>();
    CompletableFuture<Boolean> second = new CompletableFuture<>();
    pool.execute(
        () -> {
          first.complete(NodeExecutor.lend(() -> {}));
          second.complete(NodeExecutor.lend(() -> {}));
          NodeExecutor.handOver(() -> nested.complete(NodeExecutor.lend(() -> {})));
        });
    assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(second.get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(nested.get(10, TimeUnit.SECONDS)).isFalse();
  }

  @Test
  void everyTaskRunsOnceUnderLoadWithCallsBorrowingTheThread() throws Exception {
    assertThat(loadWithBorrowing(pool)).isEqualTo(1);
  }

  /**
   * 80,000 tasks from 4 producers, one in a hundred lending its thread to a call: every task runs
   * once and every call runs. Returns the most tasks seen running at once.
   */
  private static int loadWithBorrowing(ExecutorService executor) throws Exception {
    int producers = 4;
    int perProducer = 20_000;
    AtomicIntegerArray runs = new AtomicIntegerArray(producers * perProducer);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch all = new CountDownLatch(producers * perProducer);
    List<Thread> started = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int base = p * perProducer;
      Thread producer =
          new Thread(
              () -> {
                for (int i = 0; i < perProducer; i++) {
                  int index = base + i;
                  executor.execute(
                      () -> {
                        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                        if (index % 100 == 0 && !NodeExecutor.lend(calls::incrementAndGet)) {
                          calls.incrementAndGet(); // not lent: the caller runs it elsewhere
                        }
                        runs.incrementAndGet(index);
                        running.decrementAndGet();
                        all.countDown();
                      });
                }
              });
      started.add(producer);
      producer.start();
    }
    for (Thread producer : started) {
      producer.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < runs.length(); i++) {
      assertThat(runs.get(i)).as("task %d", i).isEqualTo(1);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (calls.get() < producers * perProducer / 100 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(calls.get()).isEqualTo(producers * perProducer / 100);
    return mostAtOnce.get();
  }

  @Test
  void aBacklogGetsASecondServingThreadWhileTheFirstIsBusy() throws Exception {
    AtomicInteger made = new AtomicInteger();
    ExecutorService two =
        NodeExecutor.pool(r -> new Thread(r, "two-" + made.incrementAndGet()), 2, 8);
    try {
      CountDownLatch firstHolds = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<String> first = new CompletableFuture<>();
      two.execute(
          () -> {
            first.complete(Thread.currentThread().getName());
            firstHolds.countDown();
            await(release);
          });
      assertThat(firstHolds.await(10, TimeUnit.SECONDS)).isTrue();
      // more than the backlog queued behind the busy thread: another thread serves them now
      // (each waits until all are queued: a helper faster than this loop would otherwise empty
      // the queue and stop, leaving the tasks queued after it, fewer than the backlog, behind
      // the busy thread)
      CountDownLatch queuedRan = new CountDownLatch(20);
      CountDownLatch allQueued = new CountDownLatch(1);
      List<String> names = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 20; i++) {
        two.execute(
            () -> {
              await(allQueued);
              names.add(Thread.currentThread().getName());
              queuedRan.countDown();
            });
      }
      allQueued.countDown();
      assertThat(queuedRan.await(10, TimeUnit.SECONDS))
          .as("served while the first is busy")
          .isTrue();
      assertThat(names).doesNotContain(first.get());
      release.countDown();
      // a quiet node again: one task at a time runs on one thread (whichever serves)
      for (int i = 0; i < 50; i++) {
        CompletableFuture<String> ran = new CompletableFuture<>();
        two.execute(() -> ran.complete(Thread.currentThread().getName()));
        ran.get(10, TimeUnit.SECONDS);
      }
    } finally {
      two.shutdown();
      assertThat(two.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void twoServingThreadsRunEveryTaskOnceAndNeverMoreThanTwoAtATime() throws Exception {
    ExecutorService two = NodeExecutor.pool(r -> new Thread(r, "load"), 2, 4);
    try {
      assertThat(loadWithBorrowing(two)).isBetween(1, 2);
    } finally {
      two.shutdown();
      assertThat(two.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aShutDownPoolEndsItsThreadsAndRefusesTasks() throws Exception {
    CompletableFuture<Void> ran = new CompletableFuture<>();
    pool.execute(() -> ran.complete(null));
    ran.get(10, TimeUnit.SECONDS);
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.isTerminated()).isTrue();
    assertThatThrownBy(() -> pool.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
  }

  /** Stands for an actor system: it holds its node pool (through its dispatchers). */
  private static final class FakeSystem {
    ExecutorService pool;
  }

  @Test
  void aSharedPoolDoesNotKeepItsSystemAlive() throws Exception {
    FakeSystem system = new FakeSystem();
    WeakReference<FakeSystem> key = new WeakReference<>(system);
    system.pool = sharedPoolOf(system);
    assertThat(NodeExecutor.shared(system, () -> null)).isSameAs(system.pool);
    system = null;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (key.get() != null && System.nanoTime() < end) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(key.get()).as("the system and its pool are collected").isNull();
  }

  /** The shared pool of {@code system}; like a real one, its thread factory reaches the system. */
  private static ExecutorService sharedPoolOf(Object system) {
    return NodeExecutor.shared(
        system,
        () ->
            new NodePool(
                r -> new Thread(r, "shared-" + system.hashCode()),
                1,
                NodeExecutor.DEFAULT_BACKLOG));
  }
}
