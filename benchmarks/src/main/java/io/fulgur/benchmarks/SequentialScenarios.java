package io.fulgur.benchmarks;

import static io.fulgur.benchmarks.BenchRun.chainMetrics;
import static io.fulgur.benchmarks.PekkoNodes.NO_HOST;
import static io.fulgur.benchmarks.PekkoNodes.PINGER_DISPATCHER;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.typesafe.config.Config;
import io.fulgur.App;
import io.fulgur.CloudCompute;
import io.fulgur.LocalCluster;
import io.fulgur.benchmarks.BenchWorks.ChainFlow;
import io.fulgur.internal.node.NodeSystem;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The sequential chain (one call at a time, each waiting for the one before) on one node, on two
 * nodes in one JVM, and between two JVM processes: p50, p99 and calls/s.
 */
final class SequentialScenarios {
  private final BenchRun run;

  SequentialScenarios(BenchRun run) {
    this.run = run;
  }

  /** {@code seq1}: every system on one node. */
  void oneNode() throws Exception {
    BenchRun.log("sequential chain, one node");
    int calls = run.calls;
    double[][] f =
        run.measure(
            3,
            () -> {
              ChainFlow chain = new ChainFlow(CloudCompute.DEFAULT, calls, 0);
              new App(chain, BenchRun.EMBEDDED).run();
              return chainMetrics(chain.rtts);
            });
    double[][] p =
        run.measure(
            3,
            () -> {
              CompletableFuture<long[]> done = new CompletableFuture<>();
              ActorSystem<Void> system =
                  NodeSystem.start(
                      NodeSystem.resolve(NO_HOST),
                      sp -> {
                        ActorRef<PekkoPing.Ping> echo =
                            sp.context()
                                .spawn(PekkoPing.echo(), "echo", NodeSystem.WORK_DISPATCHER);
                        sp.context()
                            .spawn(
                                PekkoPing.pinger(echo, calls, done), "pinger", PINGER_DISPATCHER);
                      });
              try {
                return chainMetrics(done.get(120, TimeUnit.SECONDS));
              } finally {
                NodeSystem.shutdown(system, Duration.ofSeconds(10));
              }
            });
    HazelcastInstance member = HazelcastBaseline.member("fulgur-bench-" + UUID.randomUUID());
    double[][] h;
    try {
      h =
          run.measure(
              3,
              () ->
                  chainMetrics(
                      HazelcastBaseline.sequential(
                          member, member.getCluster().getLocalMember(), calls)));
    } finally {
      member.shutdown();
    }
    run.addChainRows("sequential chain, one node", f, p, h);
  }

  /** {@code seq2}: a flow node and a worker node (two members) in this JVM. */
  void twoNodes() throws Exception {
    BenchRun.log("sequential chain, two in-JVM nodes");
    int calls = run.calls;
    double[][] f;
    try (LocalCluster cluster = LocalCluster.start("cpu")) {
      f =
          run.measure(
              3,
              () -> {
                ChainFlow chain = new ChainFlow(new CloudCompute("cpu"), calls, 0);
                new App(chain, cluster.appConfig()).run();
                return chainMetrics(chain.rtts);
              });
    }
    CompletableFuture<ActorRef<PekkoPing.Ping>> echo = new CompletableFuture<>();
    ActorSystem<Void> echoSystem = PekkoNodes.echoNode(NO_HOST, echo);
    double[][] p;
    try {
      NodeSystem.awaitUp(echoSystem, Duration.ofSeconds(30));
      String echoPath = ActorRefResolver.get(echoSystem).toSerializationFormat(echo.get());
      Config joining = PekkoNodes.seeds(NodeSystem.address(echoSystem)).withFallback(NO_HOST);
      p = run.measure(3, () -> chainMetrics(PekkoNodes.requests(joining, echoPath, calls)));
    } finally {
      NodeSystem.shutdown(echoSystem, Duration.ofSeconds(10));
    }
    String name = "fulgur-bench-" + UUID.randomUUID();
    HazelcastInstance m1 = HazelcastBaseline.member(name);
    HazelcastInstance m2 = HazelcastBaseline.member(name);
    double[][] h;
    try {
      HazelcastBaseline.awaitMembers(m1, 2);
      Member target = m2.getCluster().getLocalMember();
      h = run.measure(3, () -> chainMetrics(HazelcastBaseline.sequential(m1, target, calls)));
    } finally {
      m1.shutdown();
      m2.shutdown();
    }
    run.addChainRows("sequential chain, two in-JVM nodes", f, p, h);
  }

  /**
   * {@code seqproc}: this JVM (the flow, the requester, the submitting member) and a {@link
   * BenchWorker} process; plain Pekko also with its reliable delivery on the requests.
   */
  void twoProcesses() throws Exception {
    BenchRun.log("sequential chain, two JVM processes");
    int calls = run.calls;
    try (WorkerProcess worker = WorkerProcess.start()) {
      run.useWorker(worker);
      Config joining = worker.joining();
      double[][] f =
          run.measure(
              3,
              () -> {
                ChainFlow chain = new ChainFlow(new CloudCompute("cpu"), calls, 0);
                new App(chain, joining).run();
                return chainMetrics(chain.rtts);
              });
      double[][] p =
          run.measure(
              3, () -> chainMetrics(PekkoNodes.requests(joining, worker.echoPath(), calls)));
      double[][] h =
          run.measureFromLocalMember(
              worker,
              3,
              (local, remote) -> chainMetrics(HazelcastBaseline.sequential(local, remote, calls)));
      run.addChainRows("sequential chain, two JVM processes", f, p, h);
      double[][] r =
          run.measure(
              3, () -> chainMetrics(PekkoNodes.reliable(joining, worker.reliablePath(), calls, 1)));
      run.add(
          new Row(
              "sequential chain, two JVM processes, Pekko with reliable delivery: p50",
              "us",
              false,
              f[0],
              r[0],
              null));
    } finally {
      run.useWorker(null);
    }
  }
}
