package io.fulgur.samples;

import io.fulgur.CloudCompute;
import io.fulgur.Flow;
import io.fulgur.Work;
import io.fulgur.WorkOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fan-out of works that print: {@code WORKS} parallel works on {@code cpu} nodes each print
 * {@code LINES} numbered lines, tagged with the attempt that printed them, and may be retried
 * {@code RETRIES} times after their node is lost. At the end the flow names the attempt that
 * succeeded for each work ({@code ATTEMPT work id}) or the failure ({@code FAILED work reason}),
 * then {@code PRINTING succeeded=N failed=M}: a check that every line of a succeeded call arrives
 * once, in order ({@code samples/chaos-soak.sh}).
 *
 * <pre>fulgur run io.fulgur.samples.PrintingApp [WORKS [LINES [RETRIES [MS_PER_LINE]]]]
 * (defaults: 1000 1 0 0)</pre>
 */
public final class PrintingApp extends Flow {
  /** Prints its input's count of lines, {@code millisPerLine} apart. */
  public static final class Printer extends Work<Integer> {
    /** The attempt that ran last: a random id its lines carry. */
    public String attempt;

    private final int millisPerLine;

    /** A parallel work on a {@code cpu} node, retried up to {@code retries} times. */
    public Printer(int retries, int millisPerLine) {
      super(
          WorkOptions.defaults()
              .withCompute(new CloudCompute("cpu"))
              .withParallel(true)
              .withMaxRetries(retries)
              .withRaiseException(false));
      this.millisPerLine = millisPerLine;
    }

    @Override
    protected void onRun(Integer lines) {
      String id = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
      attempt = id;
      for (int i = 0; i < lines; i++) {
        System.out.println(id + " line " + i);
        if (millisPerLine > 0) {
          try {
            Thread.sleep(millisPerLine);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  private final List<Printer> works = new ArrayList<>();
  private final int lines;

  /** {@code [WORKS [LINES [RETRIES [MS_PER_LINE]]]]}. */
  public PrintingApp(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    lines = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    int retries = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    int millisPerLine = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    if (count < 1 || lines < 0 || retries < 0 || millisPerLine < 0) {
      throw new IllegalArgumentException(
          "usage: PrintingApp [WORKS >= 1 [LINES >= 0 [RETRIES >= 0 [MS_PER_LINE >= 0]]]]");
    }
    for (int i = 0; i < count; i++) {
      works.add(new Printer(retries, millisPerLine));
    }
  }

  @Override
  public void run() {
    boolean ended = true;
    for (Printer w : works) {
      w.run(lines);
      ended &= w.hasSucceeded() || w.hasFailed();
    }
    if (ended) {
      int succeeded = 0;
      StringBuilder summary = new StringBuilder();
      for (Printer w : works) {
        if (w.hasSucceeded()) {
          succeeded++;
          summary.append("ATTEMPT ").append(w.name()).append(' ').append(w.attempt).append('\n');
        } else {
          summary.append("FAILED ").append(w.name()).append(' ').append(w.statusReason());
          summary.append('\n');
        }
      }
      System.out.print(summary);
      System.out.println(
          "PRINTING succeeded=" + succeeded + " failed=" + (works.size() - succeeded));
      stop();
    }
  }
}
