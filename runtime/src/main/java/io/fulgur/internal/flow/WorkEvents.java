package io.fulgur.internal.flow;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulgur.WorkFailure;
import io.fulgur.WorkStatus;
import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.StateCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * What the works' events and the loss of their nodes do to the flow's view of their calls: a call
 * starts, waits, succeeds, fails or stops; a work's state is copied back to the flow's instance; a
 * call whose node is gone is placed again or fails. Every change the flow can observe asks for a
 * pass. Runs inside the flow actor, on its thread.
 */
final class WorkEvents {

  private final ActorContext<FlowMessage> context;
  private final FlowControl flow;
  private final WorkPlacer placer;
  private final Map<String, WorkEntry> entries;

  WorkEvents(
      ActorContext<FlowMessage> context,
      FlowControl flow,
      WorkPlacer placer,
      Map<String, WorkEntry> entries) {
    this.context = context;
    this.flow = flow;
    this.placer = placer;
    this.entries = entries;
  }

  /**
   * One event of a work, from a host's batch or made by the flow; {@code ending}: the app ends, and
   * what counts then is that the work let go of its node.
   */
  void handle(FlowMessage.Event event, boolean ending) {
    if (event instanceof FlowMessage.Output output) {
      // only a host's batch carries output, through the output gate
      context.getLog().debug("Output of work [{}] outside a host's batch dropped", output.work());
      return;
    }
    WorkEntry entry = entries.get(event.work());
    if (entry == null) {
      return;
    }
    if (event instanceof FlowMessage.Released) {
      entry.released = true;
      flow.releasedOrGone(entry);
    } else if (ending && event instanceof FlowMessage.PlacementFailed) {
      if (entry.host != null) {
        placer.unplaced(entry);
        flow.releasedOrGone(entry);
      }
    } else if (event instanceof FlowMessage.Done e) {
      onDone(entry, e);
    } else if (event instanceof FlowMessage.Started e) {
      onStarted(entry, e);
    } else if (event instanceof FlowMessage.Queued e) {
      onQueued(entry, e);
    } else if (event instanceof FlowMessage.StateChanged e) {
      if (applyState(entry, e.state())) {
        flow.requestPass();
      }
    } else if (event instanceof FlowMessage.Failed e) {
      onFailed(entry, e);
    } else if (event instanceof FlowMessage.Stopped e) {
      WorkEntry.Call call = entry.active(e.callId());
      if (call != null) {
        entry.finish(call, WorkStatus.STOPPED, e.reason(), null);
        flow.requestPass();
      }
    } else if (event instanceof FlowMessage.PlacementFailed e) {
      onPlacementFailed(entry, e);
    }
  }

  private void onStarted(WorkEntry entry, FlowMessage.Started started) {
    WorkEntry.Call call = entry.active(started.callId());
    if (call != null && call.status == WorkStatus.PENDING) {
      entry.progress(call, WorkStatus.RUNNING, null);
      flow.requestPass();
    }
  }

  /** The call waits on its node for a thread (the node runs as many calls as it may). */
  private void onQueued(WorkEntry entry, FlowMessage.Queued queued) {
    WorkEntry.Call call = entry.active(queued.callId());
    if (call != null
        && call.status == WorkStatus.PENDING
        && !(call == entry.latest && "queued".equals(entry.core.reason()))) {
      entry.progress(call, WorkStatus.PENDING, "queued");
      flow.requestPass();
    }
  }

  private void onDone(WorkEntry entry, FlowMessage.Done done) {
    applyState(entry, done.state());
    WorkEntry.Call call = entry.active(done.callId());
    if (call != null) {
      if (call.status == WorkStatus.PENDING) {
        // a short call: its node reports RUNNING with its Done
        entry.progress(call, WorkStatus.RUNNING, null);
      }
      entry.finish(call, WorkStatus.SUCCEEDED, null, null);
    }
    flow.requestPass();
  }

