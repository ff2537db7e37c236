package io.fulgur.internal.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.fulgur.Work;
import io.fulgur.WorkOptions;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node's host with a flow of probes: it finds its works for runs and stops after their placement,
 * forgets them once released, answers a run it cannot deliver instead of dropping it, gives a
 * released work's actor to a work placed later with nothing of the earlier one; and the names of
 * work actors are valid and sorted in the order they were made.
 */
class NodeHostTest {
  private static ActorSystem<Void> system;
  private static ActorRef<HostMessage> host;

  /** Doubles its input. */
  static class Doubler extends Work<Integer> {
    Doubler() {
      super(WorkOptions.defaults());
    }

    @Override
    protected void onRun(Integer input) {
      result = input * 2;
    }

    public int result;
  }

  @BeforeAll
  static void start() throws Exception {
    CompletableFuture<ActorRef<HostMessage>> spawned = new CompletableFuture<>();
    system =
        NodeSystem.start(
            NodeSystem.resolve(ConfigFactory.parseString("fulgur.node.roles = [cpu]")),
            s -> spawned.complete(s.host()));
    NodeSystem.awaitUp(system, Duration.ofSeconds(30));
    host = spawned.get();
  }

  @AfterAll
  static void stop() {
    NodeSystem.shutdown(system, Duration.ofSeconds(10));
  }

  private static HostMessage.Place place(String work, String workClass) {
    return new HostMessage.Place(work, workClass, "cpu", true, true, false, null);
  }

  private static HostMessage.RunWork run(String work, long callId, int input) {
    return new HostMessage.RunWork(work, callId, Json.MAPPER.valueToTree(input), null);
  }

  @Test
  void laterRunsAndTheReleaseFindThePlacedWorkAndARunAfterTheReleaseIsRefused() {
    ProbeFlow app = new ProbeFlow(system, host);
    app.send(place("root.w", Doubler.class.getName()), run("root.w", 1, 3));
    FlowMessage.Event first = app.next();
    assertThat(first).isInstanceOf(FlowMessage.Done.class);
    assertThat(((FlowMessage.Done) first).callId()).isEqualTo(1);
    assertThat(((FlowMessage.Done) first).state().get("result").asInt()).isEqualTo(6);

    app.send(run("root.w", 2, 5));
    FlowMessage.Done second = (FlowMessage.Done) app.next();
    assertThat(second.callId()).isEqualTo(2);
    assertThat(second.state().get("result").asInt()).isEqualTo(10);

    app.send(new HostMessage.StopWork("root.w", "app_ended", true));
    assertThat(app.next()).isEqualTo(new FlowMessage.Released("root.w"));

    app.send(run("root.w", 3, 7));
    FlowMessage.Failed refused = (FlowMessage.Failed) app.next();
    assertThat(refused.callId()).isEqualTo(3);
    assertThat(refused.failure().reason()).isEqualTo("placement_failed");
    assertThat(refused.failure().message()).contains("not on node");
  }

  @Test
  void aRefusedPlacementAnswersTheRunThatFollowsItInsteadOfDroppingIt() {
    ProbeFlow app = new ProbeFlow(system, host);
    app.send(place("root.ghost", "com.example.NotHere"), run("root.ghost", 1, 1));
    FlowMessage.PlacementFailed failed = (FlowMessage.PlacementFailed) app.next();
    assertThat(failed.work()).isEqualTo("root.ghost");
    assertThat(failed.message()).contains("com.example.NotHere", "not on the classpath");
    FlowMessage.Failed refused = (FlowMessage.Failed) app.next();
    assertThat(refused.callId()).isEqualTo(1);
    assertThat(refused.failure().reason()).isEqualTo("placement_failed");
  }

  /** Adds its inputs up. */
  static class Summer extends Work<Integer> {
    Summer() {
      super(WorkOptions.defaults());
    }

    @Override
    protected void onRun(Integer input) {
      total += input;
    }

    public int total;
  }

  /**
   * The host's work actors, through an actor selection: each answers at once, so once replies have
   * come, a quiet half second means all have.
   */
  private static Set<org.apache.pekko.actor.ActorRef> workActors() {
    TestProbe<Object> replies = TestProbe.create(system);
    Adapter.toClassic(system)
        .actorSelection("/user/host/*")
        .tell(new Identify(0), Adapter.toClassic(replies.getRef()));
    Set<org.apache.pekko.actor.ActorRef> actors = new HashSet<>();
    while (true) {
      try {
        Object reply = replies.receiveMessage(Duration.ofMillis(500));
        actors.add(((ActorIdentity) reply).getActorRef().orElseThrow());
      } catch (AssertionError quiet) {
        return actors;
      }
    }
  }

