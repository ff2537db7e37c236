package io.fulgur.benchmarks;

import com.typesafe.config.ConfigFactory;
import io.fulgur.App;
import io.fulgur.Flow;
import io.fulgur.Work;
import io.fulgur.WorkOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What blocked calls cost in threads, for sizing {@code fulgur.node.max-call-threads}. Run in a
 * fresh JVM per line (Linux: memory is the process's resident set from {@code /proc}).
 *
 * <ul>
 *   <li>{@code threads N}: N plain threads, each 200 frames deep, blocked on a latch: time until
 *       all have started, resident memory added, per thread.
 *   <li>{@code app CALLS CAP}: an embedded app whose CALLS parallel works block, with {@code
 *       max-call-threads = CAP}: time until min(CALLS, CAP) run, the JVM's threads then, resident
 *       memory added, and the time until all CALLS have succeeded once released.
 * </ul>
 */
public final class ThreadCost {
  private ThreadCost() {}

  /** Prints one line for the measurement the arguments name; see the class comment. */
  public static void main(String[] args) throws Exception {
    if (args.length >= 2 && args[0].equals("threads")) {
      threads(Integer.parseInt(args[1]));
    } else if (args.length >= 3 && args[0].equals("app")) {
      app(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
    } else {
      System.err.println("usage: ThreadCost threads N | app CALLS CAP");
    }
  }

  static long residentKiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  private static void settle() throws InterruptedException {
    System.gc();
    Thread.sleep(300);
  }

  private static int deep(int frames, CountDownLatch started, CountDownLatch release)
      throws InterruptedException {
    if (frames == 0) {
      started.countDown();
      release.await();
      return 0;
    }
    return deep(frames - 1, started, release) + 1;
  }

  static void threads(int n) throws Exception {
    settle();
    long before = residentKiB();
    CountDownLatch started = new CountDownLatch(n);
    CountDownLatch release = new CountDownLatch(1);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  deep(200, started, release);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      t.setDaemon(true);
      t.start();
    }
    started.await();
    long elapsed = System.nanoTime() - t0;
    settle();
    long added = residentKiB() - before;
    System.out.printf(
        Locale.ROOT,
        "THREADS %d: started in %.0f ms (%.0f us each), resident memory +%.1f MiB (%.0f KiB each)%n",
        n,
        elapsed / 1e6,
        elapsed / 1e3 / n,
        added / 1024.0,
        added / (double) n);
    release.countDown();
  }

  /** Blocks its call until released, counting the calls that run. */
  static final class Blocker extends Work<Void> {
    static final AtomicInteger RUNNING = new AtomicInteger();
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    Blocker() {
      super(WorkOptions.defaults().withParallel(true));
    }

    @Override
    protected void onRun(Void input) throws InterruptedException {
      RUNNING.incrementAndGet();
      RELEASE.await();
    }
  }

  /** Calls every blocker once; stops once all have succeeded. */
  static final class Blockers extends Flow {
    final List<Blocker> works = new ArrayList<>();

    Blockers(int n) {
      for (int i = 0; i < n; i++) {
        works.add(new Blocker());
      }
    }

    @Override
    public void run() {
      boolean all = true;
      for (Blocker w : works) {
        w.run();
        all &= w.hasSucceeded();
      }
      if (all) {
        stop();
      }
    }
  }

  static void app(int calls, int cap) throws Exception {
    settle();
    long before = residentKiB();
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
    Blockers flow = new Blockers(calls);
    App app =
        new App(
            flow,
            ConfigFactory.parseString(
                "fulgur.node.serve-all-roles = on\nfulgur.node.max-call-threads = " + cap));
    Thread runner = new Thread(app::run, "app");
    long t0 = System.nanoTime();
    runner.start();
    int expected = Math.min(calls, cap);
    while (Blocker.RUNNING.get() < expected) {
      Thread.sleep(1);
    }
    long toRunning = System.nanoTime() - t0;
    settle();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    long added = residentKiB() - before;
    int running = Blocker.RUNNING.get();
    long t1 = System.nanoTime();
    Blocker.RELEASE.countDown();
    runner.join(TimeUnit.MINUTES.toMillis(5));
    long toEnd = System.nanoTime() - t1;
    System.out.printf(
        Locale.ROOT,
        "APP %d calls, cap %d: %d running after %.0f ms, JVM threads %d (+%d), resident memory"
            + " +%.1f MiB; all %d done %.0f ms after release%n",
        calls,
        cap,
        running,
        toRunning / 1e6,
        threads,
        threads - threadsBefore,
        added / 1024.0,
        calls,
        toEnd / 1e6);
  }
}
