package io.fulgur.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.actor.typed.ActorRef;

/** What a node's host actor receives. */
public sealed interface HostMessage extends CborSerializable {

  /**
   * Create the work's actor on this node, with the flow's options and initial state; the work
   * replies {@link FlowMessage.Placed} (or the host {@link FlowMessage.PlacementFailed}) to {@code
   * flow}.
   */
  record Place(
      String appId,
      String work,
      String workClass,
      String compute,
      boolean parallel,
      boolean cacheCalls,
      boolean raiseException,
      JsonNode state,
      ActorRef<PrintMessage> printer,
      ActorRef<FlowMessage> flow)
      implements HostMessage {}

  /** The host actor's own messages. */
  non-sealed interface Internal extends HostMessage {}
}
