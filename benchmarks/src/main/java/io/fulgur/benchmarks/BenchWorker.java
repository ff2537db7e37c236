package io.fulgur.benchmarks;

import com.typesafe.config.ConfigFactory;
import io.fulgur.internal.node.NodeSystem;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The other process of {@link ProcessRoundTripBenchmark}: one Fulgur worker node (role {@code
 * cpu}) that also runs a plain Pekko echo actor, so that Fulgur and Pekko are measured between the
 * same two processes. Prints its address and the echo's ref, and ends when its stdin closes.
 */
public final class BenchWorker {
  private BenchWorker() {}

  /** Starts the node; see the class comment. */
  public static void main(String[] args) throws Exception {
    CompletableFuture<ActorRef<PekkoPing.Ping>> echo = new CompletableFuture<>();
    ActorSystem<Void> system =
        NodeSystem.start(
            NodeSystem.resolve(ConfigFactory.parseString("fulgur.node.roles = [cpu]")),
            spawned ->
                echo.complete(
                    spawned.context().spawn(PekkoPing.echo(), "echo", NodeSystem.WORK_DISPATCHER)));
    NodeSystem.awaitUp(system, Duration.ofSeconds(30));
    System.out.println("ADDRESS " + NodeSystem.address(system));
    System.out.println("ECHO " + ActorRefResolver.get(system).toSerializationFormat(echo.get()));
    System.out.flush();
    try {
      while (System.in.read() >= 0) {
        // runs until the benchmark closes our stdin (or dies)
      }
    } catch (IOException e) {
      // stdin gone: stop
    }
    NodeSystem.shutdown(system, Duration.ofSeconds(10));
  }
}
