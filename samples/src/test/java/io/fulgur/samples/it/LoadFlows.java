package io.fulgur.samples.it;

import io.fulgur.CloudCompute;
import io.fulgur.Flow;
import io.fulgur.Work;
import io.fulgur.WorkOptions;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/** Flows that load their worker nodes, run with {@code fulgur run} by the load tests. */
final class LoadFlows {
  private LoadFlows() {}

  /**
   * Holds many small live objects and collects them with full GCs, one every {@code input}
   * milliseconds for 15 s: stop-the-world pauses of its node. State: the longest pause.
   */
  public static class GcPauser extends Work<Integer> {
    public long longestPauseMillis;
    public int collections;

    public GcPauser() {
      super(WorkOptions.defaults().withCompute(new CloudCompute("gc")).withParallel(true));
    }

    @Override
    protected void onRun(Integer restMillis) throws InterruptedException {
      Object[] live = new Object[12_000_000];
      for (int i = 0; i < live.length; i++) {
        live[i] = new int[] {i};
      }
      long end = System.nanoTime() + 15_000_000_000L;
      while (System.nanoTime() < end) {
        long before = gcMillis();
        long t0 = System.nanoTime();
        System.gc();
        long wall = (System.nanoTime() - t0) / 1_000_000;
        longestPauseMillis = Math.max(longestPauseMillis, Math.min(wall, gcMillis() - before));
        collections++;
        Thread.sleep(restMillis);
      }
      System.out.println(
          "GC longest pause "
              + longestPauseMillis
              + " ms over "
              + collections
              + " collections of "
              + live.length
              + " live objects");
    }

    private static long gcMillis() {
      long sum = 0;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        sum += Math.max(0, gc.getCollectionTime());
      }
      return sum;
    }
  }

  /**
   * {@code fulgur run ...LoadFlows$GcPauses}: a work pausing its gc node with full GCs, and a
   * counter on the cpu nodes meanwhile.
   */
  public static class GcPauses extends Flow {
    final GcPauser pauser = new GcPauser();
    final ItWorks.SlowCounter counter =
        new ItWorks.SlowCounter(
            WorkOptions.defaults().withCompute(new CloudCompute("cpu")).withParallel(true));

    @Override
    public void run() {
      pauser.run(1000);
      counter.run(150);
      if (pauser.hasSucceeded() && counter.hasSucceeded()) {
        System.out.println("GCPAUSES longest " + pauser.longestPauseMillis + " ms");
        stop();
      }
    }
  }

  /** {@code fulgur run ...LoadFlows$Count SECONDS}: a counter on each of two cpu nodes. */
  public static class Count extends Flow {
    final ItWorks.SlowCounter a;
    final ItWorks.SlowCounter b;
    final int steps;

    public Count(String[] args) {
      steps = Integer.parseInt(args[0]) * 10;
      WorkOptions options =
          WorkOptions.defaults().withCompute(new CloudCompute("cpu")).withParallel(true);
      a = new ItWorks.SlowCounter(options);
      b = new ItWorks.SlowCounter(options);
    }

    @Override
    public void run() {
      a.run(steps);
      b.run(steps);
      if (a.hasSucceeded() && b.hasSucceeded()) {
        System.out.println("COUNT done: " + a.counted + " and " + b.counted);
        stop();
      }
    }
  }
}
