package io.fulgur.internal.work;

import io.fulgur.internal.protocol.PrintMessage.Line;
import io.fulgur.internal.protocol.WireSize;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lines a work's calls print, buffered between the call's thread (which writes) and the work
 * actor (which drains and ships them). Bounded twice: a call that prints faster than the flow's
 * node prints waits once its work buffers {@code maxLines} lines, or once the node's works hold
 * their whole {@link OutputBudget} in lines not yet printed. No line is dropped; a line longer than
 * {@code maxLineBytes} is shipped in pieces ({@link LineAssembler}).
 *
 * <p>Only the call's thread writes; it assembles lines without a lock and charges each to the
 * node's budget before it takes this object's lock to buffer it, so a writer that waits for room
 * never holds what the actor needs to drain.
 */
final class WorkOutput {
  /** What a buffered line costs besides its text: the line, its string, the list's slot. */
  static final int LINE_OVERHEAD = 64;

  private final int batchLines;
  private final int maxLines;
  private final int maxBatchBytes;
  private final OutputBudget budget;
  private final Runnable onBatchReady;
  private final LineAssembler out;
  private final LineAssembler err;
  private final LineAssembler.Sink outSink = (bytes, length) -> lineEnded(false, bytes, length);
  private final LineAssembler.Sink errSink = (bytes, length) -> lineEnded(true, bytes, length);
  private ArrayList<Line> lines = new ArrayList<>();

  /** What each buffered line was charged, in the order of {@link #lines}. */
  private long[] charges = new long[16];

  /** What the batches sent and not yet acknowledged were charged, oldest first. */
  private final ArrayDeque<Long> inFlight = new ArrayDeque<>(2);

  private boolean flushRequested;
  private boolean closed;
  private volatile boolean stopRequested;

  /**
   * @param batchLines the most lines in one batch
   * @param maxLines the most lines buffered before the writer waits
   * @param maxBatchBytes the most bytes of text in one batch (one message between nodes)
   * @param maxLineBytes the most bytes of one line; a longer one is cut into pieces
   * @param budget the node's budget of buffered output, shared by its works
   * @param onBatchReady called when a batch is full, or the writer waits for room
   */
  WorkOutput(
      int batchLines,
      int maxLines,
      int maxBatchBytes,
      int maxLineBytes,
      OutputBudget budget,
      Runnable onBatchReady) {
    this.batchLines = batchLines;
    this.maxBatchBytes = maxBatchBytes;
    this.maxLines = Math.max(maxLines, batchLines);
    this.budget = budget;
    this.onBatchReady = onBatchReady;
    this.out = new LineAssembler(maxLineBytes);
    this.err = new LineAssembler(maxLineBytes);
  }

  /** Called on the call's thread for every write; throws once the call is to stop. */
  void write(boolean toErr, byte[] b, int off, int len) {
    if (stopRequested) {
      throw new WorkStoppedError();
    }
    if (toErr) {
      err.write(b, off, len, errSink);
    } else {
      out.write(b, off, len, outSink);
    }
    synchronized (this) {
      while (lines.size() >= maxLines && !stopRequested) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new WorkStoppedError();
        }
      }
    }
    if (stopRequested) {
      throw new WorkStoppedError();
    }
  }

  /** On the call's thread: a line ended; it waits for room in the node's budget, then buffers. */
  private void lineEnded(boolean toErr, byte[] bytes, int length) {
    String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
    long cost = LINE_OVERHEAD + (long) length;
    long charge = budget.tryCharge(cost);
    if (charge < 0) {
      requestFlush(); // this work's own lines may be what fills the budget: ship them
      charge = budget.charge(cost, this);
    }
    add(new Line(toErr, text), charge);
  }

  private synchronized void add(Line line, long charge) {
    if (closed) {
      budget.release(charge);
      throw new WorkStoppedError();
    }
    int n = lines.size();
    if (n == charges.length) {
      charges = Arrays.copyOf(charges, 2 * n);
    }
    charges[n] = charge;
    lines.add(line);
    if (n + 1 >= batchLines && !flushRequested) {
      flushRequested = true;
      onBatchReady.run();
    }
  }

  private synchronized void requestFlush() {
    if (!flushRequested && !lines.isEmpty()) {
      flushRequested = true;
      onBatchReady.run();
    }
  }

  /**
   * Moves unterminated text into lines: called by the work actor when a call ends (the call's
   * thread has left). They are charged at once, room or not: at most one line per stream.
   */
  void endCall() {
    flushForced(out, false);
    flushForced(err, true);
  }

  private void flushForced(LineAssembler assembler, boolean toErr) {
    assembler.flush(
        (bytes, length) -> {
          String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
          long charge = budget.force(LINE_OVERHEAD + (long) length);
          try {
            add(new Line(toErr, text), charge);
          } catch (WorkStoppedError closedMeanwhile) {
            // the actor is gone: nobody ships it
          }
        });
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
    long charged = 0;
    while (take < lines.size() && take < batchLines) {
      bytes += 8 + WireSize.utf8(lines.get(take).text());
      if (take > 0 && bytes > maxBatchBytes) {
        break;
      }
      charged += charges[take];
      take++;
    }
    List<Line> batch;
    if (take == lines.size()) {
      batch = lines;
      lines = new ArrayList<>();
    } else {
      batch = new ArrayList<>(lines.subList(0, take));
      lines.subList(0, take).clear();
      System.arraycopy(charges, take, charges, 0, lines.size());
    }
    inFlight.addLast(charged);
    notifyAll();
    return batch;
  }

  /** The flow's node printed the oldest batch in flight: its lines' charge goes back. */
  synchronized void acked() {
    Long charged = inFlight.pollFirst();
    if (charged != null) {
      budget.release(charged);
    }
  }

  /**
   * The work actor is done with this output: whatever it still holds is given back to the node's
   * budget, and a writer still printing stops at its next line.
   */
  synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long held = 0;
    for (int i = 0; i < lines.size(); i++) {
      held += charges[i];
    }
    for (long charged : inFlight) {
      held += charged;
    }
    lines = new ArrayList<>();
    inFlight.clear();
    budget.release(held);
    notifyAll();
  }

  synchronized boolean isEmpty() {
    return lines.isEmpty();
  }

  /** Makes the running call's next write throw, and wakes a writer waiting for room. */
  void requestStop() {
    synchronized (this) {
      stopRequested = true;
      notifyAll();
    }
    budget.wake();
  }

  /** Clears the stop request before the next call. */
  synchronized void reset() {
    stopRequested = false;
  }

  boolean stopRequested() {
    return stopRequested;
  }
}
