package io.fulgur.internal.flow;

import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.PrintMessage;
import java.io.PrintStream;
import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Prints the works' output on the flow's node, each line prefixed with the work's name, in the
 * order the flow received it, and tells the flow when each batch is out ({@link OutputGate}). Runs
 * on a dispatcher of its own: writing to a console may block, and a flow whose console blocks still
 * ends its calls and the app.
 */
final class OutputPrinter {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(OutputPrinter.class);

  /** Print these works' lines, then reply {@link Printed} with {@code ticket}. */
  record Print(List<FlowMessage.Output> outputs, long ticket, ActorRef<FlowMessage> replyTo)
      implements NoSerializationVerificationNeeded {}

  /** Every batch up to {@code ticket} is printed. */
  record Printed(long ticket) implements FlowMessage.Internal {}

  private OutputPrinter() {}

  static Behavior<Print> create() {
    return Behaviors.setup(
        ctx -> {
          // a broken console fails at every batch: said once per app
          boolean[] warned = new boolean[1];
          return Behaviors.receive(Print.class)
              .onMessage(
                  Print.class,
                  print -> {
                    StringBuilder out = new StringBuilder();
                    StringBuilder err = new StringBuilder();
                    for (FlowMessage.Output output : print.outputs()) {
                      String prefix = "[" + output.work() + "] ";
                      for (PrintMessage.Line line : output.lines()) {
                        (line.err() ? err : out).append(prefix).append(line.text()).append('\n');
                      }
                    }
                    write(System.out, out, warned);
                    write(System.err, err, warned);
                    print.replyTo().tell(new Printed(print.ticket()));
                    return Behaviors.same();
                  })
              .build();
        });
  }

  /**
   * Writes to a console that may be anything a user installed: one that throws loses these lines,
   * and says so once.
   */
  private static void write(PrintStream stream, StringBuilder text, boolean[] warned) {
    if (text.length() > 0) {
      try {
        stream.print(text);
        stream.flush();
      } catch (RuntimeException | Error e) {
        if (!warned[0]) {
          warned[0] = true;
          LOG.warn(
              "The works' output could not be written to the console (later failures are not"
                  + " logged): {}",
              FailureDescription.summary(e));
        }
      }
    }
  }
}
