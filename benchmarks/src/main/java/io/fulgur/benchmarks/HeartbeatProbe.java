package io.fulgur.benchmarks;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fulgur.App;
import io.fulgur.CloudCompute;
import io.fulgur.Flow;
import io.fulgur.Work;
import io.fulgur.WorkOptions;
import io.fulgur.internal.node.NodeSystem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.remote.FailureDetector;
import org.apache.pekko.remote.PhiAccrualFailureDetector;
import scala.Option;

/**
 * How late heartbeats get while a node is busy with works: three nodes in this JVM (two {@code
 * cpu} workers and a flow node), a load (CPU-spinning parallel works, or a fan-out of short ones),
 * and a thread that reads every node's failure detector for every peer every 10 ms. Prints the
 * highest phi seen (a node is unreachable above {@code threshold}) and the unreachable events, for
 * one dispatcher layout given as config ({@code -Dprobe.config="pekko.cluster.use-dispatcher =
 * ..."}).
 *
 * <p>Usage: {@code HeartbeatProbe spin WORKS SECONDS} or {@code HeartbeatProbe fanout WORKS
 * ROUNDS}.
 */
public final class HeartbeatProbe {
  private HeartbeatProbe() {}

  /** Spins a core for {@code input} milliseconds. */
  public static final class Spin extends Work<Integer> {
    Spin() {
      super(
          WorkOptions.defaults().withCompute(new CloudCompute("cpu")).withParallel(true));
    }

    @Override
    public void onRun(Integer millis) {
      long end = System.nanoTime() + millis * 1_000_000L;
      long x = 0;
      while (System.nanoTime() < end) {
        x += x * 31 + 7;
      }
      if (x == 42) {
        System.out.println("unlikely");
      }
    }
  }

  /** Runs {@code works} parallel works once each with {@code input}, then stops. */
  public static final class LoadFlow extends Flow {
    final List<Spin> works = new ArrayList<>();
    final int input;

    LoadFlow(int count, int input) {
      for (int i = 0; i < count; i++) {
        works.add(new Spin());
      }
      this.input = input;
    }

    @Override
    public void run() {
      boolean done = true;
      for (Spin w : works) {
        w.run(input);
        done &= w.hasSucceeded();
      }
      if (done) {
        stop();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "spin";
    int works = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int amount = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    Config extra = ConfigFactory.parseString(System.getProperty("probe.config", ""));
    String seedPort = "" + freePort();
    Config seed =
        extra
            .withFallback(ConfigFactory.parseString("pekko.remote.artery.canonical.port = " + seedPort))
            .withFallback(ConfigFactory.parseString("fulgur.node.roles = [cpu]"));
    Config joiner =
        extra
            .withFallback(
                ConfigFactory.parseString(
                    "pekko.cluster.seed-nodes = [\"pekko://fulgur@127.0.0.1:" + seedPort + "\"]"))
            .withFallback(ConfigFactory.parseString("fulgur.node.roles = [cpu]"));
    List<ActorSystem<Void>> systems = new ArrayList<>();
    systems.add(NodeSystem.start(NodeSystem.resolve(seed), s -> {}));
    systems.add(NodeSystem.start(NodeSystem.resolve(joiner), s -> {}));
    for (ActorSystem<Void> s : systems) {
      NodeSystem.awaitUp(s, Duration.ofSeconds(30));
    }
    Config flowConfig =
        joiner.withFallback(ConfigFactory.parseString("fulgur.node.host-works = off"));
    AtomicInteger unreachable = new AtomicInteger();
    double[] maxPhi = new double[1];
    volatile_stop = false;
    Thread sampler =
        new Thread(
            () -> {
              while (!volatile_stop) {
                for (ActorSystem<Void> s : List.copyOf(systems)) {
                  maxPhi[0] = Math.max(maxPhi[0], maxPhi(s));
                }
                try {
                  Thread.sleep(10);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "phi-sampler");
    sampler.setDaemon(true);
    // the flow node joins inside App.run: warm up with a small app, then watch and load
    for (ActorSystem<Void> s : systems) {
      Cluster.get(Adapter.toClassic(s))
          .subscribe(
              Adapter.toClassic(
                  s.systemActorOf(
                      org.apache.pekko.actor.typed.javadsl.Behaviors.<Object>receive(Object.class)
                          .onMessage(
                              ClusterEvent.UnreachableMember.class,
                              u -> {
                                unreachable.incrementAndGet();
                                System.out.println("UNREACHABLE " + u.member().address());
                                return org.apache.pekko.actor.typed.javadsl.Behaviors.same();
                              })
                          .build()
                          .narrow(),
                      "unreachable-counter",
                      org.apache.pekko.actor.typed.Props.empty())),
              ClusterEvent.initialStateAsEvents(),
              ClusterEvent.UnreachableMember.class);
    }
    new App(new LoadFlow(4, 10), flowConfig).run();
    sampler.start();
    long t0 = System.nanoTime();
    if (mode.equals("spin")) {
      new App(new LoadFlow(works, amount * 1000), flowConfig).run();
    } else {
      for (int r = 0; r < amount; r++) {
        new App(new LoadFlow(works, 0), flowConfig).run();
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    volatile_stop = true;
    sampler.join();
    System.out.printf(
        Locale.ROOT,
        "PROBE mode=%s works=%d amount=%d config=[%s] seconds=%.1f maxPhi=%.2f unreachable=%d%n",
        mode,
        works,
        amount,
        System.getProperty("probe.config", ""),
        seconds,
        maxPhi[0],
        unreachable.get());
    for (ActorSystem<Void> s : systems) {
      NodeSystem.shutdown(s, Duration.ofSeconds(10));
    }
    System.exit(0);
  }

  private static volatile boolean volatile_stop;

  private static double maxPhi(ActorSystem<Void> system) {
    Cluster cluster = Cluster.get(Adapter.toClassic(system));
    double max = 0;
    for (Member m : cluster.state().getMembers()) {
      Address a = m.address();
      if (a.equals(cluster.selfAddress())) {
        continue;
      }
      Option<FailureDetector> fd =
          ((org.apache.pekko.remote.DefaultFailureDetectorRegistry<Address>) cluster.failureDetector())
              .failureDetector(a);
      if (fd.isDefined() && fd.get() instanceof PhiAccrualFailureDetector phi) {
        double p = phi.phi();
        if (!Double.isNaN(p) && !Double.isInfinite(p)) {
          max = Math.max(max, p);
        }
      }
    }
    return max;
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
