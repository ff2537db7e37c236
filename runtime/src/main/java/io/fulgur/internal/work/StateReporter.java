package io.fulgur.internal.work;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulgur.Work;
import io.fulgur.WorkFailure;
import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.protocol.EventFit;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.Json;
import io.fulgur.internal.protocol.StateCodec;
import io.fulgur.internal.protocol.WireSize;
import java.util.ConcurrentModificationException;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a work tells its flow, through the node's host (which batches the events, in order per
 * work): the state of its current call (QUEUED while it waits for a thread, RUNNING once on one,
 * and how it ended) and, for a work that keeps state, that state, while a call runs when it changed
 * and with the call's end. A state too large for one message to a flow on another node is held
 * back. Used on the actor's thread only.
 */
final class StateReporter {
  /** A work's lines log under its actor's name, wherever they are written. */
  private static final Logger LOG = LoggerFactory.getLogger(WorkActor.class);

  private final String appId;
  private final String name;
  private final NodeResources node;

  /** The app's flow: only its address is read (is the flow on another node?). */
  private final ActorRef<FlowMessage> flow;

  private final boolean hasState;

  /** Whether the flow was told that the current call is RUNNING. */
  private boolean startedSent;

  /** The ended call's last event, held until the call's last line was printed. */
  private FlowMessage.Event pendingEnd;

  /** The work's state as the flow last had it. */
  private JsonNode lastState;

  /** Whether the flow is on another node ({@link #flowRemote()}): 0 not read yet, 1 yes, 2 no. */
  private byte flowRemote;

  private boolean stateTooLargeLogged;
  private boolean stateWarningLogged;

  /**
   * @param appId the app the work belongs to
   * @param name the work's name
   * @param workClass the work's class, loaded on this node
   * @param initialState the flow's state of the work
   * @param hasState whether the work keeps state
   * @param flow the app's flow
   * @param node what the node gives every work actor
   */
  StateReporter(
      String appId,
      String name,
      Class<? extends Work<?>> workClass,
      JsonNode initialState,
      boolean hasState,
      ActorRef<FlowMessage> flow,
      NodeResources node) {
    this.appId = appId;
    this.name = name;
    this.node = node;
    this.flow = flow;
    this.hasState = hasState;
    this.lastState = hasState ? StateCodec.ofInstance(workClass, initialState) : null;
  }

  /** Sends {@code event} to the flow, after the work's events sent before it. */
  void emit(FlowMessage.Event event) {
    node.host().tell(new HostMessage.Emit(appId, event));
  }

  /** A call starts: RUNNING is reported later ({@link #waitingOrRunning}), or with its end. */
  void callStarting() {
    startedSent = false;
  }

  /** Whether the flow was told that the current call is RUNNING. */
  boolean startedSent() {
    return startedSent;
  }

  /**
   * Tells the flow, once, that call {@code callId} waits for a thread, or that it runs once it is
   * on one ({@code runner} knows which).
   */
  void waitingOrRunning(long callId, CallRunner runner) {
    if (!startedSent && runner.reportQueued()) {
      emit(new FlowMessage.Queued(name, callId)); // CallBegan when it begins
    } else if (!startedSent && runner.hasBegun()) {
      started(callId);
    }
  }

  private void started(long callId) {
    startedSent = true;
    emit(new FlowMessage.Started(name, callId));
  }

  /**
   * While a call runs: sends the state of {@code instance} (null before the first call made it) if
   * it changed since the flow last had it.
   */
  void stateWhileRunning(Work<?> instance) {
    if (!hasState || instance == null) {
      return;
    }
    // a racy read by nature, retried at the next tick if it fails
    JsonNode state = snapshotOrNull(instance);
    if (state != null && !state.equals(lastState)) {
      lastState = state;
      if (!flowRemote() || WireSize.of(state) <= node.settings().maxValueSize()) {
        emit(new FlowMessage.StateChanged(name, state));
      } else if (!stateTooLargeLogged) {
        stateTooLargeLogged = true;
        LOG.warn(
            "Work [{}]: its state is too large to send to the flow while it runs ({}); the"
                + " flow sees it again once it fits",
            name,
            WireSize.valueLimitText(node.settings().maxValueSize()));
      }
    }
  }

  /**
   * Holds the event that ends the call {@code finished} reports, with the state after it, until
   * {@link #sendEnd}: output goes before Done. A call that ran and did not end with Done is
   * reported RUNNING now if it was not yet (Done implies RUNNING).
   *
   * @param stopReason why the call was stopped, or null if nothing stopped it
   */
  void end(WorkActor.RunFinished finished, String stopReason) {
    pendingEnd = endOf(finished, stopReason);
  }

  /** Whether an ended call's last event waits for its output to be printed. */
  boolean endPending() {
    return pendingEnd != null;
  }

  /** The ended call's last event not yet sent, or null. */
  FlowMessage.Event pendingEnd() {
    return pendingEnd;
  }

  /** Sends the ended call's last event: its last line was printed. */
  void sendEnd() {
    emit(pendingEnd);
    pendingEnd = null;
  }

  private FlowMessage.Event endOf(WorkActor.RunFinished finished, String stopReason) {
    JsonNode state = finished.state();
    WorkFailure failure = finished.failure();
    long stateSize = state == null || !flowRemote() ? 0 : WireSize.of(state);
    if (stateSize > node.settings().maxValueSize()) {
      // no message could carry it to the flow (Artery would drop it): the call fails and says
      // why, or keeps the failure it had (the flow then keeps the state from before the call)
      String message =
          String.format(
              java.util.Locale.ROOT,
              "the state of work %s after call %d is at least %,d bytes; %s",
              name,
              finished.callId(),
              stateSize,
              WireSize.valueLimitText(node.settings().maxValueSize()));
      if (failure == null) {
        failure = new WorkFailure("state_too_large", null, message, null);
      } else {
        LOG.warn("Work [{}] failed, and its state is not sent: {}", name, message);
      }
      state = null;
    } else if (state != null) {
      lastState = state;
    }
    if (!startedSent && finished.ran() && (finished.stopped() || failure != null)) {
      // Failed and Stopped also end calls that never ran
      started(finished.callId());
    }
    if (finished.stopped()) {
      return new FlowMessage.Stopped(
          name, finished.callId(), stopReason == null ? "stopped_by_flow" : stopReason);
    } else if (failure != null) {
      FlowMessage.Failed failed =
          EventFit.fit(
              new FlowMessage.Failed(name, finished.callId(), failure, state),
              node.settings().messageBudget());
      if (failed.state() == null && state != null) {
        LOG.warn(
            "Work [{}] failed, and its state is not sent: with the failure it would not fit in"
                + " one message to the flow",
            name);
      }
      return failed;
    }
    return new FlowMessage.Done(name, finished.callId(), state);
  }

  /**
   * Whether the flow is on another node, read when first needed: only works with state need it, and
   * reading a remote ref's address walks its path.
   */
  private boolean flowRemote() {
    if (flowRemote == 0) {
      flowRemote = (byte) (flow.path().address().hasGlobalScope() ? 1 : 2);
    }
    return flowRemote == 1;
  }

  private ObjectNode snapshotOrNull(Work<?> instance) {
    try {
      return StateCodec.snapshot(instance);
    } catch (ConcurrentModificationException e) {
      // A collection changed under the snapshot: the next tick (or the final one) reads it again.
      return null;
    } catch (Json.NotSerializableException e) {
      if (!stateWarningLogged) {
        stateWarningLogged = true;
        LOG.warn("State of work [{}] cannot be synced: {}", name, FailureDescription.message(e));
      }
      return null;
    }
  }
}
