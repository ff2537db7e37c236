package io.fulgur.benchmarks;

import static io.fulgur.benchmarks.PekkoNodes.NO_HOST;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.typesafe.config.Config;
import io.fulgur.App;
import io.fulgur.LocalCluster;
import io.fulgur.benchmarks.BenchWorks.FanOutFlow;
import io.fulgur.benchmarks.BenchWorks.Fields;
import io.fulgur.benchmarks.BenchWorks.PrivateFields;
import io.fulgur.benchmarks.BenchWorks.PublicFields;
import io.fulgur.internal.node.NodeSystem;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Fan-out: many parallel works (Pekko: requests to echoes, Hazelcast: tasks) at once, over two
 * nodes in this JVM and between two JVM processes: works/s. Beside the no-op works, fan-outs of
 * works that carry three public state fields and three private constructor-given fields, and what
 * the private ones cost against the public ones.
 */
final class FanOutScenarios {
  private final BenchRun run;

  /** Fan-outs run side by side so far: public and private fields swap order every other one. */
  private int sideBySideRuns;

  FanOutScenarios(BenchRun run) {
    this.run = run;
  }

  /** {@code fanout}: a flow node and two worker nodes (Pekko: two echoes; Hazelcast: members). */
  void twoNodes() throws Exception {
    int n = run.fanOutWorks;
    BenchRun.log("fan-out of " + n + " parallel works over two nodes");
    double[][] f;
    PublicFields.CONFIGURED_RUNS.reset();
    PrivateFields.CONFIGURED_RUNS.reset();
    try (LocalCluster cluster = LocalCluster.start("cpu", "cpu")) {
      f = run.measure(3, () -> fulgurSideBySide(cluster.appConfig(), n));
    }
    int runs = (run.warmups + run.iterations) * n;
    BenchRun.log(
        "onRun saw its fields set in "
            + PublicFields.CONFIGURED_RUNS.sum()
            + " of "
            + runs
            + " public-field runs and "
            + PrivateFields.CONFIGURED_RUNS.sum()
            + " of "
            + runs
            + " private-field runs");
    List<ActorSystem<Void>> echoSystems = new ArrayList<>();
    List<String> echoPaths = new ArrayList<>();
    double[][] p;
    try {
      for (int i = 0; i < 2; i++) {
        CompletableFuture<ActorRef<PekkoPing.Ping>> echo = new CompletableFuture<>();
        Config c =
            i == 0
                ? NO_HOST
                : PekkoNodes.seeds(NodeSystem.address(echoSystems.get(0))).withFallback(NO_HOST);
        ActorSystem<Void> s = PekkoNodes.echoNode(c, echo);
        echoSystems.add(s);
        NodeSystem.awaitUp(s, Duration.ofSeconds(30));
        echoPaths.add(ActorRefResolver.get(s).toSerializationFormat(echo.get()));
      }
      Config joining =
          PekkoNodes.seeds(NodeSystem.address(echoSystems.get(0))).withFallback(NO_HOST);
      p = run.measure(1, () -> new double[] {PekkoNodes.pipelined(joining, echoPaths, n)});
    } finally {
      for (ActorSystem<Void> s : echoSystems) {
        NodeSystem.shutdown(s, Duration.ofSeconds(10));
      }
    }
    String name = "fulgur-bench-" + UUID.randomUUID();
    HazelcastInstance submitter = HazelcastBaseline.member(name);
    HazelcastInstance t1 = HazelcastBaseline.member(name);
    HazelcastInstance t2 = HazelcastBaseline.member(name);
    double[][] h;
    try {
      HazelcastBaseline.awaitMembers(submitter, 3);
      List<Member> targets =
          List.of(t1.getCluster().getLocalMember(), t2.getCluster().getLocalMember());
      h =
          run.measure(
              1, () -> new double[] {HazelcastBaseline.pipelined(submitter, targets, n, 1024)});
    } finally {
      submitter.shutdown();
      t1.shutdown();
      t2.shutdown();
    }
    run.add(
        new Row(
            "fan-out " + n + " parallel works, two nodes: works/s", "1/s", true, f[0], p[0], h[0]));
    addFieldRows("fan-out " + n + ", two nodes", f);
  }

