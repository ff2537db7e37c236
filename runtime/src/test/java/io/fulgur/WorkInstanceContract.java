package io.fulgur;

import static io.fulgur.Conditions.runApp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fulgur.InstanceWorks.Batching;
import io.fulgur.InstanceWorks.CyclicConfig;
import io.fulgur.InstanceWorks.Echo;
import io.fulgur.InstanceWorks.HoldsActorRef;
import io.fulgur.InstanceWorks.HoldsDog;
import io.fulgur.InstanceWorks.HoldsFlow;
import io.fulgur.InstanceWorks.HoldsLambda;
import io.fulgur.InstanceWorks.HoldsObject;
import io.fulgur.InstanceWorks.HoldsRunnable;
import io.fulgur.InstanceWorks.HoldsThread;
import io.fulgur.InstanceWorks.HoldsWork;
import io.fulgur.InstanceWorks.Large;
import io.fulgur.InstanceWorks.Point;
import io.fulgur.InstanceWorks.PointHolder;
import io.fulgur.InstanceWorks.Sharing;
import io.fulgur.InstanceWorks.Sleeper;
import io.fulgur.InstanceWorks.Stamp;
import io.fulgur.InstanceWorks.Trainer;
import io.fulgur.InstanceWorks.UnsendableResult;
import io.fulgur.InstanceWorks.WithDefaultTransients;
import io.fulgur.InstanceWorks.WithTransients;
import java.util.List;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.example.allowed.Ticket;
import org.example.foreign.Parcel;
import org.junit.jupiter.api.Test;

/**
 * A work runs as its author built it: what its constructor stored travels to its node, types
 * survive, and mistakes fail at start or at placement with a message that says the fix. Run on the
 * embedded node and on a cluster ({@link WorkInstanceEmbeddedTest}, {@link
 * WorkInstanceClusterTest}), where every message is serialised.
 */
abstract class WorkInstanceContract {

  /** What the nodes of the app allow as generic inputs, besides the works' own packages. */
  static final String ALLOWED = "fulgur.serialization.allowed-packages = [\"org.example.allowed\"]";

  /** An app for {@code flow} where works of role {@code cpu} run. */
  abstract App app(Flow flow);

  /** A flow that holds {@code work} and runs it until it has ended (with {@code input}). */
  static final class RunOnce<W extends Work<I>, I> extends Flow {
    final W work;
    private final I input;

    RunOnce(W work, I input) {
      this.work = work;
      this.input = input;
    }

    @Override
    public void run() {
      work.run(input);
      if (work.hasSucceeded() || work.hasFailed() || work.hasStopped()) {
        stop();
      }
    }
  }

  private <W extends Work<I>, I> W runToEnd(W work, I input) {
    runApp(app(new RunOnce<>(work, input)));
    return work;
  }

  private void failsAtStart(Supplier<Flow> flow, String... fragments) {
    assertTimeoutPreemptively(
        Conditions.APP_DEADLINE,
        () ->
            assertThatThrownBy(() -> app(flow.get()).run())
                .isInstanceOf(AppFailedException.class)
                .hasMessageContainingAll(fragments));
  }

  // ---- the built instance travels

  @Test
  void constructorConfigurationInPrivateFinalFieldsReachesOnRun() {
    Trainer trainer =
        new Trainer("s3://models/resnet", 64, List.of("train", "val"), new Batching(8, "img"));
    runToEnd(trainer, "data");
    assertThat(trainer.hasSucceeded()).as(String.valueOf(trainer.failure())).isTrue();
    assertThat(trainer.seen)
        .isEqualTo(
            "data|s3://models/resnet|64|[train, val]|Batching[size=8, unit=img]|own-label"
                + "|base-label|fallback parallel true");
  }

  @Test
  void transientFieldsAreNotCopied() {
    WithTransients plain = runToEnd(new WithTransients("kept"), null);
    assertThat(plain.seen).isEqualTo("kept|null|0");
    WithDefaultTransients defaults = runToEnd(new WithDefaultTransients("kept"), null);
    assertThat(defaults.seen).isEqualTo("kept|from the no-argument constructor");
  }

  @Test
  void aWorkNeverSharesObjectsWithItsFlowAndSharedReferencesArriveAsCopies() {
    List<String> flowList = new java.util.ArrayList<>(List.of("built"));
    Sharing sharing = runToEnd(new Sharing(flowList), null);
    assertThat(sharing.hasSucceeded()).as(String.valueOf(sharing.failure())).isTrue();
    assertThat(flowList).as("the flow's own list").containsExactly("built");
    assertThat(sharing.sameList).isFalse();
    assertThat(sharing.secondSize).as("the second field's copy").isEqualTo(1);
  }

  @Test
  void aLocalClassGetsTheVariablesItCaptured() {
    Work<Void> greeter = InstanceWorks.greeter("hello");
    runToEnd(greeter, null);
    assertThat(InstanceWorks.said(greeter)).isEqualTo("hello, node");
  }