  private void onFailed(WorkEntry entry, FlowMessage.Failed failed) {
    applyState(entry, failed.state());
    WorkEntry.Call call = entry.active(failed.callId());
    if (call != null) {
      WorkFailure failure = failed.failure();
      entry.finish(call, WorkStatus.FAILED, failure.reason(), failure);
      context.getLog().warn("Work [{}] failed: {}", entry.name, failure.describe());
      flow.workFailed(entry, failure);
    }
  }

  private boolean applyState(WorkEntry entry, JsonNode state) {
    if (state == null || state.isNull()) {
      return false;
    }
    try {
      StateCodec.apply(entry.work, state);
      return true;
    } catch (RuntimeException e) {
      context
          .getLog()
          .warn(
              "State of work [{}] could not be applied: {}",
              entry.name,
              FailureDescription.summary(e));
      return false;
    }
  }

  private void onPlacementFailed(WorkEntry entry, FlowMessage.PlacementFailed failed) {
    if (entry.host == null) {
      return;
    }
    placer.unplaced(entry);
    if (!entry.hasActive()) {
      // its actor there failed after its calls had ended (their events said so): it is placed
      // again at its next call
      context
          .getLog()
          .info(
              "Work [{}] is not on node [{}] any more: {}",
              entry.name,
              failed.nodeAddress(),
              failed.message());
      return;
    }
    WorkFailure failure = new WorkFailure("placement_failed", null, failed.message(), null);
    for (WorkEntry.Call call : entry.activeCalls()) {
      entry.finish(call, WorkStatus.FAILED, "placement_failed", failure);
    }
    context
        .getLog()
        .error(
            "Work [{}] could not be placed on [{}]: {}",
            entry.name,
            failed.nodeAddress(),
            failed.message());
    flow.workFailed(entry, failure);
  }

  /** {@code host}'s node is gone, with the app's works there; {@code ending}: the app ends. */
  void hostLost(ActorRef<HostMessage> host, boolean ending) {
    for (WorkEntry entry : new ArrayList<>(entries.values())) {
      if (!host.equals(entry.host)) {
        continue;
      }
      if (ending || entry.released) {
        entry.host = null;
        entry.placed = false;
        flow.releasedOrGone(entry);
      } else {
        nodeLost(entry);
      }
    }
  }

  /**
   * The work's node is gone with its calls: each is placed again on another node of the role while
   * it has retries left, and fails with reason {@code node_lost} after.
   */
  private void nodeLost(WorkEntry entry) {
    entry.host = null;
    entry.placed = false;
    String node = entry.core.nodeAddress();
    if (!entry.hasActive()) {
      context.getLog().info("Work [{}] lost its node [{}] while idle", entry.name, node);
      entry.core.nodeAddress(null);
      return;
    }
    List<WorkEntry.Call> retried = new ArrayList<>();
    List<WorkEntry.Call> failed = new ArrayList<>();
    for (WorkEntry.Call call : entry.activeCalls()) {
      (call.retries < entry.options.maxRetries() ? retried : failed).add(call);
    }
    WorkFailure failure =
        new WorkFailure(
            "node_lost",
            null,
            "node "
                + node
                + " running the work is gone, with any output of the call not printed yet",
            null);
    for (WorkEntry.Call call : failed) {
      entry.finish(call, WorkStatus.FAILED, "node_lost", failure);
    }
    for (WorkEntry.Call call : retried) {
      call.retries++;
      entry.progress(call, WorkStatus.PENDING, "node_lost_retrying");
      entry.queueUnsent(call);
    }
    if (!retried.isEmpty()) {
      context
          .getLog()
          .warn(
              "Work [{}] lost its node [{}]: placing {} call(s) again on another node with role"
                  + " [{}] (retry {} of {})",
              entry.name,
              node,
              retried.size(),
              entry.role,
              retried.get(0).retries,
              entry.options.maxRetries());
      entry.core.nodeAddress(null);
      entry.listingSettled = true;
      placer.place(entry);
    }
    if (!failed.isEmpty()) {
      context.getLog().warn("Work [{}] lost its node [{}]", entry.name, node);
      flow.workFailed(entry, failure);
    } else {
      flow.requestPass();
    }
  }
}
