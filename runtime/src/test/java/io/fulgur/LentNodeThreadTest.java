package io.fulgur;

import static io.fulgur.Conditions.await;
import static io.fulgur.Conditions.runApp;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.fulgur.internal.dispatch.NodeExecutor;
import io.fulgur.internal.dispatch.ThreadingMode;
import io.fulgur.internal.node.NodeSystem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A sequential call runs on the node's thread lent to it, and the node goes on serving meanwhile: a
 * call that blocks until another app's call on the same node has run gets released; several apps'
 * chains of calls on two nodes at once all finish. With custom threading off (the pekko-threading
 * execution) the same holds with the call on a runner thread.
 */
@Tag("pekko-threading")
class LentNodeThreadTest {
  static final CountDownLatch RELEASE = new CountDownLatch(1);
  static final AtomicBoolean WAITING = new AtomicBoolean();
  static final AtomicBoolean RELEASED = new AtomicBoolean();
  static final AtomicBoolean WAITER_ON_LENT_THREAD = new AtomicBoolean();

  /** Blocks its call until a {@link Releaser} ran on the same node. */
  static class Waiter extends Work<String> {
    Waiter() {
      super(new CloudCompute("cpu"));
    }

    @Override
    protected void onRun(String input) throws InterruptedException {
      WAITER_ON_LENT_THREAD.set(NodeExecutor.isLent());
      WAITING.set(true);
      RELEASED.set(RELEASE.await(30, TimeUnit.SECONDS));
    }
  }

  /** Releases the waiter. */
  static class Releaser extends Work<String> {
    Releaser() {
      super(new CloudCompute("cpu"));
    }

    @Override
    protected void onRun(String input) {
      RELEASE.countDown();
    }
  }

  /** Calls its one sequential work once, then ends. */
  static class OneCall extends Flow {
    final Work<String> work;

    OneCall(Work<String> work) {
      this.work = work;
    }

    @Override
    public void run() {
      work.run("go");
      if (work.hasSucceeded()) {
        stop();
      }
    }
  }

  /** Adds one to its input; its state holds the result. */
  static class AddOne extends Work<Integer> {
    public int last;

    AddOne() {
      super(new CloudCompute("cpu"));
    }

    @Override
    protected void onRun(Integer input) {
      last = input + 1;
    }
  }

  /** A chain of sequential calls, each on the previous one's result. */
  static class Chain extends Flow {
    final AddOne work = new AddOne();
    final int length;
    int next;

    Chain(int length) {
      this.length = length;
    }

    @Override
    public void run() {
      // the last call's result is the next call's input (a call with the same input as the last
      // one would not run again)
      next = Math.max(next, work.last);
      if (next == length) {
        stop();
        return;
      }
      work.run(next);
    }
  }

  @Test
  void appsCallingSequentialWorksAtOnceOnTwoNodesAllFinish() throws Exception {
    int apps = 4;
    int length = 300;
    try (LocalCluster cluster = LocalCluster.start("cpu", "cpu")) {
      List<CompletableFuture<Chain>> runs = new ArrayList<>();
      for (int i = 0; i < apps; i++) {
        CompletableFuture<Chain> run = new CompletableFuture<>();
        runs.add(run);
        Thread thread =
            new Thread(
                () -> {
                  try {
                    Chain chain = new Chain(length);
                    new App(chain, cluster.appConfig()).run();
                    run.complete(chain);
                  } catch (Throwable t) {
                    run.completeExceptionally(t);
                  }
                },
                "chain-app-" + i);
        thread.start();
      }
      for (CompletableFuture<Chain> run : runs) {
        Chain chain = run.get(60, TimeUnit.SECONDS);
        // every call came back, in order: each input was the previous call's result
        assertThat(chain.next).isEqualTo(length);
        assertThat(chain.work.last).isEqualTo(length);
      }
    }
  }

  @Test
  void aBlockedSequentialCallDoesNotBlockItsNode() throws Exception {
    try (LocalCluster cluster = LocalCluster.start("cpu")) {
      OneCall waiting = new OneCall(new Waiter());
      CompletableFuture<Void> first = new CompletableFuture<>();
      Thread app =
          new Thread(
              () -> {
                try {
                  new App(waiting, cluster.appConfig()).run();
                  first.complete(null);
                } catch (Throwable t) {
                  first.completeExceptionally(t);
                }
              },
              "waiting-app");
      app.start();
      await("the waiting call runs", Duration.ofSeconds(30), WAITING::get);
      // a second app's call reaches the same node, which the first call holds a thread of
      OneCall releasing = new OneCall(new Releaser());
      runApp(new App(releasing, cluster.appConfig()));
      first.get(30, TimeUnit.SECONDS);
      assertThat(RELEASED).isTrue();
      boolean custom =
          ThreadingMode.of(NodeSystem.resolve(ConfigFactory.empty())) == ThreadingMode.CUSTOM;
      assertThat(WAITER_ON_LENT_THREAD.get())
          .as("the call ran on the node's lent thread (custom threading) or a runner thread")
          .isEqualTo(custom);
      assertThat(waiting.work.hasSucceeded()).isTrue();
      assertThat(releasing.work.nodeAddress()).isEqualTo(waiting.work.nodeAddress());
    }
  }
}
