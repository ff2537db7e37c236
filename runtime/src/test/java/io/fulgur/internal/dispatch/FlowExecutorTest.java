package io.fulgur.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The flow runs on its own thread, or on the node's thread lent to it when it is woken there. */
class FlowExecutorTest {
  private final ExecutorService node = NodeExecutor.pool(r -> new Thread(r, "node"));
  private final ExecutorService flow = FlowExecutor.pool(r -> new Thread(r, "flow"));

  @AfterEach
  void stop() throws InterruptedException {
    flow.shutdown();
    node.shutdown();
    assertThat(flow.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(node.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aTaskFromAnyOtherThreadRunsOnTheFlowsThread() throws Exception {
    CompletableFuture<String> ran = new CompletableFuture<>();
    flow.execute(() -> ran.complete(Thread.currentThread().getName()));
    assertThat(ran.get(10, TimeUnit.SECONDS)).isEqualTo("flow");
  }

  @Test
  void aTaskFromTheNodesThreadRunsThereAfterTheNodesTask() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<String> ran = new CompletableFuture<>();
    node.execute(
        () -> {
          flow.execute(
              () -> {
                order.add("flow");
                ran.complete(Thread.currentThread().getName() + " lent=" + NodeExecutor.isLent());
              });
          order.add("node task");
        });
    assertThat(ran.get(10, TimeUnit.SECONDS)).isEqualTo("node lent=true");
    assertThat(order).containsExactly("node task", "flow");
  }
}
