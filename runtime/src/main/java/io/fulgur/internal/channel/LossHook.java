package io.fulgur.internal.channel;

import java.util.SplittableRandom;

/**
 * Loses messages on purpose, to prove in tests that the channel recovers: with {@code
 * fulgur.channel.test-drop-one-in = n > 0}, each message a node puts on a channel (a resend too) is
 * lost with a chance of one in {@code n}, at random: a loss that repeats with a period would hit
 * the same message of every resend. Never set outside tests.
 */
public final class LossHook {
  /** Loses nothing. */
  public static final LossHook NONE = new LossHook(0, 0);

  private final int oneIn;
  private final SplittableRandom random;

  private LossHook(int oneIn, long seed) {
    this.oneIn = oneIn;
    this.random = oneIn == 0 ? null : new SplittableRandom(seed);
  }

  /** A hook that loses one message in {@code oneIn} on average (0: none). */
  public static LossHook oneIn(int oneIn) {
    if (oneIn < 0) {
      throw new IllegalArgumentException("fulgur.channel.test-drop-one-in must be 0 or more");
    }
    return oneIn == 0 ? NONE : new LossHook(oneIn, System.nanoTime());
  }

  /** A hook that loses one message in {@code oneIn} on average, the same ones for a seed. */
  static LossHook oneIn(int oneIn, long seed) {
    return new LossHook(oneIn, seed);
  }

  /** Whether to lose the message about to be sent. */
  public boolean drop() {
    return oneIn > 0 && random.nextInt(oneIn) == 0;
  }
}