  /**
   * {@code fanoutproc}: between this process (the flow / submitter) and a {@link BenchWorker}
   * process that runs every work, echo and task; plain Pekko also with its reliable delivery, and
   * Fulgur also with works that print a line each.
   */
  void twoProcesses() throws Exception {
    int n = run.fanOutWorks;
    BenchRun.log("fan-out of " + n + " parallel works, two JVM processes");
    try (WorkerProcess worker = WorkerProcess.start()) {
      run.useWorker(worker);
      Config joining = worker.joining();
      double[][] f = run.measure(3, () -> fulgurSideBySide(joining, n));
      double[][] p =
          run.measure(
              1, () -> new double[] {PekkoNodes.pipelined(joining, List.of(worker.echoPath()), n)});
      double[][] h =
          run.measureFromLocalMember(
              worker,
              1,
              (local, remote) ->
                  new double[] {HazelcastBaseline.pipelined(local, List.of(remote), n, 1024)});
      run.add(
          new Row(
              "fan-out " + n + " parallel works, two JVM processes: works/s",
              "1/s",
              true,
              f[0],
              p[0],
              h[0]));
      double[][] r =
          run.measure(
              1,
              () -> {
                long t0 = System.nanoTime();
                PekkoNodes.reliable(joining, worker.reliablePath(), n, 1024);
                return new double[] {n / ((System.nanoTime() - t0) / 1e9)};
              });
      run.add(
          new Row(
              "fan-out " + n + ", two JVM processes, Pekko with reliable delivery: works/s",
              "1/s",
              true,
              f[0],
              r[0],
              null));
      addFieldRows("fan-out " + n + ", two JVM processes", f);
      double[][] printing = run.measure(1, () -> new double[] {fulgurPrinting(joining, n)});
      run.add(
          new Row(
              "fan-out " + n + ", two JVM processes, a line printed each: works/s",
              "1/s",
              true,
              printing[0],
              null,
              null));
    } finally {
      run.useWorker(null);
    }
  }

  /** Runs a {@link FanOutFlow} of {@code n} works with {@code config}; works/s. */
  static double fulgur(Config config, int n, Fields fields) {
    FanOutFlow flow = new FanOutFlow(n, fields);
    new App(flow, config).run();
    return n / ((flow.doneAt - flow.startedAt) / 1e9);
  }

  /**
   * A fan-out of works that print a line each, its lines counted on a console of this JVM that
   * keeps nothing: every line must arrive.
   */
  private static double fulgurPrinting(Config config, int n) {
    PrintStream console = System.out;
    LongAdder lines = new LongAdder();
    System.setOut(
        new PrintStream(
            new OutputStream() {
              @Override
              public void write(int b) {
                if (b == '\n') {
                  lines.increment();
                }
              }

              @Override
              public void write(byte[] b, int off, int len) {
                for (int i = off; i < off + len; i++) {
                  write(b[i]);
                }
              }
            },
            false,
            StandardCharsets.UTF_8));
    try {
      double worksPerSecond = fulgur(config, n, Fields.PRINTS_A_LINE);
      if (lines.sum() < n) {
        throw new IllegalStateException(lines.sum() + " of " + n + " printed lines arrived");
      }
      return worksPerSecond;
    } finally {
      System.setOut(console);
    }
  }

  /**
   * One fan-out of each {@link Fields} kind but printing, side by side, each after a full GC
   * (measure() runs the first): works/s, indexed by kind. Public and private swap places every
   * other time, so that neither always runs right after the other.
   */
  private double[] fulgurSideBySide(Config config, int n) throws IOException {
    Fields[] order =
        sideBySideRuns++ % 2 == 0
            ? new Fields[] {Fields.NONE, Fields.PUBLIC, Fields.PRIVATE}
            : new Fields[] {Fields.NONE, Fields.PRIVATE, Fields.PUBLIC};
    double[] worksPerSecond = new double[order.length];
    for (int i = 0; i < order.length; i++) {
      if (i > 0) {
        run.gc();
      }
      worksPerSecond[order[i].ordinal()] = fulgur(config, n, order[i]);
    }
    return worksPerSecond;
  }

  /**
   * The rows of the fan-outs whose works carry fields ({@code f}: works/s by {@link Fields} kind),
   * and the cost of private fields against public ones, per iteration: public works/s over private
   * works/s (1.10x: private costs 10% more).
   */
  private void addFieldRows(String name, double[][] f) {
    double[] publicWps = f[Fields.PUBLIC.ordinal()];
    double[] privateWps = f[Fields.PRIVATE.ordinal()];
    double[] cost = new double[privateWps.length];
    for (int i = 0; i < cost.length; i++) {
      cost[i] = publicWps[i] / privateWps[i];
    }
    run.add(new Row(name + ", 3 public fields: works/s", "1/s", true, publicWps, null, null));
    run.add(new Row(name + ", 3 private fields: works/s", "1/s", true, privateWps, null, null));
    run.add(new Row(name + ": private/public fields cost", "x", false, cost, null, null));
  }
}
