package io.fulgur.internal.work;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Routes {@code System.out} and {@code System.err} per thread: a thread running a work's call
 * writes into that work's own print stream (whose lines go to the flow's node); every other thread
 * writes to the stream that was there before. Installed once per JVM, and again if user code
 * replaced {@code System.out}.
 */
final class OutputRouter extends PrintStream {
  private static final ThreadLocal<Binding> CURRENT = new ThreadLocal<>();

  /** A thread's work output and its two print streams, made at the first print of the call. */
  private static final class Binding {
    final WorkOutput output;
    final PrintStream[] streams = new PrintStream[2];

    Binding(WorkOutput output) {
      this.output = output;
    }

    PrintStream stream(int index) {
      PrintStream s = streams[index];
      if (s == null) {
        s = new PrintStream(new Sink(output, index == 1), true, StandardCharsets.UTF_8);
        streams[index] = s;
      }
      return s;
    }
  }

  private final PrintStream original;
  private final int index;

  private OutputRouter(PrintStream original, int index) {
    super(original, true, StandardCharsets.UTF_8);
    this.original = original;
    this.index = index;
  }

  /** Makes sure {@code System.out} and {@code System.err} are routers. */
  static synchronized void ensureInstalled() {
    if (!(System.out instanceof OutputRouter)) {
      System.setOut(new OutputRouter(System.out, 0));
    }
    if (!(System.err instanceof OutputRouter)) {
      System.setErr(new OutputRouter(System.err, 1));
    }
  }

  /** Routes the current thread's output into the work's output buffer. */
  static void bind(WorkOutput output) {
    CURRENT.set(new Binding(output));
  }

  /** Ends routing for the current thread. */
  static void unbind() {
    Binding binding = CURRENT.get();
    CURRENT.remove();
    if (binding != null) {
      for (PrintStream s : binding.streams) {
        if (s != null) {
          s.flush();
        }
      }
    }
  }

  private PrintStream target() {
    Binding binding = CURRENT.get();
    return binding == null ? original : binding.stream(index);
  }

  /** The bytes of one work's stream, handed to its {@link WorkOutput}. */
  private static final class Sink extends OutputStream {
    private final WorkOutput output;
    private final boolean err;

    Sink(WorkOutput output, boolean err) {
      this.output = output;
      this.err = err;
    }

    @Override
    public void write(int b) {
      output.write(err, new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      output.write(err, b, off, len);
    }
  }

  // Every public method of PrintStream forwards to the current thread's target.

  @Override
  public void flush() {
    target().flush();
  }

  @Override
  public void close() {
    target().close();
  }

  @Override
  public boolean checkError() {
    return target().checkError();
  }

  @Override
  public void write(int b) {
    target().write(b);
  }

  @Override
  public void write(byte[] buf, int off, int len) {
    target().write(buf, off, len);
  }

  @Override
  public void write(byte[] buf) throws java.io.IOException {
    target().write(buf);
  }

  @Override
  public void writeBytes(byte[] buf) {
    target().writeBytes(buf);
  }

  @Override
  public void print(boolean b) {
    target().print(b);
  }

  @Override
  public void print(char c) {
    target().print(c);
  }

  @Override
  public void print(int i) {
    target().print(i);
  }

  @Override
  public void print(long l) {
    target().print(l);
  }

  @Override
  public void print(float f) {
    target().print(f);
  }

  @Override
  public void print(double d) {
    target().print(d);
  }

  @Override
  public void print(char[] s) {
    target().print(s);
  }

  @Override
  public void print(String s) {
    target().print(s);
  }

  @Override
  public void print(Object obj) {
    target().print(obj);
  }

  @Override
  public void println() {
    target().println();
  }

  @Override
  public void println(boolean x) {
    target().println(x);
  }

  @Override
  public void println(char x) {
    target().println(x);
  }

  @Override
  public void println(int x) {
    target().println(x);
  }

  @Override
  public void println(long x) {
    target().println(x);
  }

  @Override
  public void println(float x) {
    target().println(x);
  }

  @Override
  public void println(double x) {
    target().println(x);
  }

  @Override
  public void println(char[] x) {
    target().println(x);
  }

  @Override
  public void println(String x) {
    target().println(x);
  }

  @Override
  public void println(Object x) {
    target().println(x);
  }

  @Override
  public PrintStream printf(String format, Object... args) {
    target().printf(format, args);
    return this;
  }

  @Override
  public PrintStream printf(Locale l, String format, Object... args) {
    target().printf(l, format, args);
    return this;
  }

  @Override
  public PrintStream format(String format, Object... args) {
    target().format(format, args);
    return this;
  }

  @Override
  public PrintStream format(Locale l, String format, Object... args) {
    target().format(l, format, args);
    return this;
  }

  @Override
  public PrintStream append(CharSequence csq) {
    target().append(csq);
    return this;
  }

  @Override
  public PrintStream append(CharSequence csq, int start, int end) {
    target().append(csq, start, end);
    return this;
  }

  @Override
  public PrintStream append(char c) {
    target().append(c);
    return this;
  }
}
