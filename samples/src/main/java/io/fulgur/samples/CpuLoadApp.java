package io.fulgur.samples;

import io.fulgur.CloudCompute;
import io.fulgur.Flow;
import io.fulgur.Work;
import io.fulgur.WorkOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a cluster's {@code cpu} nodes busy: {@code WORKS} parallel works each spin a core for
 * {@code SECONDS}, all at once. A check that a cluster tells busy nodes from dead ones ({@code
 * samples/cpu-soak.sh}); prints how far apart the first and the last work started.
 *
 * <pre>fulgur run io.fulgur.samples.CpuLoadApp [WORKS [SECONDS]]   (defaults: 200 20)</pre>
 */
public final class CpuLoadApp extends Flow {
  /** Spins a core for its input in milliseconds. */
  public static final class Spinner extends Work<Integer> {
    /** When the call started (epoch milliseconds). */
    public long startedAtMillis;

    /** A parallel work on a {@code cpu} node. */
    public Spinner() {
      super(WorkOptions.defaults().withCompute(new CloudCompute("cpu")).withParallel(true));
    }

    @Override
    protected void onRun(Integer millis) {
      startedAtMillis = System.currentTimeMillis();
      long end = System.nanoTime() + millis * 1_000_000L;
      long x = 1;
      while (System.nanoTime() < end) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
      if (x == 0) {
        System.out.println("the generator reached zero");
      }
    }
  }

  private final List<Spinner> works = new ArrayList<>();
  private final int millis;

  /** {@code [WORKS [SECONDS]]}. */
  public CpuLoadApp(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    millis = (args.length > 1 ? Integer.parseInt(args[1]) : 20) * 1000;
    if (count < 1 || millis < 0) {
      throw new IllegalArgumentException("usage: CpuLoadApp [WORKS >= 1 [SECONDS >= 0]]");
    }
    for (int i = 0; i < count; i++) {
      works.add(new Spinner());
    }
  }

  @Override
  public void run() {
    boolean done = true;
    for (Spinner w : works) {
      w.run(millis);
      done &= w.hasSucceeded();
    }
    if (done) {
      long first = works.stream().mapToLong(w -> w.startedAtMillis).min().orElse(0);
      long last = works.stream().mapToLong(w -> w.startedAtMillis).max().orElse(0);
      System.out.println(
          "SPIN " + works.size() + " works succeeded, started within " + (last - first) + " ms");
      stop();
    }
  }
}
