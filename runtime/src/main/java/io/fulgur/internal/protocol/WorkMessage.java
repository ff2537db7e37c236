package io.fulgur.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a work actor receives, from its own host only: nothing here crosses nodes or has a
 * serializer.
 */
public sealed interface WorkMessage {

  /**
   * Run {@code onRun(input)} as call {@code callId}, after the calls queued before it; {@code
   * inputClass} as in {@link HostMessage.RunWork}.
   */
  record Run(long callId, JsonNode input, String inputClass)
      implements WorkMessage, NoSerializationVerificationNeeded {}

  /**
   * Stop the running call and drop the queued ones. With {@code release}, the work actor ends once
   * its call has stopped and reports {@link FlowMessage.Released} (the app is ending).
   */
  record Stop(String reason, boolean release)
      implements WorkMessage, NoSerializationVerificationNeeded {}

  /**
   * Sent by the host to an idle work actor (one whose work was released): become the actor of work
   * {@code work} of app {@code appId}, with a fresh instance, these options and this instance
   * snapshot ({@link InstanceCodec}), and start {@code firstRun} (if not null). From the host to
   * its own child only, never between nodes: it carries the loaded class.
   */
  record Bind(
      String appId,
      String work,
      Class<? extends io.fulgur.Work<?>> workClass,
      io.fulgur.WorkOptions options,
      JsonNode instance,
      ActorRef<FlowMessage> flow,
      Run firstRun)
      implements WorkMessage, NoSerializationVerificationNeeded {}

  /** The flow's node printed a batch of this work's output ({@link HostMessage.Print}). */
  enum OutputPrinted implements WorkMessage, NoSerializationVerificationNeeded {
    INSTANCE
  }

  /** The work actor's own messages (timers, the runner thread's reports). */
  non-sealed interface Internal extends WorkMessage, NoSerializationVerificationNeeded {}
}
