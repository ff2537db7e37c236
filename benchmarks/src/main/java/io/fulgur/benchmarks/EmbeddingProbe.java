package io.fulgur.benchmarks;

import io.fulgur.App;
import io.fulgur.Flow;
import io.fulgur.Work;
import io.fulgur.WorkOptions;
import io.fulgur.internal.flow.FlowActor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Embedded apps run one after another in one JVM, as a service that runs app after app would:
 * prints how many of the apps' actor systems are still alive after GC, the live threads against
 * their baseline, and the used heap's growth after three GCs, each measured after warm-up apps.
 *
 * <pre>EmbeddingProbe [APPS]   (default 100)</pre>
 */
public final class EmbeddingProbe {
  private static final int WARM_UP_APPS = 5;

  private EmbeddingProbe() {}

  /** Prints a few lines: its output goes through the work's output buffer to the flow's node. */
  static final class Printer extends Work<String> {
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

  /** A sequential work, three parallel ones, then another sequential one. */
  static final class MixedFlow extends Flow {
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

  /** Runs the apps and prints the figures; see the class comment. */
  public static void main(String[] args) throws InterruptedException {
    int apps = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    List<WeakReference<Object>> warmUp = new ArrayList<>();
    for (int i = 0; i < WARM_UP_APPS; i++) {
      warmUp.add(runOneApp());
    }
    awaitWithGc(() -> alive(warmUp) == 0);
    int baseline = threads.getThreadCount();
    long heapBefore = usedHeapAfterGc(memory);

    List<WeakReference<Object>> systems = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < apps; i++) {
      systems.add(runOneApp());
    }
    long millisPerApp = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) / apps;
    long ended = System.nanoTime();
    awaitWithGc(() -> alive(systems) == 0 && threads.getThreadCount() <= baseline + 2);
    long settleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ended);
    long growth = usedHeapAfterGc(memory) - heapBefore;
    System.out.printf(
        "EMBEDDING apps %d (%d ms each), actor systems alive %d, threads %d -> %d"
            + " (settled in %d ms), heap growth %d KiB%n",
        apps,
        millisPerApp,
        alive(systems),
        baseline,
        threads.getThreadCount(),
        settleMillis,
        growth / 1024);
  }

  private static WeakReference<Object> runOneApp() {
    MixedFlow flow = new MixedFlow();
    new App(flow).run();
    if (!flow.last.hasSucceeded()) {
      throw new IllegalStateException("the app did not run its last work");
    }
    return flow.system;
  }

  private static int alive(List<WeakReference<Object>> refs) {
    return (int) refs.stream().filter(r -> r.get() != null).count();
  }

  private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** Collects garbage until {@code condition} holds, for at most a minute. */
  private static void awaitWithGc(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (!condition.getAsBoolean() && System.nanoTime() < end) {
      System.gc();
      Thread.sleep(100);
    }
  }
}
