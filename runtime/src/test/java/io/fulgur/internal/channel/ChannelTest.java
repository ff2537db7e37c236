package io.fulgur.internal.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChannelTest {
  private static final long MS = 1_000_000L;

  /** A message on the wire: its number and what it carries. */
  private record Sent(long seq, String payload, boolean resend) {}

  private final List<Sent> wire = new ArrayList<>();

  private ChannelSender<String> sender(int window, LossHook loss) {
    return new ChannelSender<>(
        window,
        Duration.ofMillis(100),
        Duration.ofMillis(400),
        loss,
        (seq, payload, resend) -> wire.add(new Sent(seq, payload, resend)));
  }

  @Test
  void messagesAreNumberedFromOneAndWaitOnceTheWindowIsFull() {
    ChannelSender<String> sender = sender(2, LossHook.NONE);
    sender.offer("a", 0);
    sender.offer("b", 0);
    sender.offer("c", 0);
    assertThat(wire).containsExactly(new Sent(1, "a", false), new Sent(2, "b", false));
    assertThat(sender.inFlight()).isEqualTo(2);
    assertThat(sender.waiting()).isEqualTo(1);

    sender.acked(1, 10 * MS);
    assertThat(wire).last().isEqualTo(new Sent(3, "c", false));
    assertThat(sender.inFlight()).isEqualTo(2);
    assertThat(sender.waiting()).isZero();

    sender.acked(3, 20 * MS);
    assertThat(sender.hasUnacked()).isFalse();
  }

  @Test
  void staleRepeatedAndFutureAcksChangeNothingWrong() {
    ChannelSender<String> sender = sender(8, LossHook.NONE);
    sender.offer("a", 0);
    sender.offer("b", 0);
    sender.acked(0, 1);
    assertThat(sender.inFlight()).isEqualTo(2);
    sender.acked(1, 2);
    sender.acked(1, 3);
    assertThat(sender.inFlight()).isEqualTo(1);
    // an ack beyond what was sent (a stranger's, or a corrupt one) acks no more than was sent
    sender.acked(99, 4);
    assertThat(sender.inFlight()).isZero();
    sender.offer("c", 5);
    assertThat(wire).last().isEqualTo(new Sent(3, "c", false));
  }

  @Test
  void unacknowledgedMessagesGoAgainInOrderWithAWaitThatDoublesUpToTheLongest() {
    ChannelSender<String> sender = sender(8, LossHook.NONE);
    sender.offer("a", 0);
    sender.offer("b", 0);
    wire.clear();
    assertThat(sender.resendIfDue(99 * MS)).isZero();
    assertThat(sender.resendIfDue(100 * MS)).isEqualTo(2);
    assertThat(wire).containsExactly(new Sent(1, "a", true), new Sent(2, "b", true));
    // then 200 ms, 400 ms, and 400 ms again (the longest)
    assertThat(sender.resendIfDue(299 * MS)).isZero();
    assertThat(sender.resendIfDue(300 * MS)).isEqualTo(2);
    assertThat(sender.resendIfDue(699 * MS)).isZero();
    assertThat(sender.resendIfDue(700 * MS)).isEqualTo(2);
    assertThat(sender.resendIfDue(1100 * MS)).isEqualTo(2);
    assertThat(sender.resent()).isEqualTo(8);
    // progress brings the first wait back
    sender.acked(1, 1200 * MS);
    assertThat(sender.resendIfDue(1299 * MS)).isZero();
    assertThat(sender.resendIfDue(1300 * MS)).isEqualTo(1);
  }

  @Test
  void theReceiverTakesEachMessageOnceAndInOrder() {
    ChannelReceiver receiver = new ChannelReceiver();
    assertThat(receiver.ackOwed()).isFalse();
    assertThat(receiver.accept(1)).isTrue();
    assertThat(receiver.ackOwed()).as("not handled yet").isFalse();
    receiver.handled(1);
    assertThat(receiver.ackOwed()).isTrue();
    assertThat(receiver.accept(1)).as("a duplicate").isFalse();
    assertThat(receiver.accept(3)).as("after a gap").isFalse();
    assertThat(receiver.accept(2)).isTrue();
    assertThat(receiver.ack()).as("2 arrived, not handled").isEqualTo(1);
    receiver.handled(2);
    receiver.handled(5); // never delivered: no ack for it
    assertThat(receiver.ack()).isEqualTo(2);
    assertThat(receiver.ackOwed()).isFalse();
    assertThat(receiver.dropped()).isEqualTo(2);
  }

  /**
   * A stream over a wire that loses, duplicates and delays messages at random, and acks that get
   * lost too: every message arrives once, in order, and the sender ends with nothing unacked.
   */
  @Test
  void everyMessageArrivesOnceAndInOrderOverALossyWire() {
    Random random = new Random(42);
    ChannelReceiver receiver = new ChannelReceiver();
    ArrayDeque<Sent> inFlight = new ArrayDeque<>();
    ChannelSender<String> sender =
        new ChannelSender<>(
            4,
            Duration.ofMillis(100),
            Duration.ofMillis(800),
            LossHook.oneIn(5, 42),
            (seq, payload, resend) -> inFlight.add(new Sent(seq, payload, resend)));
    List<String> delivered = new ArrayList<>();
    int messages = 500;
    long now = 0;
    int offered = 0;
    while (delivered.size() < messages && now < 10_000_000 * MS) {
      now += MS;
      if (offered < messages && random.nextInt(3) == 0) {
        sender.offer("m" + offered++, now);
      }
      if (!inFlight.isEmpty() && random.nextInt(2) == 0) {
        Sent m = inFlight.poll();
        if (random.nextInt(10) == 0) {
          inFlight.add(m); // delayed behind later ones, and so delivered after a gap
        }
        if (random.nextInt(10) == 0) {
          inFlight.add(m); // duplicated
        }
        if (receiver.accept(m.seq())) {
          delivered.add(m.payload());
          receiver.handled(m.seq());
        }
        if (random.nextInt(4) != 0) {
          sender.acked(receiver.ack(), now); // three acks in four arrive
        }
      }
      sender.resendIfDue(now);
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      expected.add("m" + i);
    }
    assertThat(delivered).containsExactlyElementsOf(expected);
    assertThat(sender.resent()).isPositive();
    assertThat(receiver.dropped()).isPositive();
  }

  @Test
  void aWindowBelowOneIsRefused() {
    assertThatThrownBy(() -> sender(0, LossHook.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }

  @Test
  void theLossHookLosesOneInNAtRandom() {
    LossHook hook = LossHook.oneIn(4, 7);
    int lost = 0;
    for (int i = 0; i < 40_000; i++) {
      lost += hook.drop() ? 1 : 0;
    }
    assertThat(lost).isBetween(9_000, 11_000);
    assertThat(LossHook.NONE.drop()).isFalse();
  }
}
