package io.fulgur.benchmarks;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fulgur.internal.node.NodeSystem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.delivery.ConsumerController;

/**
 * The plain Pekko side of the scenarios: nodes with Fulgur's config, dispatchers and transport
 * settings that host no works, and the requesters ({@link PekkoPing}, {@link PekkoReliable}) each
 * scenario starts on such a node.
 */
final class PekkoNodes {
  private PekkoNodes() {}

  /**
   * The Pekko requester's dispatcher: one thread of Pekko's own thread-pool executor (the flow's
   * dispatcher lends the node's thread, which plain Pekko does not do).
   */
  static final DispatcherSelector PINGER_DISPATCHER =
      DispatcherSelector.fromConfig("fulgur-bench.pinger-dispatcher");

  /** A node that hosts no works, with the requester's dispatcher. */
  static final Config NO_HOST =
      ConfigFactory.parseString(
          "fulgur.node.host-works = off\n"
              + "fulgur-bench.pinger-dispatcher { type = Dispatcher, executor = thread-pool-executor,"
              + " thread-pool-executor.fixed-pool-size = 1, throughput = 100 }");

  /** The config that makes a node join the nodes at {@code addresses}. */
  /**
   * A node of {@code config} with an echo actor on the node's dispatcher, given to {@code echo}.
   */
  static ActorSystem<Void> echoNode(
      Config config, CompletableFuture<ActorRef<PekkoPing.Ping>> echo) {
    return NodeSystem.start(
        NodeSystem.resolve(config),
        spawned ->
            echo.complete(
                spawned.context().spawn(PekkoPing.echo(), "echo", NodeSystem.WORK_DISPATCHER)));
  }

  static Config seeds(String... addresses) {
    return ConfigFactory.parseString(
        "pekko.cluster.seed-nodes = [\"" + String.join("\",\"", addresses) + "\"]");
  }

  /** Starts a node with {@code config} requesting the echo at {@code echoPath}, one at a time. */
  static long[] requests(Config config, String echoPath, int calls) throws Exception {
    CompletableFuture<long[]> done = new CompletableFuture<>();
    ActorSystem<Void> system =
        NodeSystem.start(
            NodeSystem.resolve(config),
            s -> {
              ActorRef<PekkoPing.Ping> echo =
                  ActorRefResolver.get(s.context().getSystem()).resolveActorRef(echoPath);
              s.context().spawn(PekkoPing.pinger(echo, calls, done), "pinger", PINGER_DISPATCHER);
            });
    try {
      return done.get(120, TimeUnit.SECONDS);
    } finally {
      NodeSystem.shutdown(system, Duration.ofSeconds(10));
    }
  }

  /**
   * Starts a node with {@code config} sending {@code total} pings through Pekko's reliable delivery
   * to the consumer at {@code consumerPath}, at most {@code inFlight} unanswered; each round trip.
   */
  static long[] reliable(Config config, String consumerPath, int total, int inFlight)
      throws Exception {
    CompletableFuture<long[]> done = new CompletableFuture<>();
    ActorSystem<Void> system =
        NodeSystem.start(
            NodeSystem.resolve(config),
            s -> {
              ActorRef<ConsumerController.Command<PekkoPing.Ping>> consumer =
                  ActorRefResolver.get(s.context().getSystem()).resolveActorRef(consumerPath);
              s.context()
                  .spawn(
                      PekkoReliable.requester(consumer, total, inFlight, done),
                      "reliable-requester",
                      PINGER_DISPATCHER);
            });
    try {
      return done.get(120, TimeUnit.SECONDS);
    } finally {
      NodeSystem.shutdown(system, Duration.ofSeconds(10));
    }
  }

  /**
   * Starts a node with {@code config} that keeps 1,024 requests in flight over the echoes at {@code
   * echoPaths} until {@code total} were answered; requests/s.
   */
  static double pipelined(Config config, List<String> echoPaths, int total) throws Exception {
    CompletableFuture<Long> done = new CompletableFuture<>();
    ActorSystem<Void> system =
        NodeSystem.start(
            NodeSystem.resolve(config),
            s -> {
              List<ActorRef<PekkoPing.Ping>> echoes = new ArrayList<>();
              for (String path : echoPaths) {
                echoes.add(ActorRefResolver.get(s.context().getSystem()).resolveActorRef(path));
              }
              s.context()
                  .spawn(
                      PekkoPing.pipelined(echoes, total, 1024, done), "pinger", PINGER_DISPATCHER);
            });
    try {
      return total / (done.get(120, TimeUnit.SECONDS) / 1e9);
    } finally {
      NodeSystem.shutdown(system, Duration.ofSeconds(10));
    }
  }
}
