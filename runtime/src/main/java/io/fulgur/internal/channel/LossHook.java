package io.fulgur.internal.channel;

/**
 * Loses messages on purpose, to prove in tests that the channel recovers: with {@code
 * fulgur.channel.test-drop-one-in = n > 0}, every nth message a node puts on a channel is not sent
 * at all. Never set outside tests.
 */
public final class LossHook {
  /** Loses nothing. */
  public static final LossHook NONE = new LossHook(0);

  private final int oneIn;
  private int count;

  private LossHook(int oneIn) {
    this.oneIn = oneIn;
  }

  /** A hook that loses one message in {@code oneIn} (0: none). */
  public static LossHook oneIn(int oneIn) {
    if (oneIn < 0) {
      throw new IllegalArgumentException("fulgur.channel.test-drop-one-in must be 0 or more");
    }
    return oneIn == 0 ? NONE : new LossHook(oneIn);
  }

  /** Whether to lose the message about to be sent. */
  public boolean drop() {
    return oneIn > 0 && ++count % oneIn == 0;
  }
}
