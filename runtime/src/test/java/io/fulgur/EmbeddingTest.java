package io.fulgur;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fulgur.internal.flow.FlowActor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Apps run one after another in one JVM (a service that runs app after app) leave nothing behind:
 * no actor system, no thread, no heap that grows with the number of apps.
 */
class EmbeddingTest {
  static final int WARM_UP_APPS = 3;
  static final int APPS = 30;
  static final long MAX_HEAP_GROWTH = 5L * 1024 * 1024;

  /** Prints a few lines: its output goes through the work's output buffer to the flow's node. */
  static class Printer extends Work<String> {
    Printer(boolean parallel) {
      super(WorkOptions.defaults().withParallel(parallel));
    }

    @Override
    protected void onRun(String input) {
      for (int i = 0; i < 3; i++) {
        System.out.println(input + " " + i);
      }
    }
  }

  /**
   * A sequential work, three parallel ones, then another sequential one: the node's thread, its
   * runner threads, the flow's thread and the output printer all take part.
   */
  static class MixedFlow extends Flow {
    final Printer first = new Printer(false);
    final List<Printer> fanOut = List.of(new Printer(true), new Printer(true), new Printer(true));
    final Printer last = new Printer(false);
    WeakReference<Object> system;

    @Override
    public void run() {
      if (system == null) {
        system = new WeakReference<>(FlowActor.currentSystem());
      }
      first.run("first");
      for (int i = 0; i < fanOut.size(); i++) {
        fanOut.get(i).run("parallel " + i);
      }
      if (fanOut.stream().allMatch(Work::hasSucceeded)) {
        last.run("last");
        stop();
      }
    }
  }

  /** Runs one app and returns a weak reference to its actor system. */
  static WeakReference<Object> runOneApp() {
    MixedFlow flow = new MixedFlow();
    new App(flow).run();
    assertThat(flow.last.hasSucceeded()).isTrue();
    assertThat(flow.system.get()).as("the flow saw its actor system").isNotNull();
    return flow.system;
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void appsRunOneAfterAnotherLeaveNoSystemThreadOrHeapBehind() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    List<WeakReference<Object>> warmUp = new ArrayList<>();
    for (int i = 0; i < WARM_UP_APPS; i++) {
      warmUp.add(runOneApp());
    }
    awaitWithGc(
        "the warm-up apps' actor systems are collected",
        Duration.ofSeconds(60),
        () -> alive(warmUp) == 0);
    int baseline = threads.getThreadCount();
    long heapBefore = usedHeapAfterGc(memory);

    List<WeakReference<Object>> systems = new ArrayList<>();
    for (int i = 0; i < APPS; i++) {
      systems.add(runOneApp());
    }

    awaitWithGc(
        "no actor system of the " + APPS + " apps is alive",
        Duration.ofSeconds(60),
        () -> alive(systems) == 0);
    // well within the pools' idle time (a minute): the threads end because their system did
    awaitWithGc(
        "the live threads are back to " + baseline + " (+2)",
        Duration.ofSeconds(20),
        () -> threads.getThreadCount() <= baseline + 2);
    long growth = usedHeapAfterGc(memory) - heapBefore;
    System.out.printf(
        "%d apps: %d actor systems alive, threads %d -> %d, heap growth %d KiB%n",
        APPS, alive(systems), baseline, threads.getThreadCount(), growth / 1024);
    assertThat(growth)
        .as("heap growth over %d apps: %d bytes", APPS, growth)
        .isLessThan(MAX_HEAP_GROWTH);
  }

  /** How many of {@code refs} still reach their object. */
  static int alive(List<WeakReference<Object>> refs) {
    return (int) refs.stream().filter(r -> r.get() != null).count();
  }

  /** Used heap after three full collections. */
  static long usedHeapAfterGc(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
      sleep(50);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** Waits until {@code condition} holds, collecting garbage meanwhile, up to {@code deadline}. */
  static void awaitWithGc(String what, Duration deadline, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        fail("Timed out waiting for: " + what + "; live threads: " + liveThreadNames());
      }
      System.gc();
      sleep(100);
    }
  }

  static String liveThreadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .sorted()
        .collect(Collectors.joining(", "));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
