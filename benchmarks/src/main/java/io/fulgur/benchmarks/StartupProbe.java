package io.fulgur.benchmarks;

import io.fulgur.App;
import io.fulgur.Flow;
import io.fulgur.Work;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Start-up in a fresh JVM: prints the milliseconds from the JVM's start to the first {@code onRun}
 * of an app on the embedded default ("COLD ms"), then of a second app in the same JVM ("WARM ms",
 * from {@code new App(flow).run()}).
 */
public final class StartupProbe {
  private StartupProbe() {}

  static final AtomicLong FIRST_RUN_MILLIS = new AtomicLong();

  /** A work that records when it first ran. */
  static final class Mark extends Work<Void> {
    @Override
    protected void onRun(Void input) {
      FIRST_RUN_MILLIS.compareAndSet(0, System.currentTimeMillis());
    }
  }

  /** Calls the work once and stops. */
  static final class MarkFlow extends Flow {
    final Mark mark = new Mark();

    @Override
    public void run() {
      mark.run();
      stop();
    }
  }

  /** Prints COLD and WARM; see the class comment. */
  public static void main(String[] args) {
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    new App(new MarkFlow()).run();
    System.out.println("COLD " + (FIRST_RUN_MILLIS.get() - jvmStart));
    FIRST_RUN_MILLIS.set(0);
    long t0 = System.currentTimeMillis();
    new App(new MarkFlow()).run();
    System.out.println("WARM " + (FIRST_RUN_MILLIS.get() - t0));
  }
}
