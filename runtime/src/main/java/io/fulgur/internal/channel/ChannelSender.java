package io.fulgur.internal.channel;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sending half of a stream: numbers each message from 1, keeps it until the peer acknowledges
 * it (acks are cumulative), sends no more than {@code window} unacknowledged messages, and no more
 * than its node's connection to the peer has room for ({@link AssociationWindow}): the rest wait
 * here, in order. Sends every unacknowledged message again when none was acknowledged for a while,
 * waiting twice as long after each try without progress.
 *
 * <p>Not thread-safe: one actor owns it. The owner calls {@link #close} when it drops the stream,
 * or the room its messages hold on the connection is lost to every other channel.
 *
 * @param <P> what a message carries
 */
public final class ChannelSender<P> {

  /** Puts a message on the wire (first send or a resend). */
  public interface Transport<P> {
    /**
     * Sends {@code payload} as message {@code seq}; {@code resend} when it was sent before.
     *
     * @param seq the message's number in the stream, from 1
     * @param payload what the message carries
     * @param resend whether this message was sent before
     */
    void send(long seq, P payload, boolean resend);
  }

  private final int window;
  private final long firstResendNanos;
  private final long maxResendNanos;
  private final Transport<P> transport;
  private final LossHook loss;
  private final AssociationWindow association;

  /** Tells the owner to call {@link #sendWaiting} again; runs on another actor's thread. */
  private final Runnable wake;

  /** Whether this sender waits for room on the connection (it is woken once). */
  private final AtomicBoolean awaitingRoom = new AtomicBoolean();

  private volatile boolean closed;

  /** Sent, not acknowledged: the first is message {@link #firstUnacked}. */
  private final ArrayDeque<P> unacked = new ArrayDeque<>();

  /** Not sent yet: the window is full. */
  private final ArrayDeque<P> waiting = new ArrayDeque<>();

  private long firstUnacked = 1;
  private long resendNanos;

  /** When the oldest unacknowledged message was last sent, or the last ack made progress. */
  private long sinceNanos;

  private long resent;

  /**
   * A sender.
   *
   * @param window the most messages sent and not acknowledged
   * @param resendAfter how long without an ack before the unacknowledged messages go again
   * @param maxResendAfter the longest wait between tries without progress
   * @param loss drops messages on purpose, for tests ({@link LossHook#NONE} otherwise)
   * @param transport puts the messages on the wire
   */
  public ChannelSender(
      int window,
      java.time.Duration resendAfter,
      java.time.Duration maxResendAfter,
      LossHook loss,
      Transport<P> transport) {
    this(
        window,
        resendAfter,
        maxResendAfter,
        loss,
        AssociationWindow.UNBOUNDED,
        () -> {},
        transport);
  }

  /**
   * A sender whose messages also take room on the connection to the peer's node.
   *
   * @param window the most messages sent and not acknowledged on this stream
   * @param resendAfter how long without an ack before the unacknowledged messages go again
   * @param maxResendAfter the longest wait between tries without progress
   * @param loss drops messages on purpose, for tests ({@link LossHook#NONE} otherwise)
   * @param association the room of the connection to the peer's node, shared with other streams
   * @param wake run, on any thread, when room may have come back: the owner then calls {@link
   *     #sendWaiting}
   * @param transport puts the messages on the wire
   */
  public ChannelSender(
      int window,
      java.time.Duration resendAfter,
      java.time.Duration maxResendAfter,
      LossHook loss,
      AssociationWindow association,
      Runnable wake,
      Transport<P> transport) {
    if (window < 1) {
      throw new IllegalArgumentException("a channel window must be at least 1, not " + window);
    }
    this.window = window;
    this.firstResendNanos = resendAfter.toNanos();
    this.maxResendNanos = Math.max(firstResendNanos, maxResendAfter.toNanos());
    this.resendNanos = firstResendNanos;
    this.loss = loss;
    this.association = association;
    this.wake = wake;
    this.transport = transport;
  }

  /**
   * Sends {@code payload} now if the windows have room, else after the messages before it; returns
   * its number in the stream.
   */
  public long offer(P payload, long nowNanos) {
    long seq = firstUnacked + unacked.size() + waiting.size();
    waiting.add(payload);
    sendWaiting(nowNanos);
    return seq;
  }

  /** Sends the waiting messages that the stream's and the connection's windows have room for. */
  public void sendWaiting(long nowNanos) {
    while (!closed && !waiting.isEmpty() && unacked.size() < window) {
      if (!association.tryTake()) {
        if (awaitingRoom.compareAndSet(false, true)) {
          association.awaitRoom(
              () -> {
                awaitingRoom.set(false);
                if (!closed) {
                  wake.run();
                }
              });
        }
        return;
      }
      sendNew(waiting.poll(), nowNanos);
    }
  }

  private void sendNew(P payload, long nowNanos) {
    if (unacked.isEmpty()) {
      sinceNanos = nowNanos;
    }
    unacked.add(payload);
    long seq = firstUnacked + unacked.size() - 1;
    if (!loss.drop()) {
      transport.send(seq, payload, false);
    }
  }

  /**
   * The peer received every message up to {@code ack}: they are dropped here, and waiting ones take
   * their place in the window. A stale or repeated ack changes nothing.
   */
  public void acked(long ack, long nowNanos) {
    if (ack < firstUnacked || closed) {
      return;
    }
    long last = firstUnacked + unacked.size() - 1;
    long upTo = Math.min(ack, last);
    int done = 0;
    while (firstUnacked <= upTo) {
      unacked.poll();
      firstUnacked++;
      done++;
    }
    sinceNanos = nowNanos;
    resendNanos = firstResendNanos;
    association.giveBack(done);
    sendWaiting(nowNanos);
  }

  /**
   * Drops the stream: nothing more is sent or sent again, and the room its unacknowledged messages
   * held on the connection goes back to the other streams.
   */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    int held = unacked.size();
    unacked.clear();
    waiting.clear();
    association.giveBack(held);
  }

  /**
   * Sends every unacknowledged message again if none was acknowledged for the current wait; returns
   * how many went.
   */
  public int resendIfDue(long nowNanos) {
    if (unacked.isEmpty() || nowNanos - sinceNanos < resendNanos) {
      return 0;
    }
    long seq = firstUnacked;
    for (P payload : unacked) {
      if (!loss.drop()) {
        transport.send(seq, payload, true);
      }
      seq++;
    }
    resent += unacked.size();
    sinceNanos = nowNanos;
    resendNanos = Math.min(maxResendNanos, resendNanos * 2);
    return unacked.size();
  }

  /** Whether messages wait for an ack (then a resend may be due later). */
  public boolean hasUnacked() {
    return !unacked.isEmpty();
  }

  /** Messages sent and not acknowledged. */
  public int inFlight() {
    return unacked.size();
  }

  /** Messages waiting for room in the window. */
  public int waiting() {
    return waiting.size();
  }

  /** Messages sent again so far. */
  public long resent() {
    return resent;
  }
}
