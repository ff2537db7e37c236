package io.fulgur;

import static io.fulgur.Conditions.runApp;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fulgur.internal.protocol.FlowMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The channel between a flow and its hosts loses nothing when messages are lost: on in-JVM clusters
 * whose every message is serialised, with one message in five lost on purpose, and with an outbound
 * queue of Artery so small that it drops messages itself (counted: Artery publishes {@link
 * Dropped}). Every call ends SUCCEEDED, and every line the works printed arrives once, in order.
 */
@Tag("pekko-threading")
class ChannelLossTest {
  private static final int PRINTERS = 60;
  private static final int LINES = 40;

  /** Lines per printer where Artery's queue holds one message: enough batches to overflow it. */
  private static final int MANY_LINES = 200;

  private static final int CHAIN = 25;

  /** Prints as many numbered lines as its input says. */
  static class Printer extends Work<Integer> {
    Printer() {
      super(WorkOptions.defaults().withCompute(new CloudCompute("cpu")).withParallel(true));
    }

    @Override
    protected void onRun(Integer lines) {
      for (int i = 0; i < lines; i++) {
        System.out.println("line " + i);
      }
    }
  }

  /** Doubles its input, one call after the other. */
  static class Doubler extends Work<Integer> {
    public int result;

    Doubler() {
      super(WorkOptions.defaults().withCompute(new CloudCompute("cpu")));
    }

    @Override
    protected void onRun(Integer in) {
      result = in * 2;
    }
  }

  static class LossyFlow extends Flow {
    final List<Printer> printers = new ArrayList<>();
    final Doubler doubler = new Doubler();
    final List<Integer> chain = new ArrayList<>();
    final int lines;

    LossyFlow(int lines) {
      this.lines = lines;
      for (int i = 0; i < PRINTERS; i++) {
        printers.add(new Printer());
      }
    }

    @Override
    public void run() {
      boolean printed = true;
      for (Printer p : printers) {
        p.run(lines);
        printed &= p.hasSucceeded();
      }
      // a sequential chain alongside: each call waits for the one before
      while (chain.size() < CHAIN) {
        doubler.run(chain.size());
        if (!doubler.hasSucceeded()) {
          return;
        }
        chain.add(doubler.result);
      }
      if (printed) {
        stop();
      }
    }
  }

  /**
   * Runs the lossy flow on two workers; returns how many of the hosts' batches to the flow Artery
   * dropped because its outbound queue was full.
   */
  private static int runLossy(Config common, int lines) {
    LossyFlow flow = new LossyFlow(lines);
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AtomicInteger droppedBatches = new AtomicInteger();
    try (LocalCluster cluster = LocalCluster.start(common, "cpu", "cpu")) {
      for (Node node : cluster.nodes()) {
        countDroppedBatches(node.system(), droppedBatches);
      }
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        runApp(new App(flow, cluster.appConfig()), Duration.ofSeconds(90));
      } catch (AssertionError e) {
        // the logs went to the captured console: show them, without the works' lines
        System.setOut(original);
        out.toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> !l.startsWith("[root.printers."))
            .forEach(original::println);
        throw e;
      } finally {
        System.setOut(original);
      }
    }
    for (Printer p : flow.printers) {
      assertThat(p.status()).as(p.name()).isEqualTo(WorkStatus.SUCCEEDED);
    }
    List<Integer> doubled = new ArrayList<>();
    for (int i = 0; i < CHAIN; i++) {
      doubled.add(i * 2);
    }
    assertThat(flow.chain).containsExactlyElementsOf(doubled);

    Map<String, List<String>> byWork = new HashMap<>();
    for (String line : out.toString(StandardCharsets.UTF_8).lines().toList()) {
      if (line.startsWith("[root.printers.")) {
        int end = line.indexOf("] ");
        byWork
            .computeIfAbsent(line.substring(1, end), w -> new ArrayList<>())
            .add(line.substring(end + 2));
      }
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      expected.add("line " + i);
    }
    assertThat(byWork).hasSize(PRINTERS);
    for (Map.Entry<String, List<String>> work : byWork.entrySet()) {
      assertThat(work.getValue()).as(work.getKey()).containsExactlyElementsOf(expected);
    }
    return droppedBatches.get();
  }

  /** Counts the batches of events that Artery drops on {@code system} for a full queue. */
  private static void countDroppedBatches(ActorSystem<Void> system, AtomicInteger count) {
    ActorRef<Dropped> counter =
        system.systemActorOf(
            Behaviors.receiveMessage(
                dropped -> {
                  if (dropped.message() instanceof FlowMessage.Batch
                      && dropped.reason().contains("overflow")) {
                    count.incrementAndGet();
                  }
                  return Behaviors.same();
                }),
            "dropped-batches",
            Props.empty());
    system.eventStream().tell(new EventStream.Subscribe<>(Dropped.class, counter));
  }

  @Test
  void withOneMessageInFiveLostEveryCallSucceedsAndEveryLineArrivesOnce() {
    runLossy(
        ConfigFactory.parseString(
            "fulgur.channel.test-drop-one-in = 5\n"
                + "fulgur.channel.resend-after = 200ms\n"
                + "fulgur.channel.max-resend-after = 1s"),
        LINES);
  }

  private static Config queueOfOne(int associationWindow) {
    return ConfigFactory.parseString(
        "pekko.remote.artery.advanced.outbound-message-queue-size = 1\n"
            + "pekko.remote.artery.advanced.maximum-frame-size = 32KiB\n"
            + "fulgur.channel.window = 64\n"
            + "fulgur.channel.association-window = "
            + associationWindow
            + "\n"
            + "fulgur.channel.resend-after = 200ms\n"
            + "fulgur.channel.max-resend-after = 1s");
  }

  /**
   * Artery's outbound queue of one message, with frames of 32 KiB and 200 lines per work so that
   * the works' lines go in many batches: with windows that let 64 batches go to a node, Artery
   * drops many of them and the channel sends them again; with the connection's window at the
   * queue's size, Artery drops few (the cluster's own messages and the acks still compete for the
   * one place). Either way every call succeeds and every line arrives once.
   */
  @Test
  void withAnOutboundQueueThatDropsEveryCallSucceedsAndTheAssociationWindowKeepsWithinIt() {
    int droppedBeyondTheQueue = runLossy(queueOfOne(64), MANY_LINES);
    int droppedWithinIt = runLossy(queueOfOne(1), MANY_LINES);
    assertThat(droppedBeyondTheQueue).as("batches Artery dropped, windows of 64").isPositive();
    assertThat(droppedWithinIt * 4)
        .as(
            "batches Artery dropped with a window of 1 (%d), times 4, against windows of 64",
            droppedWithinIt)
        .isLessThan(droppedBeyondTheQueue);
  }
}
