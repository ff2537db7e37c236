package io.fulgur.internal.dispatch;

import com.typesafe.config.Config;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

/**
 * The executor of {@code fulgur.flow-dispatcher}: the flow actor's thread, or the node's thread
 * lent to it. A message that reaches a flow from the network (a work's Done) arrives on the node's
 * thread; the flow actor then runs on that thread right after, outside the node's task, while
 * another thread takes over the node if anything comes in meanwhile ({@link NodeExecutor#lend}). No
 * thread is woken between a Done arriving and the flow's pass that sends the next call. Everything
 * else (messages sent from the user's threads, from a runner thread, timers) runs on the flow's own
 * thread.
 */
public final class FlowExecutor extends ExecutorServiceConfigurator {

  /** Made by Pekko from the dispatcher's config ({@code executor = "...FlowExecutor"}). */
  public FlowExecutor(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory factory) {
    return () -> pool(factory);
  }

  /** The flow's one thread, lending the task to the node's thread when it is submitted there. */
  static ExecutorService pool(ThreadFactory factory) {
    return new Pool(factory);
  }

  private static final class Pool extends AbstractExecutorService {
    private final ThreadPoolExecutor own;

    Pool(ThreadFactory factory) {
      own =
          new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
    }

    @Override
    public void execute(Runnable task) {
      if (own.isShutdown() || !NodeExecutor.lend(task)) {
        own.execute(task);
      }
    }

    @Override
    public void shutdown() {
      own.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
      return own.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
      return own.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return own.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return own.awaitTermination(timeout, unit);
    }
  }
}
