package io.fulgur.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The printed table: one line per {@link Row}, each cell the median of the row's iterations and
 * their [min-max], then the ratios of Fulgur's median to Pekko's and to Hazelcast's.
 */
final class Table {
  private Table() {}

  /** Prints {@code rows} under a header that says how many iterations and warm-ups they had. */
  static void print(List<Row> rows, int iterations, int warmups) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "Medians of %d iteration(s) after %d warm-up(s), [min-max].%n",
        iterations,
        warmups);
    String format = "%-62s %-4s %-24s %-24s %-24s %8s %8s%n";
    System.out.printf(
        Locale.ROOT, format, "scenario", "unit", "Fulgur", "Pekko", "Hazelcast", "F/Pekko", "F/Hz");
    for (Row r : rows) {
      System.out.printf(
          Locale.ROOT,
          format,
          r.scenario(),
          r.unit(),
          cell(r.fulgur()),
          cell(r.pekko()),
          cell(r.hazelcast()),
          ratio(r.fulgur(), r.pekko()),
          ratio(r.fulgur(), r.hazelcast()));
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String cell(double[] v) {
    if (v == null) {
      return "-";
    }
    double[] s = v.clone();
    Arrays.sort(s);
    return String.format(
        Locale.ROOT, "%s [%s-%s]", num(median(v)), num(s[0]), num(s[s.length - 1]));
  }

  private static String num(double d) {
    return Math.abs(d) >= 100
        ? String.format(Locale.ROOT, "%.0f", d)
        : String.format(Locale.ROOT, "%.2f", d);
  }

  private static String ratio(double[] fulgur, double[] other) {
    return other == null
        ? "-"
        : String.format(Locale.ROOT, "%.2fx", median(fulgur) / median(other));
  }
}
