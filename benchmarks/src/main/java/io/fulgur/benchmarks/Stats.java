package io.fulgur.benchmarks;

import java.util.Arrays;

/** Percentiles of a sample of durations in nanoseconds. */
record Stats(long[] sortedNanos) {
  static Stats of(long[] nanos) {
    long[] copy = nanos.clone();
    Arrays.sort(copy);
    return new Stats(copy);
  }

  double percentileMicros(double p) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int i =
        (int) Math.min(sortedNanos.length - 1, Math.round(p / 100.0 * (sortedNanos.length - 1)));
    return sortedNanos[i] / 1000.0;
  }

  double meanMicros() {
    return Arrays.stream(sortedNanos).average().orElse(Double.NaN) / 1000.0;
  }

  double minMicros() {
    return sortedNanos.length == 0 ? Double.NaN : sortedNanos[0] / 1000.0;
  }

  double maxMicros() {
    return sortedNanos.length == 0 ? Double.NaN : sortedNanos[sortedNanos.length - 1] / 1000.0;
  }
}
