package io.fulgur.samples.it;

import io.fulgur.CloudCompute;
import io.fulgur.Flow;
import io.fulgur.Work;
import io.fulgur.WorkOptions;

/** Works and flows the process tests run on worker nodes (the test classes are on their path). */
final class ItWorks {
  private ItWorks() {}

  /** Counts to its input, one step every 100 ms, printing each step; state: how far it got. */
  public static class SlowCounter extends Work<Integer> {
    public int counted;

    public SlowCounter(WorkOptions options) {
      super(options);
    }

    @Override
    protected void onRun(Integer steps) throws InterruptedException {
      for (int i = 1; i <= steps; i++) {
        Thread.sleep(100);
        counted = i;
        System.out.println("step " + i);
      }
    }
  }

  /** The seed's worker: counts and prints for ever, never checking for interruption. */
  public static class ForeverCounter extends Work<String> {
    public ForeverCounter() {
      super(new CloudCompute("cpu"), true);
    }

    @Override
    protected void onRun(String message) {
      for (long i = 0; i < 100_000_000_000L; i++) {
        System.out.println(message + " " + i);
      }
    }
  }

  /** Runs a never-ending counter on a cpu node and never stops: for the flow-node-loss test. */
  public static class ForeverFlow extends Flow {
    final ForeverCounter counter = new ForeverCounter();

    @Override
    public void run() {
      counter.run("counting");
    }
  }
}
