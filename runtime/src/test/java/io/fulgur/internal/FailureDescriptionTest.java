package io.fulgur.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * Exceptions described without trusting them: what a well-behaved exception gives is what {@code
 * printStackTrace} gives, and a badly-behaved one is still described, with notes where it threw,
 * its cause chain cut where it loops or does not end.
 */
class FailureDescriptionTest {

  private static String printed(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  @Test
  void aWellBehavedExceptionIsDescribedAsPrintStackTraceDoes() {
    IllegalStateException cause = new IllegalStateException("the cause");
    RuntimeException e = new RuntimeException("the top", cause);
    e.addSuppressed(new IllegalArgumentException("suppressed"));
    assertThat(FailureDescription.message(e)).isEqualTo("the top");
    assertThat(FailureDescription.summary(e)).isEqualTo(e.toString());
    assertThat(FailureDescription.trace(e)).isEqualTo(printed(e));
  }

  /** Every method the description reads throws. */
  static final class Hostile extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @Override
    public String getMessage() {
      throw new IllegalStateException("message");
    }

    @Override
    public String toString() {
      throw new UnsupportedOperationException("text");
    }

    @Override
    public StackTraceElement[] getStackTrace() {
      throw new IllegalArgumentException("frames");
    }

    @Override
    public synchronized Throwable getCause() {
      throw new ArithmeticException("cause");
    }
  }

  @Test
  void anExceptionWhoseMethodsAllThrowIsDescribedWithNotes() {
    Hostile e = new Hostile();
    assertThat(FailureDescription.message(e))
        .isEqualTo("<the exception's getMessage() threw java.lang.IllegalStateException: message>");
    assertThat(FailureDescription.summary(e))
        .isEqualTo(
            Hostile.class.getName()
                + ": <the exception's getMessage() threw java.lang.IllegalStateException: message>"
                + " <the exception's toString() threw java.lang.UnsupportedOperationException:"
                + " text>");
    assertThat(FailureDescription.trace(e))
        .startsWith(Hostile.class.getName())
        .contains(
            "\t<the exception's getStackTrace() threw java.lang.IllegalArgumentException: frames>")
        .contains(
            "Caused by: <the exception's getCause() threw java.lang.ArithmeticException: cause>");
  }

  /** Its message is read through an exception whose own message cannot be read. */
  static final class Nested extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @Override
    public String getMessage() {
      throw new Hostile();
    }
  }

  @Test
  void whatAMethodThrewIsDescribedWithoutTrustingItEither() {
    assertThat(FailureDescription.message(new Nested()))
        .isEqualTo("<the exception's getMessage() threw " + Hostile.class.getName() + ">");
  }

  @Test
  void aCauseLoopIsShownOnceAsACircularReference() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);
    assertThat(FailureDescription.trace(a))
        .contains("Caused by: java.lang.RuntimeException: b")
        .contains("[CIRCULAR REFERENCE: java.lang.RuntimeException: a]");
  }

  @Test
  void aDeepCauseChainIsCutAndTheTraceStaysBounded() {
    RuntimeException e = new RuntimeException("bottom");
    for (int i = 0; i < 200_000; i++) {
      e = new RuntimeException("level " + i, e);
    }
    String trace = FailureDescription.trace(e);
    assertThat(trace)
        .startsWith("java.lang.RuntimeException: level 199999")
        .contains(
            "[cause chain cut after "
                + FailureDescription.MAX_THROWABLES
                + " exceptions: java.lang.RuntimeException: level "
                + (199_999 - FailureDescription.MAX_THROWABLES)
                + " and what caused it not shown]")
        .doesNotContain("bottom");
    assertThat(trace.length()).isLessThanOrEqualTo(FailureDescription.MAX_TRACE_CHARS + 200);
  }

  @Test
  void aTraceTooLongToKeepIsCutWithANote() {
    RuntimeException e = new RuntimeException("x".repeat(FailureDescription.MAX_TRACE_CHARS + 10));
    String trace = FailureDescription.trace(e);
    assertThat(trace).startsWith("java.lang.RuntimeException: xxx").contains("[trace cut at ");
    assertThat(trace.length()).isLessThanOrEqualTo(FailureDescription.MAX_TRACE_CHARS + 200);
  }

  @Test
  void onlyAJvmThatIsBrokenOrAThreadBeingStoppedIsFatal() {
    assertThat(FailureDescription.isFatal(new OutOfMemoryError())).isTrue();
    assertThat(FailureDescription.isFatal(new StackOverflowError())).isFalse();
    assertThat(FailureDescription.isFatal(new AssertionError("x"))).isFalse();
    assertThat(FailureDescription.isFatal(new NoClassDefFoundError("x"))).isFalse();
    assertThat(FailureDescription.isFatal(new RuntimeException())).isFalse();
  }
}
