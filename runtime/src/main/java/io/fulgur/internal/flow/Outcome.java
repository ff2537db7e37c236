package io.fulgur.internal.flow;

import io.fulgur.WorkFailure;
import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.protocol.FlowMessage;

/**
 * How an app ended: normally (with an optional message) or failed (with the message, and the work
 * and remote failure that caused it, if a work did).
 */
public record Outcome(
    boolean failed, String message, String workName, WorkFailure workFailure, Throwable cause) {

  static Outcome stopped(String message) {
    return new Outcome(false, message, null, null, null);
  }

  static Outcome failed(String message) {
    return new Outcome(true, message, null, null, null);
  }

  static Outcome failed(String message, Throwable cause) {
    return new Outcome(true, message, null, null, cause);
  }

  /**
   * The runtime failed ({@code what} says where and how): the app fails with reason {@code
   * internal_error}, named first in its message.
   */
  static Outcome internalError(String what, Throwable cause) {
    return new Outcome(true, "internal_error: " + what, null, null, cause);
  }

  /** A handler of the flow actor threw {@code thrown} while it handled {@code what}. */
  static Outcome handlerFailed(Object what, Throwable thrown) {
    String handled =
        what instanceof FlowMessage.Event ? "a work's event" : what.getClass().getSimpleName();
    return internalError(
        "the flow actor failed handling " + handled + ": " + FailureDescription.summary(thrown),
        thrown);
  }

  static Outcome workFailed(String message, String workName, WorkFailure failure) {
    return new Outcome(true, message, workName, failure, null);
  }

  /** An outcome for a node that terminated under the app. */
  public static Outcome nodeTerminated() {
    return failed("the flow's node terminated before the app ended");
  }

  /** An outcome for a flow node that the cluster refused or downed, saying why. */
  public static Outcome nodeStopped(String why) {
    return failed(why);
  }

  /** An outcome for a flow node that did not join its cluster in time, saying why. */
  public static Outcome joinFailed(String why) {
    return failed(why);
  }
}
