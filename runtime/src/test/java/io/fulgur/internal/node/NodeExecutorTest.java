package io.fulgur.internal.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tasks run on the node's thread, except those a runner thread hands over, within a depth. */
class NodeExecutorTest {
  private final ExecutorService pool = NodeExecutor.pool(r -> new Thread(r, "node-thread"));

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aTaskGoesToTheNodeThread() throws Exception {
    CompletableFuture<String> ran = new CompletableFuture<>();
    pool.execute(() -> ran.complete(Thread.currentThread().getName()));
    assertThat(ran.get(10, TimeUnit.SECONDS)).isEqualTo("node-thread");
  }

  @Test
  void aTaskHandedOverRunsOnTheCallingThreadAtOnce() throws Exception {
    CompletableFuture<String> ran = new CompletableFuture<>();
    String caller = Thread.currentThread().getName();
    NodeExecutor.handOver(() -> pool.execute(() -> ran.complete(Thread.currentThread().getName())));
    assertThat(ran).isDone();
    assertThat(ran.get()).isEqualTo(caller);
  }

  @Test
  void nestedTasksBeyondTheDepthGoToTheNodeThread() throws Exception {
    List<String> threads = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> last = new CompletableFuture<>();
    Runnable[] chain = new Runnable[NodeExecutor.MAX_DEPTH + 3];
    for (int i = chain.length - 1; i >= 0; i--) {
      int index = i;
      chain[i] =
          () -> {
            threads.add(Thread.currentThread().getName());
            if (index + 1 < chain.length) {
              pool.execute(chain[index + 1]);
            } else {
              last.complete(null);
            }
          };
    }
    String caller = Thread.currentThread().getName();
    NodeExecutor.handOver(() -> pool.execute(chain[0]));
    last.get(10, TimeUnit.SECONDS);
    // depth 1 is handOver itself: MAX_DEPTH - 1 tasks nest on the caller, the rest queue
    assertThat(threads.subList(0, NodeExecutor.MAX_DEPTH - 1)).containsOnly(caller);
    assertThat(threads.subList(NodeExecutor.MAX_DEPTH - 1, chain.length))
        .containsOnly("node-thread");
  }
}
