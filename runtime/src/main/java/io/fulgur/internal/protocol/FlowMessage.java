package io.fulgur.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulgur.WorkFailure;
import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the flow actor receives: events from hosts and works ({@link Batch}, {@link Event}: they
 * cross nodes, {@link WireSerializer}), and its own internal messages, which have no serializer.
 */
public sealed interface FlowMessage {

  /** An event of a work, as hosts batch them to the flow ({@link Batch}). */
  sealed interface Event extends FlowMessage {
    /** The work the event is about. */
    String work();
  }

  /**
   * A host's events of this app's works, in the order the works sent them: message {@code seq} of
   * the host's stream to this flow; {@code ack} acknowledges the flow's commands up to that number.
   * {@code token} is the app's, which the host had from the flow ({@link AppToken}).
   */
  record Batch(ActorRef<HostMessage> host, AppToken token, long seq, long ack, List<Event> events)
      implements FlowMessage {}

  /** {@code host} received this flow's commands up to message {@code ack}. */
  record Ack(ActorRef<HostMessage> host, AppToken token, long ack) implements FlowMessage {}

  /** Lines the work printed, in the order it printed them. */
  record Output(String work, List<PrintMessage.Line> lines) implements Event {}

  /** A host could not create the work (class missing on its node, instantiation failed). */
  record PlacementFailed(String work, String nodeAddress, String message) implements Event {}

  /**
   * The call's {@code onRun} has been running on the work's node for {@code
   * fulgur.work.running-report-delay}, or failed or was stopped sooner. A call that succeeds sooner
   * sends only its {@link Done}, which then also means it ran.
   */
  record Started(String work, long callId) implements Event {}

  /**
   * The call has waited {@code fulgur.work.running-report-delay} on the work's node without a
   * thread to run on: the node runs {@code fulgur.node.max-call-threads} calls already. Its {@link
   * Started} follows when it begins.
   */
  record Queued(String work, long callId) implements Event {}

  /** The work's state changed while it runs. */
  record StateChanged(String work, JsonNode state) implements Event {}

  /** The call succeeded; {@code state} is the work's final state. */
  record Done(String work, long callId, JsonNode state) implements Event {}

  /** The call failed; {@code state} is the work's state when it failed, if it could be read. */
  record Failed(String work, long callId, WorkFailure failure, JsonNode state) implements Event {
    /** A failure always says why: the wire has no form for a failure without one. */
    public Failed {
      java.util.Objects.requireNonNull(failure, "a Failed event needs its failure");
      java.util.Objects.requireNonNull(failure.reason(), "a failure needs its reason");
    }
  }

  /** The call was stopped (it was running and ended, or it was queued and dropped). */
  record Stopped(String work, long callId, String reason) implements Event {}

  /** The work's actor ended after the app released it. */
  record Released(String work) implements Event {}

  /** The flow actor's own messages (timers, adapters). */
  non-sealed interface Internal extends FlowMessage, NoSerializationVerificationNeeded {}
}
