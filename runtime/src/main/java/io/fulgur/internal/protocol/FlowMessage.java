package io.fulgur.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulgur.WorkFailure;
import org.apache.pekko.actor.typed.ActorRef;

/** What the flow actor receives: events from hosts and works, and its own internal messages. */
public sealed interface FlowMessage extends CborSerializable {

  /** A host created the work's actor on its node. */
  record Placed(String work, ActorRef<WorkMessage> workRef, String nodeAddress)
      implements FlowMessage {}

  /** A host could not create the work (class missing on its node, instantiation failed). */
  record PlacementFailed(String work, String nodeAddress, String message) implements FlowMessage {}

  /** The call's {@code onRun} started on the work's node. */
  record Started(String work, long callId) implements FlowMessage {}

  /** The work's state changed while it runs. */
  record StateChanged(String work, JsonNode state) implements FlowMessage {}

  /** The call succeeded; {@code state} is the work's final state. */
  record Done(String work, long callId, JsonNode state) implements FlowMessage {}

  /** The call failed; {@code state} is the work's state when it failed, if it could be read. */
  record Failed(String work, long callId, WorkFailure failure, JsonNode state)
      implements FlowMessage {}

  /** The call was stopped (it was running and ended, or it was queued and dropped). */
  record Stopped(String work, long callId, String reason) implements FlowMessage {}

  /** The work's actor ended after the app released it. */
  record Released(String work) implements FlowMessage {}

  /** The flow actor's own messages (timers, adapters). */
  non-sealed interface Internal extends FlowMessage {}
}