  @Test
  void aWorkPlacedAfterAnotherWasReleasedGetsItsActorWithNothingOfTheEarlierWork() {
    ProbeFlow first = new ProbeFlow(system, host);
    String cls = Summer.class.getName();
    first.send(place("root.s", cls), run("root.s", 1, 5));
    assertThat(((FlowMessage.Done) first.next()).state().get("total").asInt()).isEqualTo(5);
    first.send(new HostMessage.StopWork("root.s", "app_ended", true));
    assertThat(first.next()).isEqualTo(new FlowMessage.Released("root.s"));
    Set<org.apache.pekko.actor.ActorRef> actors = workActors();
    assertThat(actors).isNotEmpty();

    ProbeFlow next = new ProbeFlow(system, host);
    next.send(place("root.s", cls), run("root.s", 1, 1));
    FlowMessage.Done done = (FlowMessage.Done) next.next();
    assertThat(done.state().get("total").asInt()).as("a new instance").isEqualTo(1);
    assertThat(workActors()).as("the released work's actor serves the new one").isEqualTo(actors);
    next.send(run("root.s", 2, 2));
    assertThat(((FlowMessage.Done) next.next()).state().get("total").asInt()).isEqualTo(3);
  }

  /**
   * A member that knows an app's id but not its token (here: a second flow of probes with the same
   * app id) places, runs, stops and releases nothing of the app, and hears nothing back; the app's
   * own flow goes on as if it had not been there.
   */
  @Test
  void aFlowWithoutTheAppsTokenCommandsNoneOfItsWorks() {
    ProbeFlow app = new ProbeFlow(system, host);
    String cls = Summer.class.getName();
    app.send(place("root.s", cls), run("root.s", 1, 1));
    assertThat(((FlowMessage.Done) app.next()).state().get("total").asInt()).isEqualTo(1);

    ProbeFlow impostor = new ProbeFlow(system, host, app.appId());
    impostor.sendUnderEveryNumber(10, run("root.s", 7, 100));
    impostor.sendUnderEveryNumber(10, place("root.t", cls), run("root.t", 1, 100));
    impostor.sendUnderEveryNumber(10, new HostMessage.StopWork("root.s", "app_ended", true));

    // the host handles messages in order: once this call is done, the impostor's were handled
    app.send(run("root.s", 2, 2));
    FlowMessage.Done done = (FlowMessage.Done) app.next();
    assertThat(done.callId()).isEqualTo(2);
    assertThat(done.state().get("total").asInt()).as("only the app's own runs").isEqualTo(3);
    impostor.expectNothing(Duration.ofMillis(200));
    app.send(run("root.t", 2, 1));
    FlowMessage.Failed notPlaced = (FlowMessage.Failed) app.next();
    assertThat(notPlaced.failure().reason())
        .as("root.t was never placed")
        .isEqualTo("placement_failed");
  }

  /**
   * A member that knows the id of an app that has no work on this host yet cannot open the app's
   * channel here with a token of its own: the app's id is bound to its token.
   */
  @Test
  void anAppsIdWithAnotherTokenOpensNoChannel() {
    ProbeFlow app = new ProbeFlow(system, host);
    ProbeFlow impostor = new ProbeFlow(system, host, app.appId());
    String cls = Summer.class.getName();
    impostor.send(place("root.s", cls), run("root.s", 1, 100));
    app.send(place("root.s", cls), run("root.s", 1, 1));
    FlowMessage.Done done = (FlowMessage.Done) app.next();
    assertThat(done.state().get("total").asInt()).as("only the app's own run").isEqualTo(1);
    impostor.expectNothing(Duration.ofMillis(200));
  }

  /** An idle notice for an actor the host did not make leaves it out of the pool. */
  @Test
  void theIdlePoolTakesOnlyTheHostsOwnWorkActors() {
    ProbeFlow app = new ProbeFlow(system, host);
    String cls = Summer.class.getName();
    app.send(place("root.a", cls), run("root.a", 1, 1));
    assertThat(app.next()).isInstanceOf(FlowMessage.Done.class);
    TestProbe<io.fulgur.internal.protocol.WorkMessage> foreign = TestProbe.create(system);
    host.tell(new HostMessage.WorkIdle(app.appId(), foreign.getRef()));
    app.send(place("root.b", cls), run("root.b", 1, 2));
    FlowMessage.Done done = (FlowMessage.Done) app.next();
    assertThat(done.work()).isEqualTo("root.b");
    assertThat(done.state().get("total").asInt()).isEqualTo(2);
    foreign.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void childNamesSortInPlacementOrderAcrossEveryLength() {
    List<Long> numbers = new ArrayList<>();
    for (long n = 0; n < 2_000; n++) {
      numbers.add(n);
    }
    long power = 36;
    for (int digits = 2; digits <= 12; digits++, power *= 36) {
      // either side of each change of length: 35 -> 36, 1295 -> 1296, ...
      numbers.add(power - 1);
      numbers.add(power);
    }
    numbers.add(Long.MAX_VALUE - 1);
    numbers.add(Long.MAX_VALUE);
    numbers.sort(null);
    String previous = null;
    for (long n : numbers) {
      String name = WorkActors.childName(n);
      if (previous != null && !previous.equals(name)) {
        assertThat(name).as("name of work number %d", n).isGreaterThan(previous);
      }
      previous = name;
    }
  }

  @Test
  void childNamesAreShortValidActorNames() {
    assertThat(WorkActors.childName(0)).isEqualTo("a0");
    assertThat(WorkActors.childName(36)).isEqualTo("b10");
    assertThat(WorkActors.childName(Long.MAX_VALUE)).hasSize(14);
    for (long n : new long[] {0, 35, 36, 1295, 1296, Long.MAX_VALUE}) {
      assertThat(ActorPath.isValidPathElement(WorkActors.childName(n))).isTrue();
    }
  }
}
