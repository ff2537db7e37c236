package io.fulgur.benchmarks;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fulgur.App;
import io.fulgur.CloudCompute;
import io.fulgur.Flow;
import io.fulgur.LocalCluster;
import io.fulgur.Work;
import io.fulgur.WorkOptions;
import io.fulgur.internal.node.NodeSystem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Fulgur's overheads beside plain Pekko, in one process and one run:
 *
 * <ul>
 *   <li>start-up: {@code new App(flow).run()} to the first {@code onRun} on the embedded default;
 *   <li>sequential round trip: a flow calls a no-op sequential work with a new input each pass
 *       (send Run, Done, next pass, next send), on one node and across two in-JVM nodes, beside a
 *       Pekko actor that asks an echo actor one request at a time on the same topology, with the
 *       same config (Artery TCP, Jackson CBOR) and the same dispatchers as Fulgur's flow (the
 *       asking actor) and works (the echo actor).
 * </ul>
 *
 * <pre>RoundTripBenchmark [calls] [rounds]     (defaults: 5000 5)</pre>
 */
public final class RoundTripBenchmark {
  private RoundTripBenchmark() {}

  /** Records when its first call started. */
  static final class FirstRun extends Work<Void> {
    static final AtomicLong STARTED_AT = new AtomicLong();

    FirstRun() {
      super(WorkOptions.defaults());
    }

    @Override
    protected void onRun(Void input) {
      STARTED_AT.compareAndSet(0, System.nanoTime());
    }
  }

  static final class StartFlow extends Flow {
    final FirstRun work = new FirstRun();

    @Override
    public void run() {
      work.run();
      stop();
    }
  }

  /** Does nothing: the round trip is all overhead. */
  static final class Noop extends Work<Integer> {
    Noop(CloudCompute compute) {
      super(compute);
    }

    @Override
    protected void onRun(Integer input) {}
  }

  /** Calls the no-op work with 0, 1, 2, ...: one call per pass; records each round trip. */
  static final class ChainFlow extends Flow {
    final Noop work;
    final long[] rtts;
    private int next;
    private long sentAt;

    ChainFlow(CloudCompute compute, int calls) {
      this.work = new Noop(compute);
      this.rtts = new long[calls];
    }

    @Override
    public void run() {
      if (next > 0) {
        rtts[next - 1] = System.nanoTime() - sentAt;
      }
      if (next == rtts.length) {
        stop();
      }
      sentAt = System.nanoTime();
      work.run(next++); // new input: sends Run and ends the pass until Done
    }
  }

  /** Runs the benchmark and prints the table. */
  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<String[]> rows = new ArrayList<>();

