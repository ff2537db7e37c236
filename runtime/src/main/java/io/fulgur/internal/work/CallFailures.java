package io.fulgur.internal.work;

import io.fulgur.WorkFailure;
import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.InstanceCodec;
import io.fulgur.internal.protocol.Json;
import io.fulgur.internal.protocol.WorkMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The failures a work's node reports when a call cannot end as it should: the user's exception,
 * described without trusting it ({@link FailureDescription}), and the runtime's own failures on the
 * node, each naming the work, the node and the cause.
 */
final class CallFailures {
  private CallFailures() {}

  /** A failure with {@code t}'s class, message (after {@code message}, if any) and stack trace. */
  static WorkFailure of(String reason, Throwable t, String message) {
    String own = FailureDescription.message(t);
    return new WorkFailure(
        reason,
        FailureDescription.className(t),
        message == null ? own : message + ": " + own,
        FailureDescription.trace(t));
  }

  /**
   * The work's instance could not be made for a call: the flow's state does not fit it ({@code
   * instance_error}), or its constructor failed ({@code placement_failed}).
   */
  static WorkFailure notInstantiated(Class<?> workClass, String node, Throwable cause) {
    return cause instanceof InstanceCodec.InstanceException refused
        ? new WorkFailure(
            "instance_error", null, refused.getMessage() + " (on node " + node + ")", null)
        : of(
            "placement_failed",
            cause,
            "class " + workClass.getName() + " could not be instantiated on node " + node);
  }

  /** The call's input names a class this node may not build ({@code input_type_refused}). */
  static WorkFailure inputTypeRefused(String work, String node, Throwable cause) {
    return new WorkFailure(
        "input_type_refused",
        null,
        "work " + work + " on node " + node + ": " + FailureDescription.message(cause),
        null);
  }

  /** The work's state after a call cannot be serialized for the flow ({@code state_error}). */
  static WorkFailure stateNotSent(String work, Json.NotSerializableException e) {
    return new WorkFailure(
        "state_error",
        e.getClass().getName(),
        "the final state of work " + work + " cannot be sent: " + e.getMessage(),
        null);
  }

  /** The work's state after a call could not be read at all ({@code state_error}). */
  static WorkFailure stateNotRead(String work, Throwable t) {
    return of("state_error", t, "the final state of work " + work + " cannot be read");
  }

  /** The call ended but its end could not be reported as such ({@code internal_error}). */
  static WorkFailure unreported(String work, long callId, String node, Throwable t) {
    return new WorkFailure(
        "internal_error",
        FailureDescription.className(t),
        "call "
            + callId
            + " of work "
            + work
            + " on node "
            + node
            + " ended without its report: "
            + FailureDescription.summary(t),
        null);
  }

  /** Why the work's actor could not be made on this node (the host fails its calls with it). */
  static String notMade(String work, Class<?> workClass, String node, Throwable t) {
    return "work "
        + work
        + " (class "
        + workClass.getName()
        + ") could not be made on node "
        + node
        + ": "
        + FailureDescription.summary(t);
  }

  /** Why the work's actor stopped: one of its handlers threw while it handled {@code message}. */
  static String actorFailed(String work, String node, Object message, Throwable t) {
    return "the actor of work "
        + work
        + " on node "
        + node
        + " failed handling "
        + message.getClass().getSimpleName()
        + ": "
        + FailureDescription.summary(t);
  }

  /** The calls an actor had not ended: running, waiting for its output, and queued. */
  static List<Long> open(
      WorkMessage.Run current, FlowMessage.Event pendingFinal, Collection<WorkMessage.Run> queue) {
    List<Long> calls = new ArrayList<>();
    if (current != null) {
      calls.add(current.callId());
    }
    if (pendingFinal instanceof FlowMessage.Done d) {
      calls.add(d.callId());
    } else if (pendingFinal instanceof FlowMessage.Failed f) {
      calls.add(f.callId());
    } else if (pendingFinal instanceof FlowMessage.Stopped s) {
      calls.add(s.callId());
    }
    if (queue != null) {
      for (WorkMessage.Run run : queue) {
        calls.add(run.callId());
      }
    }
    return calls;
  }
}
