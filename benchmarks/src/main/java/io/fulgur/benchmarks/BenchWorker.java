package io.fulgur.benchmarks;

import com.hazelcast.core.HazelcastInstance;
import com.typesafe.config.ConfigFactory;
import io.fulgur.internal.node.NodeSystem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The other process of the two-process scenarios: one Fulgur worker node (role {@code cpu}) that
 * also runs a plain Pekko echo actor and a Hazelcast member, so that the three are measured between
 * the same two processes. Prints its address, the echo's ref and "READY"; at each line "GC" on its
 * stdin runs a full GC and prints "GC-DONE"; ends when its stdin closes.
 *
 * <pre>BenchWorker HAZELCAST_CLUSTER_NAME</pre>
 */
public final class BenchWorker {
  private BenchWorker() {}

  /** Starts the node and the member; see the class comment. */
  public static void main(String[] args) throws Exception {
    CompletableFuture<ActorRef<PekkoPing.Ping>> echo = new CompletableFuture<>();
    CompletableFuture<ActorRef<?>> reliableEcho = new CompletableFuture<>();
    ActorSystem<Void> system =
        NodeSystem.start(
            NodeSystem.resolve(ConfigFactory.parseString("fulgur.node.roles = [cpu]")),
            spawned -> {
              echo.complete(
                  spawned.context().spawn(PekkoPing.echo(), "echo", NodeSystem.WORK_DISPATCHER));
              reliableEcho.complete(PekkoReliable.echo(spawned.context()));
            });
    NodeSystem.awaitUp(system, Duration.ofSeconds(30));
    HazelcastInstance member = HazelcastBaseline.member(args[0]);
    System.out.println("ADDRESS " + NodeSystem.address(system));
    System.out.println("ECHO " + ActorRefResolver.get(system).toSerializationFormat(echo.get()));
    System.out.println(
        "RELIABLE " + ActorRefResolver.get(system).toSerializationFormat(reliableEcho.get()));
    System.out.println("READY");
    System.out.flush();
    try {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      // runs until the benchmark closes our stdin (or dies)
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals("GC")) {
          System.gc();
          System.out.println("GC-DONE");
          System.out.flush();
        }
      }
    } catch (IOException e) {
      // stdin gone: stop
    }
    member.shutdown();
    NodeSystem.shutdown(system, Duration.ofSeconds(10));
  }
}
