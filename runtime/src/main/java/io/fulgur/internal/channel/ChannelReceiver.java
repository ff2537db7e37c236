package io.fulgur.internal.channel;

/**
 * The receiving half of a stream: takes message {@code n + 1} after message {@code n} and drops
 * everything else (a duplicate was delivered already; a message after a gap comes again, in order,
 * once the sender resends what was lost). A message is acknowledged once it is handled, which may
 * be later than its arrival (the flow's node handles a host's events after the output printed
 * before them): acks hold the sender back while the receiver catches up. The ack rides on the next
 * message going the other way or goes alone soon after.
 *
 * <p>Not thread-safe: one actor owns it.
 */
public final class ChannelReceiver {
  private long delivered;
  private long handled;
  private long acked;
  private boolean ackOwed;
  private long dropped;

  /** Whether message {@code seq} is the next one, to be delivered now. */
  public boolean accept(long seq) {
    if (seq == delivered + 1) {
      delivered = seq;
      return true;
    }
    // the sender did not hear of what was handled: it hears it again
    ackOwed = true;
    dropped++;
    return false;
  }

  /** Message {@code seq}, and every one before it, has been handled: it is acknowledged. */
  public void handled(long seq) {
    if (seq > handled && seq <= delivered) {
      handled = seq;
      ackOwed = true;
    }
  }

  /** The cumulative ack to send now (every message up to it was handled); the debt is paid. */
  public long ack() {
    ackOwed = false;
    acked = handled;
    return handled;
  }

  /**
   * Whether the ack should go now rather than wait to ride on a message: half of the sender's
   * {@code window} is handled and not acknowledged, and the sender would soon have to wait.
   */
  public boolean ackUrgent(int window) {
    return handled - acked >= Math.max(1, window / 2);
  }

  /** Whether an ack is owed: no message went the other way since the last one was handled. */
  public boolean ackOwed() {
    return ackOwed;
  }

  /** Messages dropped so far (duplicates and messages after a gap). */
  public long dropped() {
    return dropped;
  }
}
