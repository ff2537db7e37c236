package io.fulgur.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulgur.WorkFailure;

/**
 * Cuts the events whose text has no bound of its own (a failure's message and stack trace, a
 * refusal's message) so that each fits in one message between nodes: Artery drops a larger message,
 * and the call it ends would never end. What is cut says so; a trace is cut, never dropped.
 */
public final class EventFit {
  /**
   * The least room a failure keeps for its message and trace beside its state: with less, the state
   * is left out of the event (the flow keeps the state it had before the call).
   */
  static final int MIN_TEXT_ROOM = 4096;

  private EventFit() {}

  /**
   * {@code event}, or a copy whose message and trace are cut to fit in {@code budget} bytes with
   * its state (without its state if the state leaves less than {@link #MIN_TEXT_ROOM}). The message
   * keeps what the trace does not need, and at least a quarter of the room.
   */
  public static FlowMessage.Failed fit(FlowMessage.Failed event, int budget) {
    if (WireSize.of(event) <= budget) {
      return event;
    }
    WorkFailure f = event.failure();
    JsonNode state = event.state();
    long bare = bareSize(event, state);
    if (budget - bare < MIN_TEXT_ROOM && state != null) {
      state = null;
      bare = bareSize(event, null);
    }
    int room = (int) Math.max(MIN_TEXT_ROOM, budget - bare);
    int traceBytes = WireSize.utf8(f.stackTrace());
    String message = WireSize.cut(f.message(), Math.max(room / 4, room - traceBytes));
    String trace = WireSize.cutTrace(f.stackTrace(), room - WireSize.utf8(message));
    return new FlowMessage.Failed(
        event.work(),
        event.callId(),
        new WorkFailure(f.reason(), f.exceptionClass(), message, trace),
        state);
  }

  /** {@code event}, or a copy whose message is cut to half of {@code budget} bytes. */
  public static FlowMessage.PlacementFailed fit(FlowMessage.PlacementFailed event, int budget) {
    String message = WireSize.cut(event.message(), budget / 2);
    return message == event.message()
        ? event
        : new FlowMessage.PlacementFailed(event.work(), event.nodeAddress(), message);
  }

  /** The bytes of the event without its message and trace, with {@code state}. */
  private static long bareSize(FlowMessage.Failed event, JsonNode state) {
    WorkFailure f = event.failure();
    return WireSize.of(
        new FlowMessage.Failed(
            event.work(),
            event.callId(),
            new WorkFailure(f.reason(), f.exceptionClass(), null, null),
            state));
  }
}
