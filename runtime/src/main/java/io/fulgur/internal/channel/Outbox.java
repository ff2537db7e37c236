package io.fulgur.internal.channel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * An actor's messages to other actors, gathered into batches: the first message to a destination
 * since the last flush goes at once (a lone call or event waits for nothing), and the ones after it
 * wait for the flush, which the actor runs when it has handled what its mailbox held. A batch never
 * outgrows one message between nodes: it is cut at {@code maxCount} messages or before its bytes
 * would pass {@code maxBytes}.
 *
 * <p>A message may carry a tag that is handed over with its batch (the host tells the works whose
 * output a batch carried once the flow printed it). Not thread-safe: one actor owns it.
 *
 * @param <K> the destination
 * @param <M> a message of a batch
 * @param <T> a message's tag
 */
public final class Outbox<K, M, T> {

  /** Where the batches go. */
  public interface Sink<K, M, T> {
    /**
     * Sends a batch to {@code to}; {@code tags} are those of its messages that had one, in order;
     * {@code first}: the first batch since the last flush, sent while the actor handles a message.
     */
    void send(K to, List<M> batch, List<T> tags, boolean first);
  }

  /** The messages waiting for one destination. */
  private final class Pending {
    List<M> messages = new ArrayList<>();
    List<T> tags = List.of();
    long bytes;

    void add(M message, long size, T tag) {
      messages.add(message);
      bytes += size;
      if (tag != null) {
        if (tags.isEmpty()) {
          tags = new ArrayList<>();
        }
        tags.add(tag);
      }
    }

    void send(K to) {
      if (!messages.isEmpty()) {
        List<M> batch = messages;
        List<T> batchTags = tags;
        messages = new ArrayList<>();
        tags = List.of();
        bytes = 0;
        sink.send(to, batch, batchTags, false);
      }
    }
  }

  private final int maxCount;
  private final long maxBytes;
  private final ToLongFunction<? super M> sizeOf;
  private final Sink<K, M, T> sink;

  /** Destinations sent to since the last flush, with what waits for the flush. */
  private final Map<K, Pending> sinceFlush = new LinkedHashMap<>();

  /**
   * An outbox whose batches hold at most {@code maxCount} messages and, past their first message,
   * at most {@code maxBytes} by {@code sizeOf} (at least a message's bytes on the wire).
   */
  public Outbox(int maxCount, long maxBytes, ToLongFunction<? super M> sizeOf, Sink<K, M, T> sink) {
    if (maxCount < 1 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "a batch must hold a message: maxCount " + maxCount + ", maxBytes " + maxBytes);
    }
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
    this.sizeOf = sizeOf;
    this.sink = sink;
  }

  /**
   * Sends {@code message} to {@code to}, at once if it is the first to {@code to} since the last
   * flush, else at the flush or when its batch is full. Returns true when the caller must schedule
   * a flush: this was the first message of any destination since the last one.
   *
   * @param tag handed over with the message's batch, or null
   */
  public boolean add(K to, M message, T tag) {
    boolean flushDue = !sinceFlush.isEmpty();
    Pending pending = sinceFlush.get(to);
    if (pending == null) {
      sinceFlush.put(to, new Pending());
      sink.send(to, List.of(message), tag == null ? List.of() : List.of(tag), true);
      return !flushDue;
    }
    long size = sizeOf.applyAsLong(message);
    if (!pending.messages.isEmpty() && pending.bytes + size > maxBytes) {
      pending.send(to);
    }
    pending.add(message, size, tag);
    if (pending.messages.size() >= maxCount) {
      pending.send(to);
    }
    return false;
  }

  /** Sends everything that waits, each destination's in one batch. */
  public void flush() {
    for (Map.Entry<K, Pending> waiting : sinceFlush.entrySet()) {
      waiting.getValue().send(waiting.getKey());
    }
    sinceFlush.clear();
  }

  /** Drops what waits for {@code to} (it is gone): none of it is sent. */
  public void remove(K to) {
    sinceFlush.remove(to);
  }
}
