package io.fulgur.internal.node;

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
 * Short calls share a few runner threads; a call never waits for long behind calls that block;
 * every call runs once; the pool shuts down.
 */
class RunnerPoolTest {
  private final AtomicInteger threads = new AtomicInteger();
  private final List<Throwable> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();
  private RunnerPool pool = pool(2);

  private RunnerPool pool(int width) {
    return new RunnerPool(
        r -> {
          Thread t = new Thread(r, "runner-" + threads.incrementAndGet());
          t.setDaemon(true);
          t.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
          return t;
        },
        width);
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
    assertThatThrownBy(() -> pool.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
  }
}
