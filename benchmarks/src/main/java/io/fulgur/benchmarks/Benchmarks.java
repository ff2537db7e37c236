package io.fulgur.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fulgur beside plain Pekko and Hazelcast's {@code IExecutorService}, every scenario in this one
 * process and run, on the same topology: each row shows the median of the measured iterations
 * (after warm-up), min-max, and the ratios Fulgur/Pekko and Fulgur/Hazelcast.
 *
 * <pre>Benchmarks [quick] [SCENARIO...]</pre>
 *
 * <p>{@code quick}: tiny sizes, one iteration (a smoke run). Scenarios (default: all): {@code seq1}
 * {@code seq2} {@code seqproc} {@code fanout} {@code fanoutproc} {@code tls} {@code pass} {@code
 * memory} {@code startup} {@code wire}.
 *
 * <p>The fan-out scenarios also run, side by side with the no-op works, fan-outs whose works carry
 * three public state fields and three private constructor-given fields, and show what the private
 * ones cost against the public ones ({@code fanout fanoutproc}: only those rows).
 *
 * <p>Hazelcast asks for JVM flags (access to JDK internals) that no build should need; when the JVM
 * this starts in lacks them, as Maven's does under {@code mvn exec:java}, the benchmarks run in a
 * JVM of their own that has them ({@link JavaProcesses#runWithHazelcastFlags}).
 */
public final class Benchmarks {
  private final BenchRun run;
  private final SequentialScenarios sequential;
  private final FanOutScenarios fanOut;
  private final TlsScenario tls;
  private final FootprintScenarios footprint;

  private Benchmarks(boolean quick) {
    this.run = new BenchRun(quick);
    this.sequential = new SequentialScenarios(run);
    this.fanOut = new FanOutScenarios(run);
    this.tls = new TlsScenario(run);
    this.footprint = new FootprintScenarios(run);
  }

  /**
   * Runs the scenarios named in {@code args} (every one if none is) and prints the table. {@code
   * quick} among them, or the system property {@code bench.quick=true}, makes it a smoke run; the
   * property lets a check run a command as written, arguments and all, in a smoke run. A smoke run
   * of every scenario fails unless every system produced its figures ({@link SmokeRunCheck}).
   * System properties {@code fulgur.*}, {@code pekko.*}, {@code bench.*} and {@code hazelcast.*}
   * apply to every JVM of the run.
   */
  public static void main(String[] args) throws Exception {
    if (!JavaProcesses.hasHazelcastFlags()) {
      JavaProcesses.runWithHazelcastFlags(Benchmarks.class, args);
      return;
    }
    List<String> list = new ArrayList<>(Arrays.asList(args));
    boolean quick = list.remove("quick") | Boolean.getBoolean("bench.quick");
    Benchmarks b = new Benchmarks(quick);
    if (list.isEmpty()) {
      b.runAll();
      if (quick) {
        b.print();
        SmokeRunCheck.verify(b.run.rows);
        return;
      }
    } else {
      for (String scenario : list) {
        b.run(scenario);
      }
    }
    b.print();
  }

  private void run(String scenario) throws Exception {
    switch (scenario) {
      case "seq1" -> sequential.oneNode();
      case "seq2" -> sequential.twoNodes();
      case "seqproc" -> sequential.twoProcesses();
      case "fanout" -> fanOut.twoNodes();
      case "fanoutproc" -> fanOut.twoProcesses();
      case "tls" -> tls.measure();
      case "pass" -> footprint.passCost();
      case "memory" -> footprint.memory();
      case "startup" -> footprint.startup();
      case "wire" -> WireCost.measure(run.quick, run.iterations, run.rows);
      default -> throw new IllegalArgumentException("unknown scenario " + scenario);
    }
  }

  /** Every scenario, in the table's order. */
  private void runAll() throws Exception {
    for (String scenario :
        List.of(
            "seq1",
            "seq2",
            "seqproc",
            "fanout",
            "fanoutproc",
            "tls",
            "pass",
            "memory",
            "startup",
            "wire")) {
      run(scenario);
    }
  }

  private void print() {
    Table.print(run.rows, run.iterations, run.warmups);
  }
}