  @Test
  void eachAppRunsItsOwnInstanceAlsoOnAReusedWorkActor() {
    Trainer first = runToEnd(new Trainer("first", 1, List.of(), new Batching(1, "a")), "x");
    Trainer second = runToEnd(new Trainer("second", 2, List.of("b"), new Batching(2, "b")), "y");
    assertThat(first.seen).startsWith("x|first|1|[]|");
    assertThat(second.seen).startsWith("y|second|2|[b]|");
  }

  @Test
  void plainValuesInAnObjectFieldTravel() {
    HoldsObject list = runToEnd(new HoldsObject(List.of("a", 1, true)), null);
    assertThat(list.hasSucceeded()).as(String.valueOf(list.failure())).isTrue();
  }

  @Test
  void aParallelWorkSleepsForItsConstructorGivenTimeWhileASequentialWorkRuns() {
    final class Beside extends Flow {
      final Sleeper sleeper = new Sleeper(800);
      final Stamp stamp = new Stamp();

      @Override
      public void run() {
        sleeper.run();
        stamp.run();
        if (sleeper.hasSucceeded()) {
          stop();
        }
      }
    }
    Beside flow = new Beside();
    runApp(app(flow));
    assertThat(flow.sleeper.endedAt - flow.sleeper.startedAt)
        .as("slept for the constructor's 800 ms")
        .isBetween(790L, 10_000L);
    assertThat(flow.stamp.endedAt)
        .as("the sequential work ended while the parallel one slept")
        .isLessThan(flow.sleeper.endedAt);
  }

  // ---- types survive

  @Test
  void genericStateReadsAsTheBoundClass() {
    PointHolder holder = runToEnd(new PointHolder(), 3);
    Object value = holder.value;
    assertThat(value).isEqualTo(new Point(3, 6));
  }

  @Test
  void aGenericWorkGetsItsInputAsTheClassTheFlowPassed() {
    Echo<Point> points = runToEnd(new Echo<>(), new Point(1, 2));
    assertThat(points.inputClass).isEqualTo(Point.class.getName());
    Echo<Ticket> allowed = runToEnd(new Echo<>(), new Ticket("12A", 12));
    assertThat(allowed.hasSucceeded()).as(String.valueOf(allowed.failure())).isTrue();
    assertThat(allowed.inputClass).isEqualTo(Ticket.class.getName());
  }

  @Test
  void elementsOfAnErasedContainerArriveAsMaps() {
    Echo<List<Point>> echo = runToEnd(new Echo<>(), List.of(new Point(1, 2)));
    assertThat(echo.inputClass).startsWith("java.util.");
    assertThat(echo.elementClass).isEqualTo(java.util.LinkedHashMap.class.getName());
  }

  @Test
  void setsAndArraysAsGenericInputsKeepTheirKind() {
    java.util.Map<String, Integer> map = new java.util.HashMap<>(java.util.Map.of("k", 1));
    Echo<java.util.Set<String>> keys = runToEnd(new Echo<>(), map.keySet());
    assertThat(keys.hasSucceeded()).as(String.valueOf(keys.failure())).isTrue();
    assertThat(keys.inputClass).isEqualTo(java.util.LinkedHashSet.class.getName());
    Echo<Point[]> points = runToEnd(new Echo<>(), new Point[] {new Point(1, 2)});
    assertThat(points.hasSucceeded()).as(String.valueOf(points.failure())).isTrue();
    assertThat(points.inputClass).isEqualTo(Point[].class.getName());
  }

  @Test
  void anInputClassOutsideTheAllowListFailsTheCall() {
    Echo<Parcel> echo = new Echo<>();
    assertThatThrownBy(() -> runApp(app(new RunOnce<>(echo, new Parcel("box", 3)))))
        .isInstanceOf(AppFailedException.class)
        .hasMessageContainingAll(
            "input_type_refused", Parcel.class.getName(), "fulgur.serialization.allowed-packages");
    assertThat(echo.failure().orElseThrow().reason()).isEqualTo("input_type_refused");
  }

  // ---- mistakes fail early

  /** Captures the test instance: cannot be made on a node without it. */
  final class Inner extends Work<Void> {
    Inner() {
      super(InstanceWorks.CPU);
    }

    @Override
    protected void onRun(Void ignored) {}
  }

  @Test
  void anInnerWorkClassFailsTheAppAtStart() {
    failsAtStart(
        () ->
            new Flow() {
              final Inner inner = new Inner();

              @Override
              public void run() {
                inner.run();
              }
            },
        "root.inner",
        Inner.class.getName(),
        "make it a static nested or top-level class");
  }

