package io.fulgur.benchmarks;

import io.fulgur.CloudCompute;
import io.fulgur.Flow;
import io.fulgur.Work;
import io.fulgur.WorkOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** The works and flows the Fulgur side of the scenarios runs. */
final class BenchWorks {
  private BenchWorks() {}

  /** Prints one line. */
  static final class LinePrinter extends Work<Integer> {
    LinePrinter(WorkOptions options) {
      super(options);
    }

    @Override
    protected void onRun(Integer input) {
      System.out.println("line " + input);
    }
  }

  /** A no-op work. */
  static final class Noop extends Work<Integer> {
    Noop(WorkOptions options) {
      super(options);
    }

    @Override
    protected void onRun(Integer input) {}
  }

  /** Calls a no-op sequential work with 0, 1, 2, ...: one call per pass; records each cycle. */
  static final class ChainFlow extends Flow {
    final Noop work;
    final List<Noop> idle = new ArrayList<>();
    final long[] rtts;
    private int next;
    private long sentAt;

    ChainFlow(CloudCompute compute, int calls, int idleWorks) {
      this.work = new Noop(WorkOptions.defaults().withCompute(compute));
      this.rtts = new long[calls];
      for (int i = 0; i < idleWorks; i++) {
        idle.add(new Noop(WorkOptions.defaults().withCompute(compute)));
      }
    }

    @Override
    public void run() {
      if (next > 0) {
        rtts[next - 1] = System.nanoTime() - sentAt;
      }
      if (next == rtts.length) {
        stop();
      }
      sentAt = System.nanoTime();
      work.run(next++);
    }
  }

  /**
   * A no-op work with three public state fields, which the flow sets before the work is placed (the
   * runtime copies them to the work's node, and back before each call's Done).
   */
  static final class PublicFields extends Work<Integer> {
    /** Runs whose onRun saw the fields set, in this JVM. */
    static final LongAdder CONFIGURED_RUNS = new LongAdder();

    public String label;
    public int size;
    public long seed;

    PublicFields(WorkOptions options) {
      super(options);
    }

    @Override
    protected void onRun(Integer input) {
      readFields(label, size, seed, CONFIGURED_RUNS);
    }
  }

  /**
   * A no-op work with three private final configuration fields given to its constructor; whether
   * they reach the work's node depends on the runtime (not copied: onRun sees null and 0).
   */
  static final class PrivateFields extends Work<Integer> {
    /** Runs whose onRun saw the fields set, in this JVM. */
    static final LongAdder CONFIGURED_RUNS = new LongAdder();

    private final String label;
    private final int size;
    private final long seed;

    PrivateFields(WorkOptions options, String label, int size, long seed) {
      super(options);
      this.label = label;
      this.size = size;
      this.seed = seed;
    }

    @Override
    protected void onRun(Integer input) {
      readFields(label, size, seed, CONFIGURED_RUNS);
    }
  }

  /** Reads a work's three fields and counts the run if they were set; null and 0 are fine. */
  private static void readFields(String label, int size, long seed, LongAdder configuredRuns) {
    if (label != null || size != 0 || seed != 0) {
      configuredRuns.increment();
    }
  }

  /**
   * What the works of a fan-out carry: no fields, three public state fields, or three private; or
   * no fields, and each call prints a line.
   */
  enum Fields {
    NONE,
    PUBLIC,
    PRIVATE,
    PRINTS_A_LINE;

    /** The fan-out's {@code i}-th work (the same field values for public and private). */
    Work<Integer> work(int i) {
      WorkOptions options =
          WorkOptions.defaults().withCompute(new CloudCompute("cpu")).withParallel(true);
      String label = "shard-" + i;
      long seed = 0x9E3779B97F4A7C15L * (i + 1);
      return switch (this) {
        case NONE -> new Noop(options);
        case PUBLIC -> {
          PublicFields w = new PublicFields(options);
          w.label = label;
          w.size = i + 1;
          w.seed = seed;
          yield w;
        }
        case PRIVATE -> new PrivateFields(options, label, i + 1, seed);
        case PRINTS_A_LINE -> new LinePrinter(options);
      };
    }
  }

  /** Starts N parallel no-op works once both hosts are in view, and waits for all. */
  static final class FanOutFlow extends Flow {
    final List<Work<Integer>> works = new ArrayList<>();
    final Noop warm1 = parallelNoop();
    final Noop warm2 = parallelNoop();
    long startedAt;
    long doneAt;

    FanOutFlow(int n, Fields fields) {
      for (int i = 0; i < n; i++) {
        works.add(fields.work(i));
      }
    }

    private static Noop parallelNoop() {
      return new Noop(
          WorkOptions.defaults().withCompute(new CloudCompute("cpu")).withParallel(true));
    }

    @Override
    public void run() {
      warm1.run(0);
      warm2.run(0);
      if (!warm1.hasSucceeded() || !warm2.hasSucceeded()) {
        return;
      }
      if (startedAt == 0) {
        startedAt = System.nanoTime();
      }
      int done = 0;
      for (Work<Integer> w : works) {
        w.run(1);
        if (w.hasSucceeded()) {
          done++;
        }
      }
      if (done == works.size()) {
        doneAt = System.nanoTime();
        stop();
      }
    }
  }

  /** Places N no-op works (one call each) and stops when all succeeded. */
  static final class PlaceAllFlow extends Flow {
    final List<Noop> works = new ArrayList<>();
    final Runnable whenAllPlaced;
    boolean measured;

    PlaceAllFlow(int n, Runnable whenAllPlaced) {
      this.whenAllPlaced = whenAllPlaced;
      for (int i = 0; i < n; i++) {
        works.add(new Noop(WorkOptions.defaults().withParallel(true)));
      }
    }

    @Override
    public void run() {
      int done = 0;
      for (Noop w : works) {
        w.run(1);
        if (w.hasSucceeded()) {
          done++;
        }
      }
      if (done == works.size() && !measured) {
        measured = true;
        whenAllPlaced.run();
        stop();
      }
    }
  }
}
