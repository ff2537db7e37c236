package io.fulgur.internal.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.fulgur.Work;
import io.fulgur.WorkOptions;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.Json;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Kill;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node's host with a flow of probes, when something fails on the node: a work actor that stops
 * unexpectedly has its calls failed and is forgotten, and a command the host cannot carry out is
 * answered while the host goes on serving.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostFailuresTest {
  private static ActorSystem<Void> system;
  private static ActorRef<HostMessage> host;

  @BeforeAll
  static void start() throws Exception {
    CompletableFuture<ActorRef<HostMessage>> spawned = new CompletableFuture<>();
    system =
        NodeSystem.start(
            NodeSystem.resolve(
                ConfigFactory.parseString(
                    "fulgur.node.roles = [cpu]\nfulgur.node.serve-all-roles = on")),
            s -> spawned.complete(s.host()));
    NodeSystem.awaitUp(system, Duration.ofSeconds(30));
    host = spawned.get();
  }

  @AfterAll
  static void stop() {
    NodeSystem.shutdown(system, Duration.ofSeconds(10));
  }

  /** Runs until the test lets it go, or it is interrupted. */
  static class Gate extends Work<Integer> {
    static final CountDownLatch ENTERED = new CountDownLatch(1);
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    Gate() {
      super(WorkOptions.defaults().withParallel(true));
    }

    @Override
    protected void onRun(Integer input) throws InterruptedException {
      ENTERED.countDown();
      RELEASE.await(20, TimeUnit.SECONDS);
    }
  }

  /** Doubles its input. */
  static class Doubler extends Work<Integer> {
    public int result;

    Doubler() {
      super(WorkOptions.defaults());
    }

    @Override
    protected void onRun(Integer input) {
      result = input * 2;
    }
  }

  private static HostMessage.Place place(String work, String workClass, String compute) {
    return new HostMessage.Place(work, workClass, compute, true, true, false, null);
  }

  private static HostMessage.RunWork run(String work, long callId, int input) {
    return new HostMessage.RunWork(work, callId, Json.MAPPER.valueToTree(input), null);
  }

  @Test
  void aWorkActorThatStopsUnexpectedlyFailsItsCallAndIsPlacedAfresh() throws Exception {
    ProbeFlow app = new ProbeFlow(system, host);
    app.send(place("root.gate", Gate.class.getName(), "cpu"), run("root.gate", 1, 0));
    assertThat(Gate.ENTERED.await(10, TimeUnit.SECONDS)).as("the call runs").isTrue();
    try {
      // an exception inside the work's actor, outside any of its handlers: the actor stops
      Adapter.toClassic(system).actorSelection("/user/host/*").tell(Kill.getInstance(), null);

      FlowMessage.Failed failed = (FlowMessage.Failed) app.next();
      assertThat(failed.callId()).isEqualTo(1);
      assertThat(failed.failure().reason()).isEqualTo("internal_error");
      assertThat(failed.failure().message())
          .contains("root.gate", NodeSystem.address(system), "stopped unexpectedly");
      FlowMessage.PlacementFailed gone = (FlowMessage.PlacementFailed) app.next();
      assertThat(gone.work()).isEqualTo("root.gate");
      assertThat(gone.nodeAddress()).isEqualTo(NodeSystem.address(system));

      // the host forgot it: a run is refused, not lost; a new placement serves it again
      app.send(run("root.gate", 2, 0));
      FlowMessage.Failed refused = (FlowMessage.Failed) app.next();
      assertThat(refused.callId()).isEqualTo(2);
      assertThat(refused.failure().reason()).isEqualTo("placement_failed");
    } finally {
      Gate.RELEASE.countDown();
    }
    app.send(place("root.gate", Gate.class.getName(), "cpu"), run("root.gate", 3, 0));
    FlowMessage.Done done = (FlowMessage.Done) app.next();
    assertThat(done.callId()).isEqualTo(3);
  }

  @Test
  void aCommandTheHostCannotCarryOutIsAnsweredAndTheHostGoesOn() {
    ProbeFlow app = new ProbeFlow(system, host);
    // not a valid role name: making the work's options for it throws on this node, which
    // serves every compute name
    app.send(place("root.bad", Doubler.class.getName(), "not a role!"), run("root.bad", 1, 1));
    FlowMessage.PlacementFailed failed = (FlowMessage.PlacementFailed) app.next();
    assertThat(failed.work()).isEqualTo("root.bad");
    assertThat(failed.message())
        .contains("root.bad", NodeSystem.address(system), "IllegalArgumentException")
        .contains("not a role!");
    FlowMessage.Failed refused = (FlowMessage.Failed) app.next();
    assertThat(refused.callId()).isEqualTo(1);
    assertThat(refused.failure().reason()).isEqualTo("placement_failed");

    app.send(place("root.good", Doubler.class.getName(), "cpu"), run("root.good", 2, 21));
    FlowMessage.Done done = (FlowMessage.Done) app.next();
    assertThat(done.callId()).isEqualTo(2);
    assertThat(done.state().get("result").asInt()).isEqualTo(42);
  }
}
