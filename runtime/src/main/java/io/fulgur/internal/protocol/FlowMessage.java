package io.fulgur.internal.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import io.fulgur.WorkFailure;
import java.util.List;

/** What the flow actor receives: events from hosts and works, and its own internal messages. */
public sealed interface FlowMessage extends CborSerializable {

  /**
   * An event of a work, as hosts batch them to the flow ({@link Batch}): typed by name on the wire
   * so that a batch can hold any of them.
   */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "e")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = PlacementFailed.class, name = "placement-failed"),
    @JsonSubTypes.Type(value = Started.class, name = "started"),
    @JsonSubTypes.Type(value = StateChanged.class, name = "state"),
    @JsonSubTypes.Type(value = Done.class, name = "done"),
    @JsonSubTypes.Type(value = Failed.class, name = "failed"),
    @JsonSubTypes.Type(value = Stopped.class, name = "stopped"),
    @JsonSubTypes.Type(value = Released.class, name = "released")
  })
  sealed interface Event extends FlowMessage {
    /** The work the event is about. */
    String work();
  }

  /** A host's events of this app's works, in the order the works sent them. */
  record Batch(List<Event> events) implements FlowMessage {}

  /** A host could not create the work (class missing on its node, instantiation failed). */
  record PlacementFailed(String work, String nodeAddress, String message) implements Event {}

  /**
   * The call's {@code onRun} has been running on the work's node for {@code
   * fulgur.work.running-report-delay}, or failed or was stopped sooner. A call that succeeds
   * sooner sends only its {@link Done}, which then also means it ran.
   */
  record Started(String work, long callId) implements Event {}

  /** The work's state changed while it runs. */
  record StateChanged(String work, JsonNode state) implements Event {}

  /** The call succeeded; {@code state} is the work's final state. */
  record Done(String work, long callId, JsonNode state) implements Event {}

  /** The call failed; {@code state} is the work's state when it failed, if it could be read. */
  record Failed(String work, long callId, WorkFailure failure, JsonNode state) implements Event {}

  /** The call was stopped (it was running and ended, or it was queued and dropped). */
  record Stopped(String work, long callId, String reason) implements Event {}

  /** The work's actor ended after the app released it. */
  record Released(String work) implements Event {}

  /** The flow actor's own messages (timers, adapters). */
  non-sealed interface Internal extends FlowMessage {}
}
