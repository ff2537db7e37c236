package io.fulgur;

import static io.fulgur.Conditions.runApp;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node's printed output is bounded ({@code fulgur.output.max-buffered-bytes-per-node}): printers
 * wait for room instead of growing it, and nothing is lost; a line without end is cut into pieces
 * ({@code fulgur.output.max-line-length}); a stop ends a printer's wait for room.
 */
class OutputBoundsTest {
  private PrintStream originalOut;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  /** Holds the flow node's printing of {@code root.printer}'s lines while closed. */
  private static volatile CountDownLatch printerGate = new CountDownLatch(0);

  @BeforeEach
  void captureStdout() {
    originalOut = System.out;
    System.setOut(
        new PrintStream(captured, true, StandardCharsets.UTF_8) {
          @Override
          public void print(Object text) {
            // the flow node's printer prints each batch as one text; held outside any lock
            if (String.valueOf(text).startsWith("[root.printer] ")) {
              try {
                printerGate.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            super.print(text);
          }
        });
  }

  @AfterEach
  void restoreStdout() {
    printerGate.countDown();
    System.setOut(originalOut);
  }

  /** The text of each line {@code work} printed, in the order the flow's node printed them. */
  private List<String> linesOf(String work) {
    String prefix = "[" + work + "] ";
    return captured
        .toString(StandardCharsets.UTF_8)
        .lines()
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()))
        .toList();
  }

  private static Config config(String more) {
    return ConfigFactory.parseString("fulgur.node.serve-all-roles = on\n" + more);
  }

  static class LinePrinter extends Work<Integer> {
    LinePrinter() {
      super(WorkOptions.defaults().withParallel(true));
    }

    @Override
    protected void onRun(Integer lines) {
      for (int i = 0; i < lines; i++) {
        System.out.println("line " + i);
      }
    }
  }

  static class ManyPrinters extends Flow {
    final List<LinePrinter> printers = new ArrayList<>();

    ManyPrinters(int n) {
      for (int i = 0; i < n; i++) {
        printers.add(new LinePrinter());
      }
    }

    @Override
    public void run() {
      for (LinePrinter p : printers) {
        p.run(3000);
      }
      if (printers.stream().allMatch(Work::hasSucceeded)) {
        stop();
      }
    }
  }

  @Test
  void manyWorksPrintingThroughATinyNodeBudgetDeliverEveryLineInOrder() {
    ManyPrinters flow = new ManyPrinters(8);
    runApp(new App(flow, config("fulgur.output.max-buffered-bytes-per-node = 2KiB")));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      expected.add("line " + i);
    }
    for (int w = 0; w < 8; w++) {
      assertThat(linesOf("root.printers." + w)).as("work %d", w).isEqualTo(expected);
    }
  }

  /** Prints its input's text, a million characters, with no newline at all. */
  static class LongLine extends Work<Void> {
    static final String TEXT = longText();

    LongLine() {
      super(WorkOptions.defaults());
    }

    private static String longText() {
      StringBuilder b = new StringBuilder();
      while (b.length() < 1_048_576) {
        b.append("progress é€𝄞 ").append(b.length()).append(' ');
      }
      return b.toString();
    }

    @Override
    protected void onRun(Void input) {
      for (int off = 0; off < TEXT.length(); off += 1000) {
        System.out.print(TEXT.substring(off, Math.min(TEXT.length(), off + 1000)));
      }
    }
  }

  static class LongLineFlow extends Flow {
    final LongLine big = new LongLine();

    @Override
    public void run() {
      big.run();
      stop();
    }
  }

  @Test
  void aMegabyteWithoutNewlineArrivesCutIntoLinesAndWhole() {
    runApp(new App(new LongLineFlow(), config("")));
    List<String> pieces = linesOf("root.big");
    assertThat(pieces.size()).isGreaterThanOrEqualTo(1_048_576 / 16_384);
    assertThat(pieces).allMatch(p -> p.getBytes(StandardCharsets.UTF_8).length <= 16 * 1024);
    assertThat(String.join("", pieces)).isEqualTo(LongLine.TEXT);
  }

  /** Prints until stopped. */
  static class EndlessPrinter extends Work<Void> {
    static volatile boolean ended;

    EndlessPrinter() {
      super(WorkOptions.defaults().withParallel(true));
    }

    @Override
    protected void onRun(Void input) {
      try {
        for (long i = 0; ; i++) {
          System.out.println("line " + i);
        }
      } finally {
        ended = true;
      }
    }
  }

  static class StopAWaitingPrinter extends Flow {
    static volatile boolean stopNow;
    final EndlessPrinter printer = new EndlessPrinter();

    @Override
    public void run() {
      printer.run();
      if (printer.isRunning() && Conditions.awaitInPass(Duration.ofSeconds(30), () -> stopNow)) {
        printer.stop();
      }
      if (printer.hasStopped()) {
        stop();
      }
    }
  }

  private static boolean aThreadWaitsForOutputRoom() {
    return Thread.getAllStackTraces().values().stream()
        .anyMatch(
            stack ->
                stack.length > 1
                    && java.util.Arrays.stream(stack)
                        .anyMatch(
                            f ->
                                f.getClassName().endsWith("OutputBudget")
                                    && f.getMethodName().equals("charge")));
  }

  @Test
  void aStopWhileThePrinterWaitsForRoomEndsTheCallStopped() throws Exception {
    printerGate = new CountDownLatch(1);
    EndlessPrinter.ended = false;
    StopAWaitingPrinter.stopNow = false;
    StopAWaitingPrinter flow = new StopAWaitingPrinter();
    CompletableFuture<Void> app =
        CompletableFuture.runAsync(
            () -> new App(flow, config("fulgur.output.max-buffered-bytes-per-node = 4KiB")).run(),
            r -> new Thread(r, "test-app").start());
    Conditions.await(
        "the printing thread waits for room",
        Duration.ofSeconds(30),
        OutputBoundsTest::aThreadWaitsForOutputRoom);
    StopAWaitingPrinter.stopNow = true;
    // the flow's node still prints nothing: only the stop can end the wait
    Conditions.await("the call's loop ends", Duration.ofSeconds(30), () -> EndlessPrinter.ended);
    assertThat(printerGate.getCount()).isEqualTo(1);
    printerGate.countDown();
    app.get(60, TimeUnit.SECONDS);
    assertThat(flow.printer.status()).isEqualTo(WorkStatus.STOPPED);
    assertThat(flow.printer.statusReason()).isEqualTo("stopped_by_flow");
    List<String> lines = linesOf("root.printer");
    assertThat(lines).isNotEmpty();
    for (int i = 0; i < lines.size(); i++) {
      assertThat(lines.get(i)).isEqualTo("line " + i);
    }
  }
}
