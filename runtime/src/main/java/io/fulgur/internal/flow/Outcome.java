package io.fulgur.internal.flow;

import io.fulgur.WorkFailure;

/**
 * How an app ended: normally (with an optional message) or failed (with the message, and the
 * work and remote failure that caused it, if a work did).
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
}
