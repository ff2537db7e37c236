package io.fulgur.samples.it;

import com.fasterxml.jackson.databind.node.IntNode;
import com.typesafe.config.ConfigFactory;
import io.fulgur.internal.node.HostKeys;
import io.fulgur.internal.node.NodeSystem;
import io.fulgur.internal.protocol.AppToken;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * A member of the cluster, with the cluster's own key material, that is not an app's flow: it knows
 * the app's id and its flow's node (from the logs) and the name of one of its works. It sends every
 * host of role {@code cpu} the commands a flow would, without the app's token (a run of the work, a
 * placement of a new work and a run of it, a stop that releases the work), under every message
 * number from 1 to 50, so that one of them is the number the host expects next; and it sends the
 * flow, as if from each host, a {@code Done} of the work's first calls under every number too. It
 * prints how many messages came back to it ({@code ROGUE received N}).
 *
 * <p>{@code RogueMember SEED_PORT TLS_DIR APP_ID FLOW_NODE WORK}
 */
public final class RogueMember {
  private RogueMember() {}

  public static void main(String[] args) throws Exception {
    String seed = "pekko://fulgur@127.0.0.1:" + args[0];
    String config =
        "pekko.cluster.seed-nodes = [\""
            + seed
            + "\"]\n"
            + "fulgur.node.host-works = off\n"
            + "fulgur.security.tls-dir = \""
            + args[1]
            + "\"\n";
    String appId = args[2];
    String flowNode = args[3];
    String work = args[4];
    AtomicInteger received = new AtomicInteger();
    CompletableFuture<ActorRef<FlowMessage>> inbox = new CompletableFuture<>();
    CompletableFuture<Set<ActorRef<HostMessage>>> hosts = new CompletableFuture<>();
    ActorSystem<Void> system =
        NodeSystem.start(
            NodeSystem.resolve(ConfigFactory.parseString(config)),
            spawned -> {
              inbox.complete(
                  spawned
                      .context()
                      .spawn(
                          Behaviors.<FlowMessage>receiveMessage(
                              m -> {
                                received.incrementAndGet();
                                return Behaviors.same();
                              }),
                          "rogue-flow"));
              ActorRef<Receptionist.Listing> listings =
                  spawned
                      .context()
                      .spawn(
                          Behaviors.<Receptionist.Listing>receiveMessage(
                              l -> {
                                Set<ActorRef<HostMessage>> found =
                                    l.getServiceInstances(HostKeys.forRole("cpu"));
                                if (!found.isEmpty()) {
                                  hosts.complete(found);
                                }
                                return Behaviors.same();
                              }),
                          "rogue-listing");
              spawned
                  .context()
                  .getSystem()
                  .receptionist()
                  .tell(Receptionist.subscribe(HostKeys.forRole("cpu"), listings));
            });
    NodeSystem.awaitUp(system, Duration.ofSeconds(30));
    System.out.println("ROGUE up at " + NodeSystem.address(system));
    ActorRef<FlowMessage> self = inbox.get(10, TimeUnit.SECONDS);
    Set<ActorRef<HostMessage>> targets = hosts.get(30, TimeUnit.SECONDS);
    AppToken guess = AppToken.random();
    ActorRef<FlowMessage> flow =
        ActorRefResolver.get(system).resolveActorRef(flowNode + "/user/flow");
    for (ActorRef<HostMessage> host : targets) {
      for (long seq = 1; seq <= 50; seq++) {
        host.tell(
            new HostMessage.Batch(
                appId,
                guess,
                self,
                seq,
                0,
                List.of(
                    new HostMessage.RunWork(work, 1_000, IntNode.valueOf(1), null),
                    new HostMessage.Place(
                        "root.rogue",
                        ItWorks.SlowCounter.class.getName(),
                        "cpu",
                        true,
                        false,
                        false,
                        null),
                    new HostMessage.RunWork("root.rogue", 1, IntNode.valueOf(1), null),
                    new HostMessage.StopWork(work, "rogue", true))));
        List<FlowMessage.Event> forged = new java.util.ArrayList<>();
        for (long call = 1; call <= 3; call++) {
          forged.add(
              new FlowMessage.Done(
                  work,
                  call,
                  com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                      .objectNode()
                      .put("counted", 1)));
        }
        flow.tell(new FlowMessage.Batch(host, guess, seq, 0, forged));
      }
      host.tell(new HostMessage.Ack(appId, guess, 1_000_000));
      flow.tell(new FlowMessage.Ack(host, guess, 1_000_000));
    }
    System.out.println(
        "ROGUE sent commands for app [" + appId + "] to " + targets.size() + " hosts");
    // what reached this member from the hosts: nothing may (no event, no ack)
    Thread.sleep(3_000);
    System.out.println("ROGUE received " + received.get());
    NodeSystem.shutdown(system, Duration.ofSeconds(10));
  }
}
