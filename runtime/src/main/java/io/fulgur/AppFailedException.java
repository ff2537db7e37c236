package io.fulgur;

/**
 * Thrown by {@link App#run()} when the app ends as failed: a work with {@code raiseException=true}
 * failed, the flow called {@code fail(reason)}, the flow's {@code run()} threw, the runtime could
 * not start or its node did not join the cluster in time, or the runtime itself failed (the flow's
 * actor threw outside {@code Flow.run()}: the message then starts with {@code internal_error:}).
 */
public class AppFailedException extends RuntimeException {
  /** Serialization version. */
  private static final long serialVersionUID = 1L;

  private final String workName;
  private final WorkFailure workFailure;

  /** An app failure not caused by a work: {@code message} says why. */
  public AppFailedException(String message) {
    this(message, null, null, null);
  }

  /** An app failure with a local cause (for example the flow's {@code run()} threw). */
  public AppFailedException(String message, Throwable cause) {
    this(message, null, null, cause);
  }

  /**
   * An app failure caused by a work.
   *
   * @param message the description
   * @param workName the failed work's name ({@code root.workA}), or {@code null}
   * @param workFailure what the work's node reported, or {@code null}
   * @param cause a local cause, or {@code null}
   */
  public AppFailedException(
      String message, String workName, WorkFailure workFailure, Throwable cause) {
    super(message, cause);
    this.workName = workName;
    this.workFailure = workFailure;
  }

  /** The name of the work whose failure ended the app, or {@code null} if no work caused it. */
  public String workName() {
    return workName;
  }

  /** The failure the work's node reported (remote class, message, stack trace), or {@code null}. */
  public WorkFailure workFailure() {
    return workFailure;
  }
}
