package io.fulgur.internal.work;

import io.fulgur.WorkFailure;
import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.protocol.FlowMessage;
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
