package io.fulgur.benchmarks;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One run of the benchmarks: its sizes (a smoke run's or a full run's), the rows measured so far,
 * and how an iteration is measured. Every scenario measures through it, so that every system gets
 * the same warm-ups, iterations and GCs.
 */
final class BenchRun {
  /** An app on one node of its own that serves every role. */
  static final Config EMBEDDED = ConfigFactory.parseString("fulgur.node.serve-all-roles = on");

  final boolean quick;
  final int warmups;
  final int iterations;

  /** Calls of a sequential chain. */
  final int calls;

  /** Works of a fan-out. */
  final int fanOutWorks;

  final List<Row> rows = new ArrayList<>();

  /** The worker process of the scenario running, if it has one: {@link #gc()} collects it too. */
  private WorkerProcess worker;

  BenchRun(boolean quick) {
    this.quick = quick;
    this.warmups = quick ? 0 : Integer.getInteger("bench.warmups", 5);
    this.iterations = quick ? 1 : 7;
    this.calls = quick ? 50 : 5000;
    this.fanOutWorks = quick ? 200 : 10_000;
  }

  /** One measured iteration. */
  interface Iteration {
    /** Measures once; one value per metric. */
    double[] run() throws Exception;
  }

  /** One Hazelcast iteration from the local member to the worker process's member. */
  interface HazelcastIteration {
    /** Measures once; one value per metric. */
    double[] run(HazelcastInstance local, Member remote) throws Exception;
  }

  /**
   * Makes {@code worker} the worker process of the scenario running ({@link #gc()} collects it
   * too), or none if null.
   */
  void useWorker(WorkerProcess worker) {
    this.worker = worker;
  }

  /** A full GC in this JVM and in the scenario's worker process, if it has one. */
  void gc() throws IOException {
    System.gc();
    if (worker != null) {
      worker.gc();
    }
  }

  /**
   * Runs warm-ups then iterations; each returns one value per metric. Every iteration starts after
   * a full GC (in the worker process too, in the scenarios that have one), for every system alike:
   * without it, whether an iteration of tens of milliseconds met a young collection of the garbage
   * left by the iterations before it would decide its figure, at random, by a factor of two.
   */
  double[][] measure(int metrics, Iteration iteration) throws Exception {
    for (int i = 0; i < warmups; i++) {
      gc();
      iteration.run();
    }
    double[][] values = new double[metrics][iterations];
    for (int i = 0; i < iterations; i++) {
      gc();
      double[] v = iteration.run();
      for (int m = 0; m < metrics; m++) {
        values[m][i] = v[m];
      }
    }
    return values;
  }

  /**
   * Starts a local Hazelcast member that joins the worker's cluster, measures {@code iteration}
   * from it towards the worker's member, and shuts the local member down.
   */
  double[][] measureFromLocalMember(WorkerProcess worker, int metrics, HazelcastIteration iteration)
      throws Exception {
    HazelcastInstance local = HazelcastBaseline.member(worker.hzName());
    try {
      HazelcastBaseline.awaitMembers(local, 2);
      Member remote =
          local.getCluster().getMembers().stream()
              .filter(m -> !m.localMember())
              .findFirst()
              .orElseThrow();
      return measure(metrics, () -> iteration.run(local, remote));
    } finally {
      local.shutdown();
    }
  }

  /**
   * p50, p99 and calls/s of a chain, without its first call: that one includes placing the work
   * (Fulgur), opening the association (Pekko) or the connection (Hazelcast), and would weigh on the
   * mean alone (the run-to-run spread of calls/s came mostly from it).
   */
  static double[] chainMetrics(long[] rtts) {
    Stats s = Stats.of(rtts.length > 1 ? Arrays.copyOfRange(rtts, 1, rtts.length) : rtts);
    return new double[] {s.percentileMicros(50), s.percentileMicros(99), 1e6 / s.meanMicros()};
  }

  /** Adds the p50, p99 and calls/s rows of a chain measured by {@link #chainMetrics}. */
  void addChainRows(String name, double[][] f, double[][] p, double[][] h) {
    rows.add(new Row(name + ": p50", "us", false, f[0], p[0], h[0]));
    rows.add(new Row(name + ": p99", "us", false, f[1], p[1], h[1]));
    rows.add(new Row(name + ": calls/s", "1/s", true, f[2], p[2], h[2]));
  }

  /** Adds a row. */
  void add(Row row) {
    rows.add(row);
  }

  /** Says on stderr which scenario starts (stdout is the table's). */
  static void log(String what) {
    System.err.println("[bench] " + what);
  }
}
