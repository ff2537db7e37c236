package io.fulgur.internal.flow;

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
  private OutputPrinter() {}

  static Behavior<PrintMessage> create() {
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
              write(System.out, out);
              write(System.err, err);
              print.replyTo().tell(WorkMessage.OutputPrinted.INSTANCE);
              return Behaviors.same();
            })
        .build();
  }

  private static void write(PrintStream stream, StringBuilder text) {
    if (text.length() > 0) {
      stream.print(text);
      stream.flush();
    }
  }
}
