package io.fulgur;

import static io.fulgur.Conditions.runApp;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** work.stop() (also for the seed's counting worker) and the works' console output. */
class StopAndOutputTest {

  /** The seed's worker: counts and prints, never checks for interruption. */
  static class CountingWorker extends Work<String> {
    static final AtomicLong PRINTED = new AtomicLong();
    static final AtomicBoolean ENDED = new AtomicBoolean();

    CountingWorker() {
      super(new CloudCompute("cpu"), true);
    }

    @Override
    protected void onRun(String message) {
      try {
        for (long i = 0; i < 100_000_000_000L; i++) {
          System.out.println(message + " " + i);
          PRINTED.incrementAndGet();
        }
      } finally {
        ENDED.set(true);
      }
    }
  }

  static class StopFlow extends Flow {
    final CountingWorker worker = new CountingWorker();

    @Override
    public void run() {
      worker.run("counting");
      if (worker.isRunning()) {
        Conditions.awaitInPass(
            java.time.Duration.ofSeconds(10), () -> CountingWorker.PRINTED.get() > 1000);
        worker.stop();
      }
      if (worker.hasStopped()) {
        stop();
      }
    }
  }

  @Test
  void workStopEndsTheSeedsCountingWorker() {
    CountingWorker.PRINTED.set(0);
    CountingWorker.ENDED.set(false);
    StopFlow flow = new StopFlow();
    runApp(new App(flow));
    assertThat(flow.worker.status()).isEqualTo(WorkStatus.STOPPED);
    assertThat(flow.worker.statusReason()).isEqualTo("stopped_by_flow");
    // App.run returns only once the work released: its loop has ended
    assertThat(CountingWorker.ENDED).isTrue();
  }

  /** Counts without printing or checking interrupts. */
  static class SilentSpinner extends Work<Void> {
    static final AtomicBoolean ENDED = new AtomicBoolean();
    static final AtomicBoolean STARTED = new AtomicBoolean();
    public long unused;

    SilentSpinner() {
      super(WorkOptions.defaults().withParallel(true));
    }

    @Override
    protected void onRun(Void input) {
      STARTED.set(true);
      long x = 0;
      try {
        while (x >= 0) {
          x++;
          if (x == Long.MAX_VALUE) {
            x = 0;
          }
        }
      } finally {
        ENDED.set(true);
      }
      unused = x;
    }
  }

  static class SpinStopFlow extends Flow {
    final SilentSpinner spinner = new SilentSpinner();

    @Override
    public void run() {
      spinner.run();
      if (spinner.isRunning()) {
        Conditions.awaitInPass(java.time.Duration.ofSeconds(10), SilentSpinner.STARTED::get);
        spinner.stop();
      }
      if (spinner.hasStopped()) {
        stop();
      }
    }
  }

  @Test
  void aCallThatIgnoresInterruptsIsForcedToEndAfterTheGrace() {
    SilentSpinner.ENDED.set(false);
    SilentSpinner.STARTED.set(false);
    SpinStopFlow flow = new SpinStopFlow();
    runApp(
        new App(
            flow,
            ConfigFactory.parseString(
                "fulgur.node.serve-all-roles = on\nfulgur.work.force-stop-after = 300ms")));
    assertThat(flow.spinner.hasStopped()).isTrue();
    assertThat(SilentSpinner.ENDED).isTrue();
  }

  static class Printer extends Work<Integer> {
    Printer() {
      super(WorkOptions.defaults());
    }

    @Override
    protected void onRun(Integer lines) {
      for (int i = 0; i < lines; i++) {
        System.out.println("line " + i);
      }
      System.err.print("no newline at the end");
    }
  }

  static class PrintFlow extends Flow {
    final Printer printer = new Printer();

    @Override
    public void run() {
      printer.run(3000);
      stop();
    }
  }

  @Test
  void outputAppearsOnTheFlowNodePrefixedWithTheWorkNameInOrder() {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      runApp(new App(new PrintFlow()));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
    List<String> lines =
        out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("line ")).toList();
    assertThat(lines).hasSize(3000);
    for (int i = 0; i < lines.size(); i++) {
      assertThat(lines.get(i)).isEqualTo("[root.printer] line " + i);
    }
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("[root.printer] no newline at the end");
  }
}
