package io.fulgur.internal.flow;

/**
 * Thrown inside a pass to end it: a sequential call that has not succeeded, or the app ending. An
 * {@link Error} without a stack trace, so that user code catching {@code Exception} in its {@code
 * run()} does not swallow it.
 */
final class PassInterrupt extends Error {
  private static final long serialVersionUID = 1L;

  /** The pass waits for a sequential call. */
  static final PassInterrupt AWAIT = new PassInterrupt("awaiting a sequential call");

  /** The app is ending. */
  static final PassInterrupt END = new PassInterrupt("the app is ending");

  private PassInterrupt(String message) {
    super(message, null, false, false);
  }
}
