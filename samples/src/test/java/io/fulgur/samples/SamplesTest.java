package io.fulgur.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The samples run to their end and print what the README says they print. */
class SamplesTest {

  private static List<String> linesOf(Runnable main) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      main.run();
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static int lastIndexOf(List<String> lines, String prefix) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  private static int firstIndexOf(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  @Timeout(60)
  void theParallelToyAppInterleavesWorkAAndWorkB() {
    List<String> lines = linesOf(() -> ToyApp.main(new String[] {"parallel", "20000"}));
    String a = "[root.workA] machine A counting ";
    String b = "[root.workB] machine B counting ";
    assertThat(lines.stream().filter(l -> l.startsWith(a))).hasSize(20000);
    assertThat(lines.stream().filter(l -> l.startsWith(b))).hasSize(20000);
    assertThat(lines).contains(a + 19999, b + 19999);
    // B started before A was done: their lines interleave
    assertThat(firstIndexOf(lines, b)).isLessThan(lastIndexOf(lines, a));
  }

  @Test
  @Timeout(60)
  void theSequentialToyAppRunsWorkAThenWorkB() {
    List<String> lines = linesOf(() -> ToyApp.main(new String[] {"sequential", "2000"}));
    String a = "[root.workA] machine A counting ";
    String b = "[root.workB] machine B counting ";
    assertThat(lines.stream().filter(l -> l.startsWith(b))).hasSize(2000);
    assertThat(lastIndexOf(lines, a)).isLessThan(firstIndexOf(lines, b));
  }

  @Test
  @Timeout(60)
  void theStreamingSampleTrainsOnEveryBatch() {
    List<String> lines = linesOf(() -> StreamingTrainingApp.main(new String[] {"6", "64"}));
    assertThat(lines).contains("[root.stream] produced batch 5");
    assertThat(lines).anyMatch(l -> l.startsWith("[root.trainer] batch 5: w="));
  }

  @Test
  @Timeout(90)
  void theClusterSamplePlacesWorksByRole() {
    List<String> lines = linesOf(() -> ClusterToyApp.main(new String[] {"2"}));
    List<String> nodes = lines.stream().filter(l -> l.startsWith("node ")).toList();
    assertThat(nodes).hasSize(3);
    String gpuNode = nodes.get(2).split(" ")[1];
    assertThat(lines).contains("root.workC ran on " + gpuNode);
    String ranA =
        lines.stream().filter(l -> l.startsWith("root.workA ran on")).findFirst().orElseThrow();
    String ranB =
        lines.stream().filter(l -> l.startsWith("root.workB ran on")).findFirst().orElseThrow();
    assertThat(ranA.substring(ranA.lastIndexOf(' ')))
        .isNotEqualTo(ranB.substring(ranB.lastIndexOf(' ')));
  }
}
