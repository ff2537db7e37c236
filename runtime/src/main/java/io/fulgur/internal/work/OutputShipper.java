package io.fulgur.internal.work;

import io.fulgur.internal.Settings;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.PrintMessage;
import io.fulgur.internal.protocol.WorkMessage;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The actor's side of a work's output: keeps the {@link WorkOutput} its calls print into, and ships
 * the buffered lines through the node's host to the flow's node, a batch at a time, with at most
 * {@link #MAX_BATCHES_IN_FLIGHT} batches not yet printed there. Used on the actor's thread only.
 */
final class OutputShipper {
  /** Batches sent and not yet printed: beyond this, lines wait in the work's output. */
  private static final int MAX_BATCHES_IN_FLIGHT = 2;

  private final String appId;
  private final String name;
  private final NodeResources node;
  private final ActorRef<WorkMessage> self;

  /** Made when a call starts, dropped when the work is idle: an idle work keeps no buffers. */
  private WorkOutput output;

  private int batchesInFlight;

  /**
   * @param appId the app the work belongs to
   * @param name the work's name
   * @param node what the node gives every work actor
   * @param self the work's actor, which the flow's node acknowledges printed batches to
   */
  OutputShipper(String appId, String name, NodeResources node, ActorRef<WorkMessage> self) {
    this.appId = appId;
    this.name = name;
    this.node = node;
    this.self = self;
  }

  /** The output a starting call prints into: the work's, made if it was idle, its stop cleared. */
  WorkOutput forCall() {
    if (output == null) {
      Settings settings = node.settings();
      output =
          new WorkOutput(
              settings.outputBatchLines(),
              settings.outputMaxBufferedLines(),
              settings.messageBudget(),
              settings.outputMaxLineBytes(),
              node.outputBudget(),
              () -> self.tell(WorkActor.FlushOutput.INSTANCE));
    }
    output.reset();
    return output;
  }

  /** Sends what is buffered, as far as the batches in flight allow. */
  void ship() {
    while (output != null && batchesInFlight < MAX_BATCHES_IN_FLIGHT) {
      List<PrintMessage.Line> lines = output.drain();
      if (lines.isEmpty()) {
        return;
      }
      node.host().tell(new HostMessage.Print(appId, new FlowMessage.Output(name, lines), self));
      batchesInFlight++;
    }
  }

  /** The flow's node printed the oldest batch in flight: its room goes back, and more may go. */
  void printed() {
    batchesInFlight--;
    if (output != null) {
      output.acked();
    }
    ship();
  }

  /** Whether every line printed so far was printed by the flow's node. */
  boolean allPrinted() {
    return batchesInFlight == 0 && (output == null || output.isEmpty());
  }

  /** Whether no batch waits for the flow's node (its host owes this work no acknowledgement). */
  boolean noneInFlight() {
    return batchesInFlight == 0;
  }

  /**
   * The work is idle: its output is dropped once all of it was printed (the next call makes one);
   * whether it was, with no batch in flight either.
   */
  boolean dropIfPrinted() {
    if (!allPrinted()) {
      return false;
    }
    if (output != null) {
      output.close();
      output = null;
    }
    return true;
  }

  /** The call ended: its unterminated lines are buffered as they are. */
  void endCall() {
    output.endCall();
  }

  /** The actor stopped: what the output held in the node's budget goes back. */
  void close() {
    if (output != null) {
      output.close();
    }
  }
}
