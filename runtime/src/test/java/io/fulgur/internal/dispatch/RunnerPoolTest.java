package io.fulgur.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Short calls share a few runner threads; a call never waits for long behind calls that block,
 * unless the cap on threads is reached, when calls wait in order and no thread is added; every call
 * runs once; the pool shuts down.
 */
class RunnerPoolTest {
  private final AtomicInteger threads = new AtomicInteger();
  private final List<Throwable> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();
  private RunnerPool pool = pool(2);

  private RunnerPool pool(int width) {
    return pool(width, 1000);
  }

  private RunnerPool pool(int width, int maxThreads) {
    return new RunnerPool(
        r -> {
          Thread t = new Thread(r, "runner-" + threads.incrementAndGet());
          t.setDaemon(true);
          t.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
          return t;
        },
        width,
        maxThreads,
        "test.max-threads");
  }

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void everyShortCallRunsOnce() throws Exception {
    int producers = 2;
    int perProducer = 20_000;
    AtomicIntegerArray runs = new AtomicIntegerArray(producers * perProducer);
    CountDownLatch all = new CountDownLatch(producers * perProducer);
    List<Thread> started = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int base = p * perProducer;
      Thread producer =
          new Thread(
              () -> {
                for (int i = 0; i < perProducer; i++) {
                  int index = base + i;
                  pool.execute(
                      () -> {
                        runs.incrementAndGet(index);
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
      assertThat(runs.get(i)).as("call %d", i).isEqualTo(1);
    }
  }

  @Test
  void callsThatBlockEachGetAThreadOfTheirOwn() throws Exception {
    int n = 50;
    CountDownLatch allStarted = new CountDownLatch(n);
    CountDownLatch allDone = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      pool.execute(
          () -> {
            allStarted.countDown();
            try {
              // each call blocks until every one has started: they must all run at once
              if (allStarted.await(20, TimeUnit.SECONDS)) {
                allDone.countDown();
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }
    assertThat(allDone.await(20, TimeUnit.SECONDS)).as("all %d calls ran at once", n).isTrue();
  }

  @Test
  void aCallDoesNotWaitForACallThatBlocks() throws Exception {
    pool = pool(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch firstRuns = new CountDownLatch(1);
    pool.execute(
        () -> {
          firstRuns.countDown();
          try {
            release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(firstRuns.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<String> second = new CompletableFuture<>();
    pool.execute(() -> second.complete(Thread.currentThread().getName()));
    // the only counted call blocks: the second starts on another thread while it still does
    assertThat(second.get(10, TimeUnit.SECONDS)).isNotNull();
    assertThat(release.getCount()).isEqualTo(1);
    release.countDown();
  }

  @Test
  void aCallThatThrowsLeavesItsRunnerWorking() throws Exception {
    pool = pool(1);
    pool.execute(
        () -> {
          throw new IllegalStateException("boom");
        });
    CompletableFuture<Void> next = new CompletableFuture<>();
    pool.execute(() -> next.complete(null));
    next.get(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (uncaught.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(uncaught).singleElement().extracting(Throwable::getMessage).isEqualTo("boom");
  }

  @Test
  void shutdownNowInterruptsRunningCallsAndRefusesNewOnes() throws Exception {
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
    CountDownLatch running = new CountDownLatch(1);
    pool.execute(
        () -> {
          running.countDown();
          try {
            Thread.sleep(TimeUnit.SECONDS.toMillis(30));
            interrupted.complete(false);
          } catch (InterruptedException e) {
            interrupted.complete(true);
          }
        });
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    pool.shutdownNow();
    assertThat(interrupted.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> pool.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
  }

  /** A call that blocks until {@code release}, counting how many such calls run at once. */
  private static Runnable blocking(
      AtomicInteger running, AtomicInteger most, CountDownLatch release, Runnable then) {
    return () -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        running.decrementAndGet();
        then.run();
      }
    };
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() < deadline).as(what).isTrue();
      Thread.onSpinWait();
    }
  }

  @Test
  void beyondTheCapCallsWaitAndNoThreadIsAdded() throws Exception {
    pool = pool(2, 4);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(20);
    List<Integer> started = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < 20; i++) { // the first four start, the others wait
      int index = i;
      Runnable call = blocking(running, most, release, done::countDown);
      pool.execute(
          () -> {
            started.add(index);
            call.run();
          });
    }
    await("four calls run", () -> running.get() == 4);
    Thread.sleep(50); // the watcher had time to give the blocked calls more threads: it must not
    assertThat(running.get()).isEqualTo(4);
    assertThat(pool.waiting()).isEqualTo(16);
    assertThat(threads.get()).as("threads made").isLessThanOrEqualTo(4 + 1); // + the watcher
    release.countDown();
    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(most.get()).isEqualTo(4);
    assertThat(started.subList(0, 4)).containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void callsWaitingForAThreadRunInTheOrderTheyCame() throws Exception {
    pool = pool(2, 1);
    AtomicInteger running = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    pool.execute(blocking(running, new AtomicInteger(), release, () -> {}));
    await("the first call runs", () -> running.get() == 1);
    List<Integer> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(50);
    for (int i = 0; i < 50; i++) {
      int index = i;
      pool.execute(
          () -> {
            ran.add(index);
            done.countDown();
          });
    }
    release.countDown();
    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).isSorted().hasSize(50);
  }

  @Test
  void threadsHeldElsewhereCountTowardsTheCapAndFreeItWhenReleased() throws Exception {
    pool = pool(2, 2);
    assertThat(pool.hold()).isTrue();
    assertThat(pool.hold()).isTrue();
    assertThat(pool.hold()).as("a third thread beyond a cap of 2").isFalse();
    CompletableFuture<String> call = new CompletableFuture<>();
    pool.execute(() -> call.complete(Thread.currentThread().getName()));
    Thread.sleep(50);
    assertThat(call).as("no thread for the call while both are held").isNotDone();
    pool.release();
    assertThat(call.get(10, TimeUnit.SECONDS)).startsWith("runner-");
    pool.release();
  }

  @Test
  void aWaitingCallCanBeTakenBackAndNeverRuns() throws Exception {
    pool = pool(1, 1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    pool.execute(blocking(running, new AtomicInteger(), release, () -> {}));
    await("the first call runs", () -> running.get() == 1);
    AtomicInteger ran = new AtomicInteger();
    Runnable second = ran::incrementAndGet;
    Runnable third = ran::incrementAndGet;
    pool.execute(second);
    pool.execute(third);
    assertThat(pool.cancel(second)).isTrue();
    assertThat(pool.cancel(second)).isFalse();
    release.countDown();
    await("the third call runs", () -> ran.get() == 1);
    assertThat(pool.cancel(third)).as("taken by a thread already").isFalse();
    Thread.sleep(20);
    assertThat(ran.get()).isEqualTo(1);
  }

  @Test
  void aCapBelowOneIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> pool(2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("test.max-threads must be at least 1, was 0");
  }
}
