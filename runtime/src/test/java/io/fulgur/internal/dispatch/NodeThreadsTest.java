package io.fulgur.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the actors see of the threading: a node thread is lent only with custom threading on. */
class NodeThreadsTest {
  private final ExecutorService node = NodeExecutor.pool(r -> new Thread(r, "node"));
  private final NodeThreads custom =
      NodeThreads.forCalls(ThreadingMode.CUSTOM, r -> new Thread(r, "runner"), 2, 4);
  private final NodeThreads pekko =
      NodeThreads.forCalls(ThreadingMode.PEKKO, r -> new Thread(r, "runner"), 2, 4);

  @AfterEach
  void stop() throws InterruptedException {
    custom.shutdownNow();
    pekko.shutdownNow();
    node.shutdown();
    assertThat(node.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /** Whether {@code threads} lent the node's thread, asked at the top of a node task. */
  private boolean lentOnTheNodesThread(NodeThreads threads) throws Exception {
    CompletableFuture<Boolean> lent = new CompletableFuture<>();
    CompletableFuture<String> ran = new CompletableFuture<>();
    node.execute(
        () -> lent.complete(threads.lend(() -> ran.complete(Thread.currentThread().getName()))));
    if (lent.get(10, TimeUnit.SECONDS)) {
      assertThat(ran.get(10, TimeUnit.SECONDS)).isEqualTo("node");
      return true;
    }
    return false;
  }

  @Test
  void customThreadingLendsTheNodesThreadAndNoOther() throws Exception {
    assertThat(lentOnTheNodesThread(custom)).isTrue();
    assertThat(custom.lend(() -> {})).isFalse();
  }

  @Test
  void pekkoThreadingLendsNoThreadAndRunsCallsOnRunners() throws Exception {
    assertThat(lentOnTheNodesThread(pekko)).isFalse();
    CompletableFuture<String> ran = new CompletableFuture<>();
    pekko.execute(() -> ran.complete(Thread.currentThread().getName()));
    assertThat(ran.get(10, TimeUnit.SECONDS)).isEqualTo("runner");
  }

  @Test
  void anActorWithoutCallThreadsOnlyHandsReportsOver() {
    NodeThreads reports = NodeThreads.forReports(ThreadingMode.CUSTOM);
    assertThat(reports.lend(() -> {})).isFalse();
    assertThat(reports.cancel(() -> {})).isFalse();
    assertThatThrownBy(() -> reports.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    reports.handOver(() -> ranOn.set(Thread.currentThread()));
    assertThat(ranOn.get()).isSameAs(Thread.currentThread());
  }
}
