package io.fulgur.benchmarks;

/**
 * One line of the table: the per-iteration values of each system, null where a system is not
 * measured.
 *
 * @param scenario the row's name, as the table prints it (docs and {@link SmokeRunCheck} read it)
 * @param unit the values' unit
 * @param higherIsBetter whether a higher value is the better one
 * @param fulgur Fulgur's values
 * @param pekko plain Pekko's values, or null
 * @param hazelcast Hazelcast's values, or null
 */
record Row(
    String scenario,
    String unit,
    boolean higherIsBetter,
    double[] fulgur,
    double[] pekko,
    double[] hazelcast) {}
