package io.fulgur.samples;

import io.fulgur.CloudCompute;
import io.fulgur.Flow;

/** The seed's first form: work A must complete before work B starts. */
class LitWorkflow extends Flow {
  final LitWorker workA = new LitWorker(new CloudCompute("cpu"));
  final LitWorker workB = new LitWorker(new CloudCompute("cpu"));

  LitWorkflow(long count) {
    workA.count = count;
    workB.count = count;
  }

  @Override
  public void run() {
    workA.run("machine A counting");
    // Work A must complete before B starts... which will take a while
    workB.run("machine B counting");
    stop("both works counted to " + workA.count);
  }
}
