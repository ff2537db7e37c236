package io.fulgur.samples;

import io.fulgur.App;
import io.fulgur.CloudCompute;
import io.fulgur.Flow;
import io.fulgur.LocalCluster;

/**
 * The toy app on a cluster inside this JVM: two {@code cpu} nodes and one {@code gpu} node, and the
 * app's flow on a node of its own. Each node is a separate Pekko ActorSystem on 127.0.0.1; every
 * message between them goes through Artery and Jackson CBOR.
 *
 * <pre>
 * ClusterToyApp [count]     (default: 5)
 * </pre>
 */
public final class ClusterToyApp {
  private ClusterToyApp() {}

  /** Two parallel cpu works and one gpu work; prints where each ran. */
  static class ClusterFlow extends Flow {
    final LitWorker workA = new LitWorker(new CloudCompute("cpu"), true);
    final LitWorker workB = new LitWorker(new CloudCompute("cpu"), true);
    final LitWorker workC = new LitWorker(new CloudCompute("gpu"));

    ClusterFlow(long count) {
      workA.count = count;
      workB.count = count;
      workC.count = count;
    }

    @Override
    public void run() {
      workA.run("machine A counting");
      workB.run("machine B counting");
      workC.run("machine C counting");
      if (workA.hasSucceeded() && workB.hasSucceeded()) {
        for (LitWorker w : new LitWorker[] {workA, workB, workC}) {
          System.out.println(w.name() + " ran on " + w.nodeAddress());
        }
        stop();
      }
    }
  }

  /** Starts the in-JVM cluster, runs the app on it, stops every node. */
  public static void main(String[] args) {
    long count = args.length > 0 ? Long.parseLong(args[0]) : 5;
    try (LocalCluster cluster = LocalCluster.start("cpu", "cpu", "gpu")) {
      for (var node : cluster.nodes()) {
        System.out.println("node " + node.address() + " roles " + node.roles());
      }
      new App(new ClusterFlow(count), cluster.appConfig()).run();
    }
  }
}
