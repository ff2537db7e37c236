package io.fulgur.internal.protocol;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/** What the output printer on the flow's node receives: from works on any node. */
public sealed interface PrintMessage {

  /** One line a work printed; {@code err} for {@code System.err}. */
  record Line(boolean err, String text) {}

  /** Print these lines of the work's output, prefixed with its name; then reply. */
  record Print(String work, List<Line> lines, ActorRef<WorkMessage> replyTo)
      implements PrintMessage {}
}
