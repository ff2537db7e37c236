package io.fulgur.internal.flow;

import io.fulgur.WorkFailure;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import org.apache.pekko.actor.typed.ActorRef;

/** What the parts of a flow actor ask of it: passes, commands to hosts and the app's end. */
interface FlowControl {

  /** Runs a pass after the messages the mailbox holds, once however often asked. */
  void requestPass();

  /** Whether a pass runs on the calling thread now. */
  boolean inPass();

  /** Ends the pass and the app with {@code outcome} (inside a pass): throw what it returns. */
  PassInterrupt endInPass(Outcome outcome);

  /** A call of the work failed: the app fails if the work raises, else the flow goes on. */
  void workFailed(WorkEntry entry, WorkFailure failure);

  /** The work let go of its node, or its node is gone: the app's end waits for it no more. */
  void releasedOrGone(WorkEntry entry);

  /** Sends a command to a host, batched with the others sent while the mailbox is handled. */
  void send(ActorRef<HostMessage> host, HostMessage.Command command);

  /** Handles {@code event}, made by the flow itself, after the current message. */
  void ownEvent(FlowMessage.Event event);
}
