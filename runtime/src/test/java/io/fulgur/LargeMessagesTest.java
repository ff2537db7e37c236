package io.fulgur;

import static io.fulgur.Conditions.runApp;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Inputs, states and output lines that do not fit in one message between nodes (Artery's maximum
 * frame size, 256 KiB by default): many medium ones are split over several messages, a single one
 * too large for any message fails its call with a reason that says so, and nothing waits forever
 * for a message that was never sent.
 */
class LargeMessagesTest {
  private static LocalCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = LocalCluster.start("cpu");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String text(int chars, char c) {
    return String.valueOf(c).repeat(chars);
  }

  /**
   * Keeps the length of what it was given, and optionally a large state or a large line (sizes are
   * state: the instance on the work's node is made from the state, not by this constructor).
   */
  static class Sized extends Work<String> {
    public int length;
    public String blob;
    public int stateChars;
    public int lineChars;

    Sized(boolean parallel, int stateChars, int lineChars) {
      super(
          WorkOptions.defaults()
              .withCompute(new CloudCompute("cpu"))
              .withParallel(parallel)
              .withRaiseException(false));
      this.stateChars = stateChars;
      this.lineChars = lineChars;
    }

    @Override
    protected void onRun(String input) {
      length = input.length();
      if (stateChars > 0) {
        blob = text(stateChars, 's');
      }
      if (lineChars > 0) {
        System.out.println(text(lineChars, 'o'));
        System.out.println("after the long line");
      }
    }
  }

  static class ManyMediumFlow extends Flow {
    final List<Sized> works = new ArrayList<>();

    ManyMediumFlow(int n) {
      for (int i = 0; i < n; i++) {
        works.add(new Sized(true, 4_000, 0));
      }
    }

    @Override
    public void run() {
      boolean all = true;
      for (int i = 0; i < works.size(); i++) {
        Sized w = works.get(i);
        w.run(i + text(4_000, 'i')); // 4 KB each: 600 KB in one pass
        all &= w.hasSucceeded() || w.hasFailed();
      }
      if (all) {
        stop();
      }
    }
  }

  @Test
  void manyMediumInputsAndStatesAllArrive() {
    ManyMediumFlow flow = new ManyMediumFlow(150);
    runApp(new App(flow, cluster.appConfig()));
    for (Sized w : flow.works) {
      assertThat(w.hasSucceeded()).as(w.name() + " " + w.failure()).isTrue();
      assertThat(w.length).isGreaterThan(4_000);
      assertThat(w.blob).hasSize(4_000);
    }
  }

  static class OneCallFlow extends Flow {
    final Sized work;
    final String input;

    OneCallFlow(Sized work, String input) {
      this.work = work;
      this.input = input;
    }

    @Override
    public void run() {
      work.run(input);
      stop();
    }
  }

  @Test
  void anInputOverTheValueSettingFailsItsCallNamingTheSetting() {
    OneCallFlow flow = new OneCallFlow(new Sized(false, 0, 0), text(20_000, 'x'));
    runApp(
        new App(
            flow,
            com.typesafe.config.ConfigFactory.parseString("fulgur.work.max-value-size = 10KiB")
                .withFallback(cluster.appConfig())));
    assertThat(flow.work.failure().orElseThrow().reason()).isEqualTo("input_too_large");
    assertThat(flow.work.failure().orElseThrow().message())
        .contains("root.work", "10,240 bytes", "fulgur.work.max-value-size");
  }

  @Test
  void anInputTooLargeForAnyMessageFailsItsCall() {
    OneCallFlow flow = new OneCallFlow(new Sized(false, 0, 0), text(300_000, 'x'));
    runApp(new App(flow, cluster.appConfig()));
    assertThat(flow.work.hasFailed()).isTrue();
    assertThat(flow.work.failure().orElseThrow().reason()).isEqualTo("input_too_large");
    assertThat(flow.work.failure().orElseThrow().message())
        .contains("work", "bytes", "pekko.remote.artery.advanced.maximum-frame-size");
  }

  @Test
  void aStateTooLargeForAnyMessageFailsItsCall() {
    OneCallFlow flow = new OneCallFlow(new Sized(false, 300_000, 0), "small");
    runApp(new App(flow, cluster.appConfig()));
    assertThat(flow.work.hasFailed()).isTrue();
    assertThat(flow.work.failure().orElseThrow().reason()).isEqualTo("state_too_large");
    assertThat(flow.work.failure().orElseThrow().message())
        .contains("bytes", "pekko.remote.artery.advanced.maximum-frame-size");
    assertThat(flow.work.length).as("the state from before the call").isZero();
  }

  @Test
  void anInstanceTooLargeToPlaceFailsThePlacementAndItsCallNamingItsLargestField() {
    Sized work = new Sized(false, 0, 0);
    work.blob = text(300_000, 'b'); // state the flow sends with the placement
    OneCallFlow flow = new OneCallFlow(work, "small");
    runApp(new App(flow, cluster.appConfig()));
    assertThat(flow.work.hasFailed()).isTrue();
    assertThat(flow.work.failure().orElseThrow().reason()).isEqualTo("instance_error");
    assertThat(flow.work.failure().orElseThrow().message())
        .contains("root.work.blob", "bytes", "fulgur.work.max-instance-size");
    assertThat(flow.work.length).as("never ran").isZero();
  }

  /** Throws an exception whose message is as long as its input says. */
  static class Thrower extends Work<Integer> {
    Thrower() {
      super(WorkOptions.defaults().withCompute(new CloudCompute("cpu")).withRaiseException(false));
    }

    @Override
    protected void onRun(Integer chars) {
      throw new IllegalStateException(text(chars, 'e'));
    }
  }

  static class ThrowFlow extends Flow {
    final Thrower work = new Thrower();

    @Override
    public void run() {
      work.run(300_000);
      stop();
    }
  }

  @Test
  void aFailureTooLargeForAnyMessageArrivesCut() {
    ThrowFlow flow = new ThrowFlow();
    runApp(new App(flow, cluster.appConfig()));
    assertThat(flow.work.hasFailed()).isTrue();
    WorkFailure failure = flow.work.failure().orElseThrow();
    assertThat(failure.reason()).isEqualTo("user_exception");
    assertThat(failure.exceptionClass()).isEqualTo(IllegalStateException.class.getName());
    assertThat(failure.message()).startsWith("eeee").contains("[cut at ");
    assertThat(failure.message().length()).isLessThan(300_000);
  }

  @Test
  void anOutputLineTooLargeForAnyMessageArrivesWholeInPieces() {
    OneCallFlow flow = new OneCallFlow(new Sized(false, 0, 300_000), "small");
    PrintStream original = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    App app = new App(flow, cluster.appConfig());
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      runApp(app);
    } finally {
      System.setOut(original);
    }
    assertThat(flow.work.hasSucceeded()).isTrue();
    String prefix = "[" + flow.work.name() + "] ";
    List<String> lines =
        printed
            .toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.startsWith(prefix))
            .map(l -> l.substring(prefix.length()))
            .toList();
    // pieces of fulgur.output.max-line-length (16 KiB), each a line, then the next line
    assertThat(lines.get(lines.size() - 1)).isEqualTo("after the long line");
    List<String> pieces = lines.subList(0, lines.size() - 1);
    assertThat(pieces).hasSize((300_000 + 16_383) / 16_384).allMatch(p -> p.length() <= 16_384);
    assertThat(String.join("", pieces)).isEqualTo(text(300_000, 'o'));
  }
}
