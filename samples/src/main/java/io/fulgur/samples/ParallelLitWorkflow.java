package io.fulgur.samples;

import io.fulgur.CloudCompute;
import io.fulgur.Flow;

/** The seed's second form: work A runs in parallel, so work B starts at once. */
class ParallelLitWorkflow extends Flow {
  final LitWorker workA = new LitWorker(new CloudCompute("cpu"), true);
  final LitWorker workB = new LitWorker(new CloudCompute("cpu"));

  ParallelLitWorkflow(long count) {
    workA.count = count;
    workB.count = count;
  }

  @Override
  public void run() {
    workA.run("machine A counting");
    workB.run("machine B counting");
    // B is sequential: this line runs once B is done; A may still be counting.
    if (workA.hasSucceeded()) {
      stop("both works counted to " + workA.count);
    }
  }
}
