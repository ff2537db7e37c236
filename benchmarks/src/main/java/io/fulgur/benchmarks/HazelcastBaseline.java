package io.fulgur.benchmarks;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.internal.util.ConcurrencyUtil;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** The Hazelcast baseline: {@code IExecutorService.submitToMember} on embedded members. */
final class HazelcastBaseline {
  private HazelcastBaseline() {}

  static {
    // Hazelcast runs its futures' completion work on its default async executor: the common
    // ForkJoinPool, or, when that has parallelism 1 (any 2-core machine), a new thread per task.
    // Left so, Hazelcast is tens of times slower pipelined and twice as slow sequential as with
    // two threads of its own. A team running Hazelcast on such machines sets this (or the common
    // pool's parallelism), so the baseline does.
    AtomicInteger threads = new AtomicInteger();
    ConcurrencyUtil.setDefaultAsyncExecutor(
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "hazelcast-async-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            }));
  }

  /** The no-op task. */
  static final class Noop implements Callable<Integer>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer call() {
      return 1;
    }
  }

  /** An embedded member on 127.0.0.1 that joins the members of {@code clusterName} by TCP. */
  static HazelcastInstance member(String clusterName) {
    Config config = new Config();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.tcp.join.port.try.count", "20");
    config.getNetworkConfig().setPort(5701).setPortAutoIncrement(true).setPortCount(20);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
    return Hazelcast.newHazelcastInstance(config);
  }

  /** Waits until {@code instance} sees {@code size} members. */
  static void awaitMembers(HazelcastInstance instance, int size) throws InterruptedException {
    long end = System.nanoTime() + 60_000_000_000L;
    while (instance.getCluster().getMembers().size() < size) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("Hazelcast members did not join");
      }
      Thread.sleep(20);
    }
  }

  /** Sequential: submit, wait, submit ... to {@code target}; each round trip's nanos. */
  static long[] sequential(HazelcastInstance from, Member target, int calls) throws Exception {
    IExecutorService executor = from.getExecutorService("fulgur-bench");
    long[] rtts = new long[calls];
    Noop task = new Noop();
    for (int i = 0; i < calls; i++) {
      long t0 = System.nanoTime();
      executor.submitToMember(task, target).get();
      rtts[i] = System.nanoTime() - t0;
    }
    return rtts;
  }

  /** Pipelined: {@code total} tasks over {@code targets}, {@code inFlight} at once; tasks/s. */
  static double pipelined(HazelcastInstance from, List<Member> targets, int total, int inFlight)
      throws Exception {
    IExecutorService executor = from.getExecutorService("fulgur-bench");
    Noop task = new Noop();
    ArrayDeque<Future<Integer>> pending = new ArrayDeque<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < total; i++) {
      if (pending.size() >= inFlight) {
        pending.removeFirst().get();
      }
      pending.addLast(executor.submitToMember(task, targets.get(i % targets.size())));
    }
    while (!pending.isEmpty()) {
      pending.removeFirst().get();
    }
    return total / ((System.nanoTime() - t0) / 1e9);
  }
}
