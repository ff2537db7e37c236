package io.fulgur.samples;

import io.fulgur.CloudCompute;
import io.fulgur.Work;

/** The seed's worker: counts and prints, never checking for interruption. */
class LitWorker extends Work<String> {
  /** How far to count (state: the flow sets it, the work's node reads it). */
  public long count = 100_000_000_000L;

  LitWorker(CloudCompute compute) {
    super(compute);
  }

  LitWorker(CloudCompute compute, boolean parallel) {
    super(compute, parallel);
  }

  @Override
  protected void onRun(String message) {
    for (long i = 0; i < count; i++) {
      System.out.println(message + " " + i);
    }
  }
}
