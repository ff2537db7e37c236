package io.fulgur.internal.dispatch;

import java.util.concurrent.ThreadFactory;

/**
 * The threads a node runs calls on: its runner threads ({@link RunnerPool}) and the node's own
 * threads lent to sequential calls ({@link NodeExecutor#lend}), together at most {@code
 * fulgur.node.max-call-threads}. A call beyond that waits, in the order calls came, until a thread
 * is free: the node never starts more threads than it can afford, however many calls arrive.
 */
final class CallThreads implements NodeThreads {
  /** The setting that caps the threads. */
  static final String MAX_KEY = "fulgur.node.max-call-threads";

  private final ThreadingMode mode;
  private final RunnerPool runners;

  /**
   * Threads made by {@code factory}: at most {@code maxThreads}, as many short calls at once as
   * {@code width} (the cores); node threads are lent only as {@code mode} allows.
   */
  CallThreads(ThreadingMode mode, ThreadFactory factory, int width, int maxThreads) {
    this.mode = mode;
    this.runners = new RunnerPool(factory, width, maxThreads, MAX_KEY);
  }

  @Override
  public boolean lend(Runnable call) {
    if (!runners.hold()) {
      return false;
    }
    if (mode.lend(
        () -> {
          try {
            call.run();
          } finally {
            runners.release();
          }
        })) {
      return true;
    }
    runners.release();
    return false;
  }

  @Override
  public void execute(Runnable call) {
    runners.execute(call);
  }

  @Override
  public boolean cancel(Runnable call) {
    return runners.cancel(call);
  }

  @Override
  public void handOver(Runnable report) {
    mode.handOver(report);
  }

  @Override
  public void shutdownNow() {
    runners.shutdownNow();
  }
}
