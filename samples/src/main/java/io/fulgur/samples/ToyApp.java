package io.fulgur.samples;

import io.fulgur.App;
import io.fulgur.Flow;

/**
 * The seed's toy app on the embedded default node.
 *
 * <pre>
 * ToyApp [sequential|parallel] [count]     (defaults: parallel 20000)
 * </pre>
 *
 * <p>{@code sequential}: work A counts to {@code count}, then work B does. {@code parallel}: work A
 * runs in the background while work B counts, so their lines interleave.
 */
public final class ToyApp {
  private ToyApp() {}

  /** Runs the toy app; see the class comment for the arguments. */
  public static void main(String[] args) {
    String mode = args.length > 0 ? args[0] : "parallel";
    long count = args.length > 1 ? Long.parseLong(args[1]) : 20_000;
    Flow flow =
        switch (mode) {
          case "sequential" -> new LitWorkflow(count);
          case "parallel" -> new ParallelLitWorkflow(count);
          default ->
              throw new IllegalArgumentException(
                  "mode must be 'sequential' or 'parallel', was '" + mode + "'");
        };
    new App(flow).run();
  }
}
