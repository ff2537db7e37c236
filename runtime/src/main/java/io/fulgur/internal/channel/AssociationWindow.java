package io.fulgur.internal.channel;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The messages that every channel from this node to one other node may have sent and not yet
 * acknowledged, together: Artery drops what does not fit in its outbound queue to that node, so the
 * channels that share the connection share this count, and a message that finds it full waits on
 * its sending node until an ack somewhere makes room.
 *
 * <p>Thread-safe: the actors of every app on the node take and give back room.
 */
public final class AssociationWindow {

  /** No limit: for messages that stay in this JVM, where no queue drops them. */
  public static final AssociationWindow UNBOUNDED = new AssociationWindow(Integer.MAX_VALUE);

  private final int capacity;
  private final AtomicInteger inFlight = new AtomicInteger();

  /** Channels with messages waiting for room, each to be woken once. */
  private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();

  /**
   * A window of {@code capacity} messages.
   *
   * @param capacity the most messages unacknowledged at once on this connection, at least 1
   */
  public AssociationWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "an association window must be at least 1 message, not " + capacity);
    }
    this.capacity = capacity;
  }

  /** Takes room for one message if there is some; returns whether it did. */
  public boolean tryTake() {
    if (capacity == Integer.MAX_VALUE) {
      return true;
    }
    while (true) {
      int now = inFlight.get();
      if (now >= capacity) {
        return false;
      }
      if (inFlight.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Gives back room for {@code messages} acknowledged or dropped with their channel. */
  public void giveBack(int messages) {
    if (messages <= 0 || capacity == Integer.MAX_VALUE) {
      return;
    }
    inFlight.addAndGet(-messages);
    wakeWaiters();
  }

  /**
   * Runs {@code wake} once there may be room: at the next {@link #giveBack}, or now if there is
   * room already. {@code wake} runs on whichever thread gives room back, so it only tells its actor
   * to try again.
   */
  public void awaitRoom(Runnable wake) {
    waiters.add(wake);
    if (inFlight.get() < capacity) {
      wakeWaiters(); // room came back between the failed take and now
    }
  }

  private void wakeWaiters() {
    Runnable wake;
    while ((wake = waiters.poll()) != null) {
      wake.run();
    }
  }

  /** The most messages unacknowledged at once. */
  public int capacity() {
    return capacity;
  }

  /** Messages sent and not acknowledged, over every channel of this connection. */
  public int inFlight() {
    return inFlight.get();
  }
}
