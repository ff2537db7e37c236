package io.fulgur.internal.work;

import io.fulgur.internal.protocol.PrintMessage.Line;
import io.fulgur.internal.protocol.WireSize;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines a work's calls print, buffered between the call's thread (which writes) and the work
 * actor (which drains and ships them). Bounded: a call that prints faster than the flow's node
 * prints waits, so no line is dropped and memory stays flat.
 */
final class WorkOutput {
  private final int batchLines;
  private final int maxLines;
  private final int maxBatchBytes;
  private final Runnable onBatchReady;
  private final ByteArrayOutputStream outPartial = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errPartial = new ByteArrayOutputStream();
  private ArrayList<Line> lines = new ArrayList<>();
  private boolean flushRequested;
  private volatile boolean stopRequested;

  /**
   * @param batchLines the most lines in one batch
   * @param maxLines the most lines buffered before the writer waits
   * @param maxBatchBytes the most bytes of text in one batch (one message between nodes); a
   *     longer line is cut to half of it
   * @param onBatchReady called (under this object's lock) when a batch is full
   */
  WorkOutput(int batchLines, int maxLines, int maxBatchBytes, Runnable onBatchReady) {
    this.batchLines = batchLines;
    this.maxBatchBytes = maxBatchBytes;
    this.maxLines = Math.max(maxLines, batchLines);
    this.onBatchReady = onBatchReady;
  }

  /** Called on the call's thread for every write; throws once the call is to stop. */
  synchronized void write(boolean err, byte[] b, int off, int len) {
    if (stopRequested) {
      throw new WorkStoppedError();
    }
    ByteArrayOutputStream partial = err ? errPartial : outPartial;
    int start = off;
    int end = off + len;
    for (int i = off; i < end; i++) {
      if (b[i] == '\n') {
        partial.write(b, start, i - start);
        completeLine(err, partial);
        start = i + 1;
      }
    }
    partial.write(b, start, end - start);
    if (lines.size() >= batchLines && !flushRequested) {
      flushRequested = true;
      onBatchReady.run();
    }
    while (lines.size() >= maxLines && !stopRequested) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WorkStoppedError();
      }
    }
    if (stopRequested) {
      throw new WorkStoppedError();
    }
  }

  private void completeLine(boolean err, ByteArrayOutputStream partial) {
    byte[] bytes = partial.toByteArray();
    int n = bytes.length;
    if (n > 0 && bytes[n - 1] == '\r') {
      n--;
    }
    String text = new String(bytes, 0, n, StandardCharsets.UTF_8);
    lines.add(new Line(err, n > maxBatchBytes / 2 ? WireSize.cut(text, maxBatchBytes / 2) : text));
    partial.reset();
  }

  /** Moves unterminated text into lines: called when a call ends. */
  synchronized void endCall() {
    if (outPartial.size() > 0) {
      completeLine(false, outPartial);
    }
    if (errPartial.size() > 0) {
      completeLine(true, errPartial);
    }
  }

  /** Takes the buffered lines (at most one batch); never blocks for long. */
  synchronized List<Line> drain() {
    flushRequested = false;
    if (lines.isEmpty()) {
      return List.of();
    }
    // at most batchLines lines and maxBatchBytes of text (always at least one line)
    int take = 0;
    long bytes = 0;
    while (take < lines.size() && take < batchLines) {
      bytes += 8 + WireSize.utf8(lines.get(take).text());
      if (take > 0 && bytes > maxBatchBytes) {
        break;
      }
      take++;
    }
    List<Line> batch;
    if (take == lines.size()) {
      batch = lines;
      lines = new ArrayList<>();
    } else {
      batch = new ArrayList<>(lines.subList(0, take));
      lines.subList(0, take).clear();
    }
    notifyAll();
    return batch;
  }

  synchronized boolean isEmpty() {
    return lines.isEmpty();
  }

  /** Makes the running call's next write throw, and wakes a writer waiting for room. */
  synchronized void requestStop() {
    stopRequested = true;
    notifyAll();
  }

  /** Clears the stop request before the next call. */
  synchronized void reset() {
    stopRequested = false;
  }

  boolean stopRequested() {
    return stopRequested;
  }
}
