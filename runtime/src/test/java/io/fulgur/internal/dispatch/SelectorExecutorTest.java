package io.fulgur.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node's threads take turns holding the selector: the thread a select wakes serves the node
 * right after and runs a short call it is lent to, a call that lasts has the watcher take the
 * selector, and the dispatcher's settings that would let the select block other tasks are refused.
 */
class SelectorExecutorTest {
  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService node =
      NodeExecutor.pool(r -> new Thread(r, "node-" + threads.incrementAndGet()));
  private final ExecutorService selector = NodeExecutor.selector(node);

  @AfterEach
  void stop() throws InterruptedException {
    selector.shutdown();
    // every loop was closed: its last select returned and the selector was let go
    assertThat(selector.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    node.shutdown();
    assertThat(node.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /**
   * A select loop like pekko-io's: each round is one selector task that blocks in a real {@link
   * Selector} until a byte arrives on the pipe, hands each byte to {@code onByte}, and queues the
   * next round behind whatever was queued meanwhile.
   */
  private final class SelectLoop implements Runnable {
    final Selector nio = Selector.open();
    final Pipe pipe = Pipe.open();
    final java.util.function.IntConsumer onByte;
    volatile boolean open = true;

    SelectLoop(java.util.function.IntConsumer onByte) throws IOException {
      this.onByte = onByte;
      pipe.source().configureBlocking(false);
      pipe.source().register(nio, SelectionKey.OP_READ);
    }

    @Override
    public void run() {
      if (!open) {
        return;
      }
      try {
        if (nio.select(10_000) > 0) {
          nio.selectedKeys().clear();
          ByteBuffer in = ByteBuffer.allocate(16);
          pipe.source().read(in);
          in.flip();
          while (in.hasRemaining()) {
            onByte.accept(in.get());
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } finally {
        if (open) {
          selector.execute(this);
        }
      }
    }

    void send(int b) throws IOException {
      pipe.sink().write(ByteBuffer.wrap(new byte[] {(byte) b}));
    }

    void close() throws IOException {
      open = false;
      nio.wakeup();
      nio.close();
    }
  }

  @Test
  void whatASelectReceivesIsHandledOnTheThreadItWoke() throws Exception {
    List<String> handled = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(20);
    List<String> selecting = new CopyOnWriteArrayList<>();
    SelectLoop loop =
        new SelectLoop(
            b -> {
              selecting.add(Thread.currentThread().getName());
              node.execute(
                  () -> {
                    handled.add(Thread.currentThread().getName());
                    all.countDown();
                  });
            });
    selector.execute(loop);
    sendOneByOne(loop, 20, handled::size);
    assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
    loop.close();
    // one thread selects and serves: no other thread was ever woken for the node's tasks
    assertThat(handled).hasSize(20).containsOnly(selecting.get(0));
    assertThat(selecting).containsOnly(selecting.get(0));
    assertThat(threads.get()).isEqualTo(1);
  }

  @Test
  void aNodeTaskFromElsewhereIsServedWhileTheSelectBlocks() throws Exception {
    SelectLoop loop = new SelectLoop(b -> {});
    selector.execute(loop);
    CompletableFuture<String> ran = new CompletableFuture<>();
    node.execute(() -> ran.complete(Thread.currentThread().getName()));
    assertThat(ran.get(10, TimeUnit.SECONDS)).startsWith("node-");
    loop.close();
  }

  @Test
  void aCallRunsOnTheThreadItsSelectWokeWithoutWakingAnother() throws Exception {
    List<String> pairs = new CopyOnWriteArrayList<>();
    SelectLoop loop =
        new SelectLoop(
            b -> {
              String selected = Thread.currentThread().getName();
              node.execute(
                  () ->
                      NodeExecutor.lend(
                          () -> pairs.add(selected + " -> " + Thread.currentThread().getName())));
            });
    selector.execute(loop);
    sendOneByOne(loop, 50, pairs::size);
    loop.close();
    assertThat(pairs).hasSize(50);
    for (String pair : pairs) {
      String[] threadsOfPair = pair.split(" -> ");
      assertThat(threadsOfPair[1]).as(pair).isEqualTo(threadsOfPair[0]);
    }
    // no thread per call: the selecting thread and the watcher (and one more only if a stalled
    // call had the watcher take the selector while that call was still on its thread)
    assertThat(threads.get()).isLessThanOrEqualTo(3);
  }

  @Test
  void aCallThatLastsHasTheWatcherTakeTheSelector() throws Exception {
    CountDownLatch callMayEnd = new CountDownLatch(1);
    CompletableFuture<String> callThread = new CompletableFuture<>();
    List<String> handledWhileCallRuns = new CopyOnWriteArrayList<>();
    CountDownLatch secondHandled = new CountDownLatch(1);
    SelectLoop loop =
        new SelectLoop(
            b ->
                node.execute(
                    () -> {
                      if (b == 1) {
                        NodeExecutor.lend(
                            () -> {
                              callThread.complete(Thread.currentThread().getName());
                              await(callMayEnd);
                            });
                      } else {
                        handledWhileCallRuns.add(Thread.currentThread().getName());
                        secondHandled.countDown();
                      }
                    }));
    selector.execute(loop);
    loop.send(1);
    String lent = callThread.get(10, TimeUnit.SECONDS);
    // the call blocks its thread: within a few watcher ticks the next byte is selected and
    // handled elsewhere
    loop.send(2);
    assertThat(secondHandled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(handledWhileCallRuns).doesNotContain(lent);
    callMayEnd.countDown();
    loop.close();
  }

  @Test
  void aSelectorDispatcherThatWouldBlockItsOwnTasksIsRefused() {
    Config system =
        ConfigFactory.parseString(
                "pekko.io.tcp.selector-dispatcher = sel\npekko.io.tcp.nr-of-selectors = 1")
            .withFallback(ConfigFactory.parseString("pekko.io.udp.selector-dispatcher = other"));
    Config one = ConfigFactory.parseString("throughput = 1");
    SelectorExecutor.check("sel", one, system);
    assertThatThrownBy(
            () ->
                SelectorExecutor.check("sel", ConfigFactory.parseString("throughput = 5"), system))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sel.throughput must be 1")
        .hasMessageContaining("was 5");
    Config two = ConfigFactory.parseString("pekko.io.tcp.nr-of-selectors = 2").withFallback(system);
    assertThatThrownBy(() -> SelectorExecutor.check("sel", one, two))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 are configured")
        .hasMessageContaining("nr-of-selectors");
  }

  @Test
  void aSystemsTwoDispatchersShareOnePoolUntilItIsShutDown() {
    Object system = new Object();
    AtomicInteger made = new AtomicInteger();
    NodePool first =
        NodeExecutor.shared(
            system,
            () -> {
              made.incrementAndGet();
              return (NodePool) NodeExecutor.pool(Thread::new);
            });
    NodePool again = NodeExecutor.shared(system, () -> (NodePool) NodeExecutor.pool(Thread::new));
    assertThat(again).isSameAs(first);
    first.shutdown();
    NodePool fresh = NodeExecutor.shared(system, () -> (NodePool) NodeExecutor.pool(Thread::new));
    assertThat(fresh).isNotSameAs(first);
    assertThat(made.get()).isEqualTo(1);
    fresh.shutdown();
  }

  /** Sends bytes 0 to n - 1, each once {@code handled} has grown since the one before. */
  private static void sendOneByOne(SelectLoop loop, int n, IntSupplier handled) throws IOException {
    for (int i = 0; i < n; i++) {
      int before = handled.getAsInt();
      loop.send(i);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (handled.getAsInt() == before && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
