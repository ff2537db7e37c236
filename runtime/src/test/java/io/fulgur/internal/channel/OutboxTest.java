package io.fulgur.internal.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxTest {

  private record Sent(String to, List<String> batch, List<Integer> tags, boolean first) {}

  private final List<Sent> sent = new ArrayList<>();

  private Outbox<String, String, Integer> outbox(int maxCount, long maxBytes) {
    return new Outbox<>(
        maxCount,
        maxBytes,
        String::length,
        (to, batch, tags, first) -> sent.add(new Sent(to, List.copyOf(batch), tags, first)));
  }

  @Test
  void theFirstMessageGoesAtOnceAndTheRestAtTheFlush() {
    Outbox<String, String, Integer> out = outbox(10, 100);
    assertTrue(out.add("a", "1", null), "the first message asks for a flush");
    assertEquals(List.of(new Sent("a", List.of("1"), List.of(), true)), sent);
    assertFalse(out.add("a", "2", null));
    assertFalse(out.add("b", "x", null), "one flush serves every destination");
    assertFalse(out.add("a", "3", null));
    assertEquals(2, sent.size(), "b's first went at once too");
    assertEquals(new Sent("b", List.of("x"), List.of(), true), sent.get(1));
    out.flush();
    assertEquals(new Sent("a", List.of("2", "3"), List.of(), false), sent.get(2));
    assertEquals(3, sent.size(), "b had nothing waiting");
    assertTrue(out.add("a", "4", null), "after a flush the next message goes at once again");
    assertEquals(new Sent("a", List.of("4"), List.of(), true), sent.get(3));
  }

  @Test
  void batchesAreCutByCountAndBytesInOrder() {
    Outbox<String, String, Integer> out = outbox(3, 5);
    out.add("a", "first", null);
    for (String m : List.of("aa", "bb", "c", "ddd", "e", "f", "g", "hhhhhhh")) {
      out.add("a", m, null);
    }
    out.flush();
    List<List<String>> batches = sent.stream().skip(1).map(Sent::batch).toList();
    assertEquals(
        List.of(
            List.of("aa", "bb", "c"), List.of("ddd", "e", "f"), List.of("g"), List.of("hhhhhhh")),
        batches,
        "at most 3 messages and 5 bytes a batch, except a lone message larger than that");
  }

  @Test
  void tagsTravelWithTheirBatch() {
    Outbox<String, String, Integer> out = outbox(10, 100);
    out.add("a", "1", 1);
    out.add("a", "2", null);
    out.add("a", "3", 3);
    out.flush();
    assertEquals(List.of(1), sent.get(0).tags());
    assertEquals(List.of(3), sent.get(1).tags());
  }

  @Test
  void aRemovedDestinationGetsNothingMore() {
    Outbox<String, String, Integer> out = outbox(10, 100);
    out.add("a", "1", null);
    out.add("a", "2", null);
    out.remove("a");
    out.flush();
    assertEquals(1, sent.size());
  }

  @Test
  void refusesABatchThatHoldsNothing() {
    assertThrows(IllegalArgumentException.class, () -> outbox(0, 10));
  }
}
