package io.fulgur.benchmarks;

import com.typesafe.config.ConfigFactory;
import io.fulgur.App;
import io.fulgur.CloudCompute;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sequential round trip between two JVM processes: this one (the flow's node) and a {@link
 * BenchWorker} (a Fulgur worker node with a Pekko echo actor). Fulgur: a flow calls a no-op
 * sequential work on the worker with a new input each pass. Pekko: an actor in this process asks
 * the echo actor in the worker, one request at a time, with the same config. Same processes, same
 * run.
 *
 * <pre>ProcessRoundTripBenchmark [calls] [rounds]     (defaults: 5000 5)</pre>
 */
public final class ProcessRoundTripBenchmark {
  private ProcessRoundTripBenchmark() {}

  /** Runs the benchmark and prints the table. */
  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Process worker =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath(),
                BenchWorker.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
      String address = null;
      String echo = null;
      while (address == null || echo == null) {
        String line = out.readLine();
        if (line == null) {
          throw new IllegalStateException("the worker process ended before it was up");
        }
        if (line.startsWith("ADDRESS ")) {
          address = line.substring(8);
        } else if (line.startsWith("ECHO ")) {
          echo = line.substring(5);
        }
      }
      var joining =
          ConfigFactory.parseString(
              "fulgur.node.host-works = off\npekko.cluster.seed-nodes = [\"" + address + "\"]");
      Stats fulgur = null;
      Stats pekko = null;
      for (int r = 0; r < rounds; r++) {
        RoundTripBenchmark.ChainFlow chain =
            new RoundTripBenchmark.ChainFlow(new CloudCompute("cpu"), calls);
        new App(chain, joining).run();
        fulgur = Stats.of(chain.rtts);
        pekko = RoundTripBenchmark.pekkoAsk(joining, echo, calls);
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(RoundTripBenchmark.row("sequential round trip, two JVM processes", fulgur, pekko));
      RoundTripBenchmark.print(rows, rounds, calls);
    } finally {
      worker.getOutputStream().close();
      worker.waitFor();
    }
  }

  /** This JVM's classpath, also under exec:java (whose class loader holds the project's jars). */
  private static String classpath() {
    List<String> entries = new ArrayList<>();
    if (ProcessRoundTripBenchmark.class.getClassLoader() instanceof URLClassLoader loader) {
      for (URL url : loader.getURLs()) {
        entries.add(new File(url.getPath()).getAbsolutePath());
      }
    }
    return entries.isEmpty()
        ? System.getProperty("java.class.path")
        : String.join(File.pathSeparator, entries);
  }
}