  @Test
  void aLambdaAWorkOrAThreadInAFieldFailsTheAppAtStart() {
    failsAtStart(
        () -> new RunOnce<>(new HoldsLambda(), null),
        "root.work.shout",
        HoldsLambda.class.getName(),
        "a lambda",
        "mark it transient");
    failsAtStart(
        () -> new RunOnce<>(new HoldsWork(), null),
        "root.work.helper",
        "a work",
        "mark it transient");
    failsAtStart(() -> new RunOnce<>(new HoldsThread(), null), "root.work.thread", "a thread");
  }

  @Test
  void anActorRefInAFieldFailsTheAppAtStart() {
    ActorTestKit kit = ActorTestKit.create();
    try {
      TestProbe<String> probe = kit.createTestProbe();
      failsAtStart(
          () -> new RunOnce<>(new HoldsActorRef(probe.ref()), null),
          "root.work.replyTo",
          HoldsActorRef.class.getName(),
          "an actor ref");
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void aFlowDeepInsideTheConfigurationFailsTheCallAtPlacement() {
    HoldsFlow[] work = new HoldsFlow[1];
    Flow flow =
        new Flow() {
          final HoldsFlow holds = work[0] = new HoldsFlow(this);

          @Override
          public void run() {
            holds.run();
          }
        };
    assertThatThrownBy(() -> runApp(app(flow)))
        .isInstanceOf(AppFailedException.class)
        .hasMessageContainingAll("instance_error", "root.holds.owner.flow", "a flow");
    assertThat(work[0].failure().orElseThrow().reason()).isEqualTo("instance_error");
  }

  @Test
  void aCycleFailsTheCallAtPlacementEvenWithoutRaising() {
    CyclicConfig cyclic = runToEnd(new CyclicConfig(), null);
    assertThat(cyclic.hasFailed()).isTrue();
    assertThat(cyclic.failure().orElseThrow().reason()).isEqualTo("instance_error");
    assertThat(cyclic.failure().orElseThrow().message())
        .contains(
            "root.work.cfg.parent", "cycle", CyclicConfig.class.getName(), "mark it transient");
    assertThat(cyclic.statusHistory()).noneMatch(c -> c.status() == WorkStatus.RUNNING);
  }

  @Test
  void aValueThatWouldArriveAsAnotherClassFailsTheCallAtPlacement() {
    HoldsDog dog = new HoldsDog();
    assertThatThrownBy(() -> runApp(app(new RunOnce<>(dog, null))))
        .isInstanceOf(AppFailedException.class)
        .hasMessageContainingAll(
            "instance_error", "root.work.pet", InstanceWorks.Dog.class.getName(), "declared");
    HoldsObject record = new HoldsObject(new Point(1, 2));
    assertThatThrownBy(() -> runApp(app(new RunOnce<>(record, null))))
        .isInstanceOf(AppFailedException.class)
        .hasMessageContainingAll("root.work.settings", Point.class.getName(), "LinkedHashMap");
    InstanceWorks.Holder<Point> unbound = new InstanceWorks.Holder<>();
    unbound.value = new Point(1, 2);
    assertThatThrownBy(() -> runApp(app(new RunOnce<>(unbound, 1))))
        .isInstanceOf(AppFailedException.class)
        .hasMessageContainingAll("root.work.value", "bind its type variable");
  }

  @Test
  void aValueThatCannotBeBuiltBackFailsTheCallAtPlacement() {
    HoldsRunnable work = new HoldsRunnable();
    assertThatThrownBy(() -> runApp(app(new RunOnce<>(work, null))))
        .isInstanceOf(AppFailedException.class)
        .hasMessageContainingAll(
            "root.work.task", "cannot be built back", "Runnable", "mark it transient");
    assertThat(work.statusHistory()).noneMatch(c -> c.status() == WorkStatus.RUNNING);
  }

  @Test
  void anInstanceLargerThanTheLimitFailsAtPlacementNamingItsLargestField() {
    Large large = new Large(3, 60_000);
    assertThatThrownBy(() -> runApp(app(new RunOnce<>(large, null))))
        .isInstanceOf(AppFailedException.class)
        .hasMessageContainingAll(
            "root.work.chunks", "fulgur.work.max-instance-size", Large.class.getName());
  }

  @Test
  void worksInAnArrayASetOrANumberKeyedMapFailTheAppAtStart() {
    failsAtStart(InstanceWorks.WorksInArray::new, "root.helpers", "an array", "List");
    failsAtStart(InstanceWorks.WorksInSet::new, "root.helpers", "a Set", "List");
    failsAtStart(
        InstanceWorks.WorksByNumber::new, "root.helpers", "java.lang.Integer", "Map<String");
  }

  @Test
  void aFinalStateThatCannotBeSentFailsTheCall() {
    UnsendableResult work = runToEnd(new UnsendableResult(), null);
    assertThat(work.hasFailed()).as(String.valueOf(work.status())).isTrue();
    assertThat(work.failure().orElseThrow().reason()).isEqualTo("state_error");
    assertThat(work.failure().orElseThrow().message()).contains("result");
  }
}
