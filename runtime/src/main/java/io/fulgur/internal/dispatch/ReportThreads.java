package io.fulgur.internal.dispatch;

import java.util.concurrent.RejectedExecutionException;

/** {@link NodeThreads} of an actor that only hands reports over: it has no thread for calls. */
final class ReportThreads implements NodeThreads {
  private final ThreadingMode mode;

  ReportThreads(ThreadingMode mode) {
    this.mode = mode;
  }

  @Override
  public boolean lend(Runnable call) {
    return false;
  }

  @Override
  public void execute(Runnable call) {
    throw new RejectedExecutionException("this actor has no threads for calls");
  }

  @Override
  public boolean cancel(Runnable call) {
    return false;
  }

  @Override
  public void handOver(Runnable report) {
    mode.handOver(report);
  }

  @Override
  public void shutdownNow() {}
}
