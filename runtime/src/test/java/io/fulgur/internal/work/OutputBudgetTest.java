package io.fulgur.internal.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node's output budget: charges wait for room in turn, a stop ends a wait, a line larger than the
 * budget still goes through alone, and what a work output held goes back when it closes.
 */
class OutputBudgetTest {

  private static WorkOutput output(OutputBudget budget) {
    return new WorkOutput(512, 8192, 64 * 1024, 1024, budget, () -> {});
  }

  private static Thread start(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void awaitWaiting(Thread t) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (t.getState() != Thread.State.WAITING) {
      assertThat(System.nanoTime()).as(t.getName() + " waits").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void chargesBeyondTheBudgetWaitAndGoInTheOrderTheyCame() throws Exception {
    OutputBudget budget = new OutputBudget(100);
    WorkOutput any = output(budget);
    assertThat(budget.tryCharge(90)).isEqualTo(90);
    assertThat(budget.tryCharge(20)).isEqualTo(-1);
    List<String> order = new CopyOnWriteArrayList<>();
    Thread first = start("first", () -> order.add("first " + budget.charge(50, any)));
    awaitWaiting(first);
    // 5 would fit, but the first waits before it
    Thread second = start("second", () -> order.add("second " + budget.charge(5, any)));
    awaitWaiting(second);
    assertThat(budget.tryCharge(5)).as("no overtaking those who wait").isEqualTo(-1);
    budget.release(30); // 60 used: the first's 50 does not fit, the second's 5 would
    Thread.sleep(20);
    assertThat(order).isEmpty();
    budget.release(10); // 50 used: the first's 50 fits, then the second's 5 does not
    first.join(10_000);
    assertThat(order).containsExactly("first 50");
    awaitWaiting(second);
    budget.release(50);
    second.join(10_000);
    assertThat(order).containsExactly("first 50", "second 5");
    assertThat(budget.used()).isEqualTo(55);
  }

  @Test
  void aStopEndsTheWaitWithWorkStoppedError() throws Exception {
    OutputBudget budget = new OutputBudget(10);
    WorkOutput output = output(budget);
    budget.force(10);
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    Thread writer =
        start(
            "writer",
            () -> {
              try {
                budget.charge(5, output);
                thrown.complete(null);
              } catch (Throwable t) {
                thrown.complete(t);
              }
            });
    awaitWaiting(writer);
    output.requestStop();
    assertThat(thrown.get(10, TimeUnit.SECONDS)).isInstanceOf(WorkStoppedError.class);
    assertThat(budget.used()).isEqualTo(10);
  }

  @Test
  void aChargeLargerThanTheBudgetTakesTheWholeBudget() {
    OutputBudget budget = new OutputBudget(10);
    assertThat(budget.charge(1000, output(budget))).isEqualTo(10);
    assertThat(budget.tryCharge(1)).isEqualTo(-1);
  }

  @Test
  void linesAreChargedWhenTheyEndAndGoBackWhenAckedOrClosed() {
    OutputBudget budget = new OutputBudget(1 << 20);
    WorkOutput output = output(budget);
    byte[] text = "a line\nanother\nunterminated".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    output.write(false, text, 0, text.length);
    long two = 2 * WorkOutput.LINE_OVERHEAD + "a line".length() + "another".length();
    assertThat(budget.used()).isEqualTo(two);
    assertThat(output.drain()).hasSize(2);
    assertThat(budget.used()).as("in flight still counts").isEqualTo(two);
    output.acked();
    assertThat(budget.used()).isZero();
    output.endCall();
    assertThat(budget.used()).isEqualTo(WorkOutput.LINE_OVERHEAD + "unterminated".length());
    output.drain();
    output.close();
    assertThat(budget.used()).isZero();
  }
}