    long[] startups = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      FirstRun.STARTED_AT.set(0);
      long t0 = System.nanoTime();
      new App(new StartFlow()).run();
      startups[i] = FirstRun.STARTED_AT.get() - t0;
    }
    System.out.printf(
        Locale.ROOT,
        "start-up, new App(flow).run() to first onRun: first %.0f ms (cold JVM), then median"
            + " %.0f ms (min %.0f, max %.0f) over %d runs%n",
        startups[0] / 1e6,
        Stats.of(java.util.Arrays.copyOfRange(startups, 1, Math.max(2, rounds))).percentileMicros(50)
            / 1000,
        Stats.of(java.util.Arrays.copyOfRange(startups, 1, Math.max(2, rounds))).minMicros() / 1000,
        Stats.of(java.util.Arrays.copyOfRange(startups, 1, Math.max(2, rounds))).maxMicros() / 1000,
        rounds - 1);

    // one node
    Config quiet = ConfigFactory.parseString("fulgur.node.serve-all-roles = on");
    Stats fulgurLocal = null;
    Stats pekkoLocal = null;
    for (int r = 0; r < rounds; r++) {
      ChainFlow chain = new ChainFlow(CloudCompute.DEFAULT, calls);
      new App(chain, quiet).run();
      fulgurLocal = Stats.of(chain.rtts);
      pekkoLocal = pekkoOneNode(calls);
    }
    rows.add(row("sequential round trip, one node", fulgurLocal, pekkoLocal));

    // two in-JVM nodes: the flow's node and one cpu node
    Stats fulgurTwo = null;
    Stats pekkoTwo = null;
    try (LocalCluster cluster = LocalCluster.start("cpu")) {
      for (int r = 0; r < rounds; r++) {
        ChainFlow chain = new ChainFlow(new CloudCompute("cpu"), calls);
        new App(chain, cluster.appConfig()).run();
        fulgurTwo = Stats.of(chain.rtts);
        pekkoTwo = pekkoTwoNodes(calls);
      }
    }
    rows.add(row("sequential round trip, two in-JVM nodes", fulgurTwo, pekkoTwo));

    print(rows, rounds, calls);
  }

  /** Prints the table. */
  static void print(List<String[]> rows, int rounds, int calls) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%-42s %12s %12s %12s %12s %10s %10s%n",
        "scenario (last of " + rounds + " rounds, " + calls + " calls)",
        "Fulgur p50",
        "Fulgur p99",
        "Pekko p50",
        "Pekko p99",
        "p50 ratio",
        "calls/s");
    for (String[] row : rows) {
      System.out.printf(
          Locale.ROOT, "%-42s %12s %12s %12s %12s %10s %10s%n", (Object[]) row);
    }
  }

  static String[] row(String name, Stats fulgur, Stats pekko) {
    return new String[] {
      name,
      us(fulgur.percentileMicros(50)),
      us(fulgur.percentileMicros(99)),
      us(pekko.percentileMicros(50)),
      us(pekko.percentileMicros(99)),
      String.format(Locale.ROOT, "%.2fx", fulgur.percentileMicros(50) / pekko.percentileMicros(50)),
      String.format(Locale.ROOT, "%.0f", 1e6 / fulgur.meanMicros())
    };
  }

  private static String us(double micros) {
    return String.format(Locale.ROOT, "%.0f us", micros);
  }

  private static Stats pekkoOneNode(int calls) throws Exception {
    Config full = NodeSystem.resolve(ConfigFactory.parseString("fulgur.node.host-works = off"));
    CompletableFuture<long[]> done = new CompletableFuture<>();
    ActorSystem<Void> system =
        NodeSystem.start(
            full,
            spawned -> {
              ActorRef<PekkoPing.Ping> echo = spawned.context().spawn(PekkoPing.echo(), "echo", NodeSystem.WORK_DISPATCHER);
              spawned.context().spawn(PekkoPing.pinger(echo, calls, done), "pinger", NodeSystem.FLOW_DISPATCHER);
            });
    try {
      return Stats.of(done.get(60, TimeUnit.SECONDS));
    } finally {
      NodeSystem.shutdown(system, java.time.Duration.ofSeconds(10));
    }
  }

  private static Stats pekkoTwoNodes(int calls) throws Exception {
    Config base = ConfigFactory.parseString("fulgur.node.host-works = off");
    CompletableFuture<ActorRef<PekkoPing.Ping>> echoRef = new CompletableFuture<>();
    ActorSystem<Void> echoSystem =
        NodeSystem.start(
            NodeSystem.resolve(base),
            spawned ->
                echoRef.complete(
                    spawned.context().spawn(PekkoPing.echo(), "echo", NodeSystem.WORK_DISPATCHER)));
    try {
      NodeSystem.awaitUp(echoSystem, java.time.Duration.ofSeconds(20));
      String echoPath =
          ActorRefResolver.get(echoSystem)
              .toSerializationFormat(echoRef.get(10, TimeUnit.SECONDS));
      Config joining =
          ConfigFactory.parseString(
                  "pekko.cluster.seed-nodes = [\"" + NodeSystem.address(echoSystem) + "\"]")
              .withFallback(base);
      return pekkoAsk(joining, echoPath, calls);
    } finally {
      NodeSystem.shutdown(echoSystem, java.time.Duration.ofSeconds(10));
    }
  }

  /**
   * Starts a node with {@code config} that asks the echo actor at {@code echoPath} {@code calls}
   * times, one at a time, from an actor on the flow dispatcher.
   */
  static Stats pekkoAsk(Config config, String echoPath, int calls) throws Exception {
    CompletableFuture<long[]> done = new CompletableFuture<>();
    ActorSystem<Void> pingSystem =
        NodeSystem.start(
            NodeSystem.resolve(config),
            spawned -> {
              ActorRef<PekkoPing.Ping> echo =
                  ActorRefResolver.get(spawned.context().getSystem()).resolveActorRef(echoPath);
              spawned
                  .context()
                  .spawn(
                      PekkoPing.pinger(echo, calls, done), "pinger", NodeSystem.FLOW_DISPATCHER);
            });
    try {
      return Stats.of(done.get(60, TimeUnit.SECONDS));
    } finally {
      NodeSystem.shutdown(pingSystem, java.time.Duration.ofSeconds(10));
    }
  }
}
