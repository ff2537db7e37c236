package io.fulgur.internal.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/** What a node's host actor receives. */
public sealed interface HostMessage extends CborSerializable {

  /**
   * The most commands (or events) in one batch; a batch is also cut before its inputs and states
   * outgrow one message between nodes ({@link WireSize}).
   */
  int MAX_BATCH = 500;

  /** One command of a {@link Batch}: typed by name on the wire. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "c")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Place.class, name = "place"),
    @JsonSubTypes.Type(value = RunWork.class, name = "run"),
    @JsonSubTypes.Type(value = StopWork.class, name = "stop")
  })
  sealed interface Command extends CborSerializable {}

  /**
   * The flow's commands for this host, in the order the flow gave them: one message for all the
   * places, runs and stops of a pass (or of any one message the flow handled).
   */
  record Batch(
      String appId,
      ActorRef<FlowMessage> flow,
      ActorRef<PrintMessage> printer,
      List<Command> commands)
      implements HostMessage {}

  /**
   * Give the work an actor on this node (an idle one, or a new one), with the flow's options and
   * the flow's instance of the work ({@link InstanceCodec}). The flow takes the work as placed once this is sent; a host that cannot place
   * it reports {@link FlowMessage.PlacementFailed}.
   */
  record Place(
      String work,
      String workClass,
      String compute,
      boolean parallel,
      boolean cacheCalls,
      boolean raiseException,
      JsonNode instance)
      implements Command {}

  /**
   * Run call {@code callId} of the work with {@code input}, after its earlier calls. {@code
   * inputClass} is the input's class for a work whose input type is generic, else null ({@link
   * InputTypes}).
   */
  record RunWork(String work, long callId, JsonNode input, String inputClass) implements Command {}

  /** Stop the work's running call and drop its queued ones; with {@code release}, end it. */
  record StopWork(String work, String reason, boolean release) implements Command {}

  /** A work of app {@code appId} on this node reports an event; the host batches it to the flow. */
  record Emit(String appId, FlowMessage.Event event) implements HostMessage {}

  /**
   * A work actor of app {@code appId} on this node stopped without being released (its host
   * forgets it, so a later run of the work is refused rather than lost). Sent on this node only.
   */
  record WorkStopped(String appId, String work, ActorRef<WorkMessage> ref) implements HostMessage {}

  /**
   * A work actor released its work of app {@code appId} and is idle: the host may give it a work
   * placed later.
   */
  record WorkIdle(String appId, ActorRef<WorkMessage> ref) implements HostMessage {}

  /** The host actor's own messages. */
  non-sealed interface Internal extends HostMessage {}
}
