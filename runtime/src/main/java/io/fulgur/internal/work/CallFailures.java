package io.fulgur.internal.work;

import io.fulgur.WorkFailure;
import io.fulgur.internal.FailureDescription;

/**
 * The failures a work's node reports when a call cannot end as it should: the user's exception,
 * described without trusting it ({@link FailureDescription}), and the runtime's own failures on the
 * node, naming the work, the node and the cause.
 */
final class CallFailures {
  private CallFailures() {}

  /** A failure with {@code t}'s class, message (after {@code message}, if any) and stack trace. */
  static WorkFailure of(String reason, Throwable t, String message) {
    String own = FailureDescription.message(t);
    return new WorkFailure(
        reason,
        FailureDescription.className(t),
        message == null ? own : message + ": " + own,
        FailureDescription.trace(t));
  }

  /** The call ended but its end could not be reported as such ({@code internal_error}). */
  static WorkFailure unreported(String work, long callId, String node, Throwable t) {
    return new WorkFailure(
        "internal_error",
        FailureDescription.className(t),
        "call "
            + callId
            + " of work "
            + work
            + " on node "
            + node
            + " ended without its report: "
            + FailureDescription.summary(t),
        null);
  }
}
