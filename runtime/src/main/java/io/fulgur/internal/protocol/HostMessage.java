package io.fulgur.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a node's host actor receives. Only {@link Batch} and {@link Ack} cross nodes ({@link
 * WireSerializer}): the flow's half of the app's channel ({@code io.fulgur.internal.channel}). The
 * rest is sent on the host's own node and has no serializer, so none can arrive from the network.
 */
public sealed interface HostMessage {

  /**
   * The most commands (or events) in one batch; a batch is also cut before its inputs and states
   * outgrow one message between nodes ({@link WireSize}).
   */
  int MAX_BATCH = 500;

  /** One command of a {@link Batch}. */
  sealed interface Command {}

  /**
   * The flow's commands for this host, in the order the flow gave them: one message for all the
   * places, runs and stops of a pass (or of any one message the flow handled). Message {@code seq}
   * of the flow's stream to this host; {@code ack} acknowledges the host's messages up to that
   * number: their events were received and their lines printed. {@code token} proves the sender is
   * the app's flow ({@link AppToken}).
   */
  record Batch(
      String appId,
      AppToken token,
      ActorRef<FlowMessage> flow,
      long seq,
      long ack,
      List<Command> commands)
      implements HostMessage {}

  /**
   * The flow of app {@code appId} (proved by its {@code token}) received this host's messages up to
   * {@code ack}, and printed their lines.
   */
  record Ack(String appId, AppToken token, long ack) implements HostMessage {}

  /**
   * Lines a work of app {@code appId} on this node printed: the host sends them to the flow with
   * its events, in order, and tells {@code replyTo} once the flow printed them.
   */
  record Print(String appId, FlowMessage.Output output, ActorRef<WorkMessage> replyTo)
      implements HostMessage, NoSerializationVerificationNeeded {}

  /**
   * Give the work an actor on this node (an idle one, or a new one), with the flow's options and
   * the flow's instance of the work ({@link InstanceCodec}). The flow takes the work as placed once
   * this is sent; a host that cannot place it reports {@link FlowMessage.PlacementFailed}.
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
  record Emit(String appId, FlowMessage.Event event)
      implements HostMessage, NoSerializationVerificationNeeded {}

  /**
   * A work actor of app {@code appId} on this node stopped without being released, or could not be
   * made. Unless the host stopped it itself, the host forgets it (a later run of the work is
   * refused rather than lost), fails {@code calls} (those it had not ended) with reason {@code
   * internal_error}, and tells the flow that the work is no longer here, saying {@code why} (null:
   * it stopped unexpectedly). Sent on this node only.
   */
  record WorkStopped(
      String appId, String work, ActorRef<WorkMessage> ref, List<Long> calls, String why)
      implements HostMessage, NoSerializationVerificationNeeded {}

  /**
   * A work actor released its work of app {@code appId} and is idle: the host may give it a work
   * placed later.
   */
  record WorkIdle(String appId, ActorRef<WorkMessage> ref)
      implements HostMessage, NoSerializationVerificationNeeded {}

  /** The host actor's own messages. */
  non-sealed interface Internal extends HostMessage, NoSerializationVerificationNeeded {}
}
