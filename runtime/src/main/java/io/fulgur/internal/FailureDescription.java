package io.fulgur.internal;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;

/**
 * Describes a user's {@link Throwable} without trusting it: its message, its text and its stack
 * trace as {@code printStackTrace} would write them, except that nothing the throwable does can
 * stop the description. A method that throws ({@code getMessage}, {@code toString}, {@code
 * getStackTrace}, {@code getCause}) is named in the description in its place ({@code <the
 * exception's getMessage() threw java.lang.IllegalStateException: ...>}); a cause chain that loops
 * or has no end, or a trace too long to keep, is cut with a note.
 */
public final class FailureDescription {
  /** The most causes and suppressed exceptions a trace follows, in all. */
  static final int MAX_THROWABLES = 64;

  /** The most characters of a trace (a deep recursion's trace alone can be megabytes). */
  static final int MAX_TRACE_CHARS = 1 << 20;

  /** The most characters of a description of what a describing method threw. */
  private static final int MAX_NOTE_CHARS = 1000;

  private FailureDescription() {}

  /** {@code t}'s class name. */
  public static String className(Throwable t) {
    return t == null ? "null" : t.getClass().getName();
  }

  /** {@code t.getMessage()}, or a note saying what it threw instead. */
  public static String message(Throwable t) {
    if (t == null) {
      return null;
    }
    try {
      return t.getMessage();
    } catch (Throwable thrown) {
      return note("getMessage()", thrown);
    }
  }

  /**
   * {@code t.toString()} ({@code class: message} unless the class says otherwise), or {@code class:
   * message} and a note saying what {@code toString()} threw.
   */
  public static String summary(Throwable t) {
    if (t == null) {
      return "null";
    }
    try {
      String text = t.toString();
      return text == null ? className(t) : text;
    } catch (Throwable thrown) {
      String message = message(t);
      return className(t)
          + (message == null ? "" : ": " + message)
          + " "
          + note("toString()", thrown);
    }
  }

  /**
   * The stack trace as {@code printStackTrace} writes it (frames in common with the enclosing trace
   * elided, suppressed exceptions, causes), at most {@link #MAX_THROWABLES} throwables and about
   * {@link #MAX_TRACE_CHARS} characters.
   */
  public static String trace(Throwable t) {
    if (t == null) {
      return null;
    }
    Trace trace = new Trace();
    trace.print(t, "", "", new StackTraceElement[0]);
    return trace.text.toString();
  }

  /**
   * Whether {@code t} must not be caught and described: the JVM is out of memory or otherwise
   * broken, or the thread is being stopped. A stack overflow is not: it is the caller's recursion.
   */
  public static boolean isFatal(Throwable t) {
    return (t instanceof VirtualMachineError && !(t instanceof StackOverflowError))
        || t.getClass().getName().equals("java.lang.ThreadDeath");
  }

  /** What a describing method threw, in one short line that trusts nothing of it either. */
  private static String note(String method, Throwable thrown) {
    String message;
    try {
      message = thrown.getMessage();
    } catch (Throwable again) {
      message = null;
    }
    String text = className(thrown) + (message == null ? "" : ": " + message);
    if (text.length() > MAX_NOTE_CHARS) {
      text = text.substring(0, MAX_NOTE_CHARS) + "...";
    }
    return "<the exception's " + method + " threw " + text + ">";
  }

  /** One trace being written, with what it has seen and how much room is left. */
  private static final class Trace {
    final StringBuilder text = new StringBuilder();
    final Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    int throwables;
    boolean full;

    /**
     * Writes {@code t} and, below it, its suppressed exceptions and its cause (the recursion is at
     * most {@link #MAX_THROWABLES} deep).
     */
    void print(Throwable t, String caption, String prefix, StackTraceElement[] enclosing) {
      if (full) {
        return;
      }
      if (!seen.add(t)) {
        line(prefix + caption + "[CIRCULAR REFERENCE: " + summary(t) + "]");
        return;
      }
      if (++throwables > MAX_THROWABLES) {
        line(
            prefix
                + "\t... [cause chain cut after "
                + MAX_THROWABLES
                + " exceptions: "
                + summary(t)
                + " and what caused it not shown]");
        full = true;
        return;
      }
      line(prefix + caption + summary(t));
      StackTraceElement[] frames = frames(t, prefix);
      int last = frames.length - 1;
      for (int e = enclosing.length - 1; last >= 0 && e >= 0; last--, e--) {
        if (!frames[last].equals(enclosing[e])) {
          break;
        }
      }
      for (int i = 0; i <= last && !full; i++) {
        line(prefix + "\tat " + frames[i]);
      }
      int inCommon = frames.length - 1 - last;
      if (inCommon > 0) {
        line(prefix + "\t... " + inCommon + " more");
      }
      for (Throwable suppressed : t.getSuppressed()) {
        print(suppressed, "Suppressed: ", prefix + "\t", frames);
      }
      Throwable cause;
      try {
        cause = t.getCause();
      } catch (Throwable thrown) {
        line(prefix + "Caused by: " + note("getCause()", thrown));
        return;
      }
      if (cause != null) {
        print(cause, "Caused by: ", prefix, frames);
      }
    }

    private StackTraceElement[] frames(Throwable t, String prefix) {
      StackTraceElement[] frames;
      try {
        frames = t.getStackTrace();
      } catch (Throwable thrown) {
        line(prefix + "\t" + note("getStackTrace()", thrown));
        return new StackTraceElement[0];
      }
      if (frames == null) {
        return new StackTraceElement[0];
      }
      for (StackTraceElement frame : frames) {
        if (frame == null) {
          // an overridden getStackTrace may return anything; equals above needs no nulls
          return java.util.Arrays.stream(frames)
              .filter(java.util.Objects::nonNull)
              .toArray(StackTraceElement[]::new);
        }
      }
      return frames;
    }

    private void line(String line) {
      if (full) {
        return;
      }
      int room = MAX_TRACE_CHARS - text.length();
      if (line.length() > room) {
        text.append(line, 0, Math.max(0, room))
            .append(System.lineSeparator())
            .append(
                String.format(Locale.ROOT, "\t... [trace cut at %,d characters]", MAX_TRACE_CHARS))
            .append(System.lineSeparator());
        full = true;
        return;
      }
      text.append(line).append(System.lineSeparator());
    }
  }
}
