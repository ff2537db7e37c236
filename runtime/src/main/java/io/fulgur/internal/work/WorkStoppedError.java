package io.fulgur.internal.work;

/**
 * Thrown inside a stopped call's thread at its next write to {@code System.out}/{@code System.err}:
 * ends a call that never checks for interruption. An {@link Error} so that user code catching
 * {@code Exception} does not swallow it.
 */
final class WorkStoppedError extends Error {
  private static final long serialVersionUID = 1L;

  WorkStoppedError() {
    super("work stopped", null, false, false);
  }
}
