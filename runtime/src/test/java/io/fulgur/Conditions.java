package io.fulgur;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.function.Executable;
import org.slf4j.LoggerFactory;

/** Waiting on conditions with deadlines, and running apps with one. */
final class Conditions {
  static final Duration APP_DEADLINE = Duration.ofSeconds(60);

  private Conditions() {}

  /** Runs the app on another thread and fails the test if it has not ended by the deadline. */
  static void runApp(App app) {
    runApp(app, APP_DEADLINE);
  }

  /** Runs the app on another thread and fails the test if it has not ended by {@code deadline}. */
  static void runApp(App app, Duration deadline) {
    assertTimeoutPreemptively(deadline, (Executable) app::run, "the app did not end in time");
  }

  /** Waits until {@code condition} holds, failing with {@code what} after {@code deadline}. */
  static void await(String what, Duration deadline, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        fail("Timed out after " + deadline + " waiting for: " + what);
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted while waiting for: " + what);
      }
    }
  }

  /** Waits in a pass (a test flow's run) for a condition, returning false at the deadline. */
  static boolean awaitInPass(Duration deadline, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        return false;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** What the {@code io.fulgur} loggers logged while attached: "LEVEL message" lines. */
  static final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final String logger;

    private LogCapture(String logger) {
      this.logger = logger;
    }

    static LogCapture attach() {
      return attach("io.fulgur");
    }

    /**
     * Captures {@code logger} and the loggers under it (at the levels logback-test.xml lets by).
     */
    static LogCapture attach(String logger) {
      LogCapture capture = new LogCapture(logger);
      capture.start();
      ((Logger) LoggerFactory.getLogger(logger)).addAppender(capture);
      return capture;
    }

    @Override
    protected void append(ILoggingEvent event) {
      lines.add(event.getLevel() + " " + event.getFormattedMessage());
    }

    List<String> lines() {
      return List.copyOf(lines);
    }

    @Override
    public void close() {
      ((Logger) LoggerFactory.getLogger(logger)).detachAppender(this);
      stop();
    }
  }
}
