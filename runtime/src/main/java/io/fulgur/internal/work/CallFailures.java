package io.fulgur.internal.work;

import io.fulgur.WorkFailure;
import io.fulgur.internal.protocol.WireSize;
import java.io.PrintWriter;
import java.io.StringWriter;

/** The failures a call reports to its flow: made from what was thrown, cut to fit a message. */
final class CallFailures {
  private CallFailures() {}

  /** A failure with {@code reason}, from {@code t} (its class, message and stack trace). */
  static WorkFailure of(String reason, Throwable t, String message) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    return new WorkFailure(
        reason,
        t.getClass().getName(),
        message == null ? t.getMessage() : message + ": " + t.getMessage(),
        trace.toString());
  }

  /**
   * The failure with its message and stack trace cut so that the event fits in one message of
   * {@code messageBudget} bytes to the flow (a deep recursion's trace alone can be megabytes).
   */
  static WorkFailure fit(WorkFailure f, int messageBudget) {
    int each = messageBudget / 4;
    String message = WireSize.cut(f.message(), each);
    String trace = WireSize.cut(f.stackTrace(), each);
    return message == f.message() && trace == f.stackTrace()
        ? f
        : new WorkFailure(f.reason(), f.exceptionClass(), message, trace);
  }
}
