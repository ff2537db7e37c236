package io.fulgur;

/**
 * What made a work's call fail, as it travelled back from the work's node to the flow.
 *
 * @param reason the failure reason: {@code user_exception}, {@code node_lost}, {@code
 *     no_node_with_role}, {@code placement_failed}, {@code internal_error}, ...
 * @param exceptionClass the class name of the exception {@code onRun} threw, or {@code null}
 * @param message the exception's message (or a description of the failure); if reading it threw, a
 *     note saying so ({@code <the exception's getMessage() threw ...>}); cut, saying so, if it was
 *     too long for one message between nodes
 * @param stackTrace the remote stack trace as text, or {@code null}; cut at its end ({@code ...
 *     [trace cut: N more characters]}) if it was too long for one message between nodes
 */
public record WorkFailure(String reason, String exceptionClass, String message, String stackTrace) {

  /** A one-line description: {@code user_exception: java.lang.IllegalStateException: boom}. */
  public String describe() {
    StringBuilder sb = new StringBuilder(reason);
    if (exceptionClass != null) {
      sb.append(": ").append(exceptionClass);
    }
    if (message != null) {
      sb.append(": ").append(message);
    }
    return sb.toString();
  }
}
