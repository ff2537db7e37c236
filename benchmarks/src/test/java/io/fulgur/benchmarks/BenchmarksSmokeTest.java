package io.fulgur.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A smoke run of every scenario with tiny sizes: keeps the benchmarks compiling and working. It
 * checks that each system produced a figure, not what the figures are (benchmarks are not tests).
 */
class BenchmarksSmokeTest {

  @Test
  @Timeout(300)
  void everyScenarioRunsAndMeasuresEverySystem() throws Exception {
    Benchmarks benchmarks = Benchmarks.quick();
    benchmarks.runAll();
    benchmarks.print();
    assertThat(benchmarks.rows()).hasSizeGreaterThanOrEqualTo(22);
    for (String topology : List.of(", two nodes", ", two JVM processes")) {
      for (String row : List.of(", 3 public fields: works/s", ", 3 private fields: works/s",
          ": private/public fields cost")) {
        assertThat(benchmarks.rows()).as("a fan-out row ending" + topology + row)
            .anyMatch(r -> r.scenario().endsWith(topology + row) && r.fulgur() != null);
      }
    }
    for (Benchmarks.Row row : benchmarks.rows()) {
      for (double[] values : new double[][] {row.fulgur(), row.pekko(), row.hazelcast()}) {
        if (values != null) {
          for (double v : values) {
            assertThat(Double.isFinite(v) && v > 0).as(row.scenario() + ": " + v).isTrue();
          }
        }
      }
    }
    assertThat(benchmarks.rows()).anyMatch(r -> r.hazelcast() != null && r.pekko() != null);
  }
}
