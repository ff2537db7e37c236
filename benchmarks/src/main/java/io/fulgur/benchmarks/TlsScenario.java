package io.fulgur.benchmarks;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fulgur.App;
import io.fulgur.CloudCompute;
import io.fulgur.benchmarks.BenchWorks.ChainFlow;
import io.fulgur.benchmarks.BenchWorks.Fields;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code tls}: what mutual TLS costs between two processes: the sequential chain and the fan-out,
 * each iteration once to a worker over plain TCP and once to a worker over TLS (both running), with
 * the ratio of the two in the same iteration.
 */
final class TlsScenario {
  private final BenchRun run;

  TlsScenario(BenchRun run) {
    this.run = run;
  }

  /** Measures and adds the TLS rows. */
  void measure() throws Exception {
    int n = run.fanOutWorks;
    int calls = run.calls;
    BenchRun.log(
        "sequential chain and fan-out of " + n + " works, two JVM processes, plain TCP and TLS");
    Path certs = DevCerts.make("flow", "worker");
    Config tls =
        ConfigFactory.parseString("fulgur.security.tls-dir = \"" + certs.resolve("flow") + "\"");
    try (WorkerProcess plainWorker = WorkerProcess.start();
        WorkerProcess tlsWorker =
            WorkerProcess.start(List.of("-Dfulgur.security.tls-dir=" + certs.resolve("worker")))) {
      Config plain = plainWorker.joining();
      Config overTls = tls.withFallback(tlsWorker.joining());
      double[][] v =
          run.measure(
              4,
              () -> {
                double[] out = new double[4];
                for (int side = 0; side < 2; side++) {
                  WorkerProcess worker = side == 0 ? plainWorker : tlsWorker;
                  Config config = side == 0 ? plain : overTls;
                  worker.gc();
                  ChainFlow chain = new ChainFlow(new CloudCompute("cpu"), calls, 0);
                  new App(chain, config).run();
                  out[side] = BenchRun.chainMetrics(chain.rtts)[0];
                  worker.gc();
                  out[2 + side] = FanOutScenarios.fulgur(config, n, Fields.NONE);
                }
                return out;
              });
      run.add(
          new Row(
              "sequential chain, two JVM processes over TLS: p50", "us", false, v[1], null, null));
      run.add(
          new Row(
              "sequential chain, TLS / plain TCP: p50",
              "x",
              false,
              perIteration(v[1], v[0]),
              null,
              null));
      run.add(
          new Row(
              "fan-out " + n + " parallel works, two JVM processes over TLS: works/s",
              "1/s",
              true,
              v[3],
              null,
              null));
      run.add(
          new Row(
              "fan-out " + n + ", TLS / plain TCP: works/s",
              "x",
              true,
              perIteration(v[3], v[2]),
              null,
              null));
    }
  }

  /** {@code a[i] / b[i]} for each iteration i. */
  private static double[] perIteration(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] / b[i];
    }
    return r;
  }
}
