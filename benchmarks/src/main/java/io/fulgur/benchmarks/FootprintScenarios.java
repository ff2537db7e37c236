package io.fulgur.benchmarks;

import io.fulgur.App;
import io.fulgur.CloudCompute;
import io.fulgur.benchmarks.BenchWorks.ChainFlow;
import io.fulgur.benchmarks.BenchWorks.PlaceAllFlow;
import io.fulgur.internal.node.NodeSystem;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * What an app costs beyond its calls, on one node: a pass among many idle works ({@code pass}), the
 * heap per placed idle work ({@code memory}), and the time to the first call from a cold and from a
 * warm JVM ({@code startup}).
 */
final class FootprintScenarios {
  private final BenchRun run;

  FootprintScenarios(BenchRun run) {
    this.run = run;
  }

  /**
   * {@code pass}: a chain's pass p50 with 1,000 to 100,000 idle works beside the one it calls, and
   * against the smallest size.
   */
  void passCost() throws Exception {
    int[] sizes = run.quick ? new int[] {100, 1000} : new int[] {1_000, 10_000, 100_000};
    int passCalls = run.quick ? 30 : 300;
    double[] first = null;
    for (int size : sizes) {
      BenchRun.log("pass cost with " + size + " idle works");
      double[][] f =
          run.measure(
              1,
              () -> {
                ChainFlow chain = new ChainFlow(CloudCompute.DEFAULT, passCalls, size);
                new App(chain, BenchRun.EMBEDDED).run();
                return new double[] {Stats.of(chain.rtts).percentileMicros(50)};
              });
      run.add(
          new Row(
              "pass cost, " + size + " works, one changes: pass p50",
              "us",
              false,
              f[0],
              null,
              null));
      if (first == null) {
        first = f[0];
      } else {
        double[] ratio = new double[f[0].length];
        for (int i = 0; i < ratio.length; i++) {
          ratio[i] = f[0][i] / first[Math.min(i, first.length - 1)];
        }
        run.add(
            new Row(
                "pass cost, " + size + " vs " + sizes[0] + " works",
                "x",
                false,
                ratio,
                null,
                null));
      }
    }
  }

  /** {@code memory}: heap per placed idle work, against plain Pekko's per idle actor. */
  void memory() throws Exception {
    int[] sizes = run.quick ? new int[] {200} : new int[] {10_000, 100_000};
    for (int n : sizes) {
      BenchRun.log("heap per placed idle work, " + n + " works");
      double[][] f =
          run.measure(
              1,
              () -> {
                long[] heap = new long[2];
                PlaceAllFlow empty = new PlaceAllFlow(0, () -> heap[0] = usedHeapAfterGc());
                new App(empty, BenchRun.EMBEDDED).run();
                PlaceAllFlow flow = new PlaceAllFlow(n, () -> heap[1] = usedHeapAfterGc());
                long before = usedHeapAfterGc();
                new App(flow, BenchRun.EMBEDDED).run();
                return new double[] {(heap[1] - before) / (double) n};
              });
      double[][] p =
          run.measure(
              1,
              () -> {
                CompletableFuture<Void> spawned = new CompletableFuture<>();
                ActorSystem<Void> system =
                    NodeSystem.start(NodeSystem.resolve(PekkoNodes.NO_HOST), s -> {});
                try {
                  long before = usedHeapAfterGc();
                  system.systemActorOf(
                      Behaviors.<Object>setup(
                          ctx -> {
                            for (int i = 0; i < n; i++) {
                              ctx.spawn(PekkoPing.echo(), "echo-" + i);
                            }
                            spawned.complete(null);
                            return Behaviors.empty();
                          }),
                      "idle-actors",
                      Props.empty());
                  spawned.get(60, TimeUnit.SECONDS);
                  return new double[] {(usedHeapAfterGc() - before) / (double) n};
                } finally {
                  NodeSystem.shutdown(system, Duration.ofSeconds(10));
                }
              });
      run.add(
          new Row(
              "heap per idle placed work (Pekko: per idle actor), " + n,
              "B",
              false,
              f[0],
              p[0],
              null));
    }
  }

  /** {@code startup}: a {@link StartupProbe} JVM per iteration; cold and warm. */
  void startup() throws Exception {
    BenchRun.log("start-up");
    double[][] v =
        run.measure(
            2,
            () -> {
              Process probe =
                  new ProcessBuilder(JavaProcesses.command(List.of(), StartupProbe.class))
                      .redirectError(ProcessBuilder.Redirect.DISCARD)
                      .start();
              double cold = Double.NaN;
              double warm = Double.NaN;
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  if (line.startsWith("COLD ")) {
                    cold = Double.parseDouble(line.substring(5));
                  } else if (line.startsWith("WARM ")) {
                    warm = Double.parseDouble(line.substring(5));
                  }
                }
              }
              probe.waitFor(60, TimeUnit.SECONDS);
              return new double[] {cold, warm};
            });
    run.add(new Row("start-up, cold JVM to first Run", "ms", false, v[0], null, null));
    run.add(
        new Row(
            "start-up, warm JVM: new App(flow).run() to first Run", "ms", false, v[1], null, null));
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
