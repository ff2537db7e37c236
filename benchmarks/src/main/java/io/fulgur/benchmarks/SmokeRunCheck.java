package io.fulgur.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * What a smoke run of every scenario must show: each row the table promises, with a finite,
 * positive figure from each system it measures. It does not judge the figures (a smoke run's sizes
 * are too small to mean anything); it keeps the benchmarks working, and fails the run (and so the
 * README's benchmark command, which the suite runs as a smoke run) when one stops measuring.
 */
final class SmokeRunCheck {
  private SmokeRunCheck() {}

  /** The least number of rows a run of every scenario makes. */
  static final int LEAST_ROWS = 22;

  /** Throws, naming every problem, unless {@code rows} are what a run of every scenario makes. */
  static void verify(List<Row> rows) {
    List<String> problems = new ArrayList<>();
    if (rows.size() < LEAST_ROWS) {
      problems.add(rows.size() + " rows, fewer than " + LEAST_ROWS);
    }
    for (String topology : List.of(", two nodes", ", two JVM processes")) {
      for (String row :
          List.of(
              ", 3 public fields: works/s",
              ", 3 private fields: works/s",
              ": private/public fields cost")) {
        if (rows.stream()
            .noneMatch(r -> r.scenario().endsWith(topology + row) && r.fulgur() != null)) {
          problems.add("no Fulgur figure in a fan-out row ending \"" + topology + row + "\"");
        }
      }
    }
    for (Row row : rows) {
      for (double[] values : new double[][] {row.fulgur(), row.pekko(), row.hazelcast()}) {
        if (values != null) {
          for (double v : values) {
            if (!(Double.isFinite(v) && v > 0)) {
              problems.add(row.scenario() + ": " + v);
            }
          }
        }
      }
    }
    if (rows.stream().noneMatch(r -> r.hazelcast() != null && r.pekko() != null)) {
      problems.add("no row with figures of both plain Pekko and Hazelcast");
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("The smoke run of the benchmarks failed: " + problems);
    }
  }
}
