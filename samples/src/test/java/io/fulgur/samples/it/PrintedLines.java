package io.fulgur.samples.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@code PrintingApp} flow process printed: each work's lines by attempt, and the attempt
 * that succeeded for each work (its {@code ATTEMPT} line).
 */
final class PrintedLines {
  /** Lines by work, then by attempt, in the order printed. */
  private final Map<String, Map<String, List<Integer>>> lines = new HashMap<>();

  private final Map<String, String> succeeded = new HashMap<>();
  private final Map<String, String> failed = new HashMap<>();

  PrintedLines(List<String> output) {
    for (String line : output) {
      if (line.startsWith("[root.works.")) {
        int end = line.indexOf("] ");
        String work = line.substring(1, end);
        String[] parts = line.substring(end + 2).split(" line ");
        lines
            .computeIfAbsent(work, w -> new HashMap<>())
            .computeIfAbsent(parts[0], a -> new ArrayList<>())
            .add(Integer.parseInt(parts[1]));
      } else if (line.startsWith("ATTEMPT ")) {
        String[] parts = line.split(" ");
        succeeded.put(parts[1], parts[2]);
      } else if (line.startsWith("FAILED ")) {
        String[] parts = line.split(" ", 3);
        failed.put(parts[1], parts[2]);
      }
    }
  }

  Map<String, String> failed() {
    return failed;
  }

  int succeeded() {
    return succeeded.size();
  }

  /**
   * Every succeeded work printed lines 0 to {@code count - 1} in its succeeded attempt, each once
   * and in order; returns the lines of that attempt that were missing or doubled (0 when all is
   * well), and fails naming the first work that is off.
   */
  void assertEverySucceededAttemptWhole(int count) {
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      expected.add(i);
    }
    for (Map.Entry<String, String> work : succeeded.entrySet()) {
      List<Integer> printed =
          lines.getOrDefault(work.getKey(), Map.of()).getOrDefault(work.getValue(), List.of());
      assertThat(printed)
          .as("the lines of " + work.getKey() + ", attempt " + work.getValue())
          .containsExactlyElementsOf(expected);
    }
  }
}
