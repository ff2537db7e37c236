package io.fulgur.internal.flow;

import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.protocol.PrintMessage;
import io.fulgur.internal.protocol.WorkMessage;
import java.io.PrintStream;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Prints the works' output on the flow's node, each line prefixed with the work's name, and acks
 * each batch so that a work never has more than a few batches in flight. Runs on the blocking-IO
 * dispatcher: writing to a console may block.
 */
final class OutputPrinter {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(OutputPrinter.class);

  private OutputPrinter() {}

  static Behavior<PrintMessage> create() {
    return Behaviors.setup(
        ctx -> {
          // a broken console fails at every batch: said once per app
          boolean[] warned = new boolean[1];
          return Behaviors.receive(PrintMessage.class)
              .onMessage(
                  PrintMessage.Print.class,
                  print -> {
                    StringBuilder out = new StringBuilder();
                    StringBuilder err = new StringBuilder();
                    String prefix = "[" + print.work() + "] ";
                    for (PrintMessage.Line line : print.lines()) {
                      (line.err() ? err : out).append(prefix).append(line.text()).append('\n');
                    }
                    write(System.out, out, warned);
                    write(System.err, err, warned);
                    print.replyTo().tell(WorkMessage.OutputPrinted.INSTANCE);
                    return Behaviors.same();
                  })
              .build();
        });
  }

  /**
   * Writes to a console that may be anything a user installed: one that throws loses these lines,
   * but the batch is still acknowledged, since a work sends a call's end only after its output.
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
