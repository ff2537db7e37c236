package io.fulgur;

import static io.fulgur.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.fulgur.internal.node.NodeSystem;
import io.fulgur.internal.node.WireVersionCompatChecker;
import io.fulgur.internal.protocol.WireVersion;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.Valid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Nodes of different Fulgur wire versions do not form a cluster: a joining node whose {@code
 * fulgur.wire.version} differs from the cluster's, or that has none, is refused, both sides say
 * why, and it never becomes a member. The other version is put in after {@link NodeSystem#resolve},
 * which sets this build's version over any config.
 */
class WireVersionJoinTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  /** Brings the seed Up in a fraction of Pekko's default leader-actions interval. */
  private static final Config FAST =
      ConfigFactory.parseString(
          "pekko.cluster.gossip-interval = 200ms\npekko.cluster.leader-actions-interval = 200ms");

  private static ActorSystem<Void> seed;

  @BeforeAll
  static void startSeed() {
    seed = NodeSystem.start(NodeSystem.resolve(FAST), spawned -> {});
    NodeSystem.awaitUp(seed, DEADLINE);
  }

  @AfterAll
  static void stopSeed() {
    if (seed != null) {
      NodeSystem.shutdown(seed, Duration.ofSeconds(15));
    }
  }

  @Test
  void everyNodeCarriesThisBuildsWireVersionWhateverItsConfigSays() {
    Config seedConfig = seed.settings().config();
    assertThat(seedConfig.getInt(WireVersion.KEY)).isEqualTo(WireVersion.CURRENT);
    assertThat(
            seedConfig.getBoolean(
                "pekko.cluster.configuration-compatibility-check.enforce-on-join"))
        .isTrue();
    assertThat(
            seedConfig.getString(
                "pekko.cluster.configuration-compatibility-check.checkers.fulgur-wire"))
        .isEqualTo(WireVersionCompatChecker.class.getName());
    Config lying = ConfigFactory.parseString(WireVersion.KEY + " = " + (WireVersion.CURRENT + 1));
    assertThat(NodeSystem.resolve(lying).getInt(WireVersion.KEY)).isEqualTo(WireVersion.CURRENT);
  }

  @Test
  void theCheckerAcceptsTheSameVersionOnlyAndNamesBothOtherwise() {
    WireVersionCompatChecker checker = new WireVersionCompatChecker();
    assertThat(CollectionConverters.asJava(checker.requiredKeys()))
        .containsExactly(WireVersion.KEY);
    Config one = ConfigFactory.parseString(WireVersion.KEY + " = 1");
    Config two = ConfigFactory.parseString(WireVersion.KEY + " = 2");
    assertThat(checker.check(one, ConfigFactory.parseString(WireVersion.KEY + " = 1")))
        .isEqualTo(Valid.getInstance());
    assertThat(messages(checker.check(two, one)))
        .singleElement()
        .asString()
        .contains(WireVersion.KEY + " is 2 on the other node and 1 on this node")
        .contains("cannot form a cluster");
    assertThat(messages(checker.check(ConfigFactory.empty(), one)))
        .singleElement()
        .asString()
        .contains(WireVersion.KEY + " is missing on the other node and 1 on this node");
  }

  @Test
  @Timeout(90)
  void aNodeOfAnotherWireVersionIsRefusedAndSaysWhy() {
    int other = WireVersion.CURRENT + 1;
    refusedJoin(
        joiner -> joiner.withValue(WireVersion.KEY, ConfigValueFactory.fromAnyRef(other)),
        String.valueOf(other));
  }

  @Test
  @Timeout(90)
  void aNodeWithoutAWireVersionIsRefused() {
    refusedJoin(joiner -> joiner.withoutPath(WireVersion.KEY), "missing");
  }

  /** Does nothing: the app is refused before its flow runs. */
  static class IdleFlow extends Flow {
    @Override
    public void run() {
      stop();
    }
  }

  @Test
  @Timeout(90)
  void nodesAndAppsOfThisBuildFailAtOnceWhenAClusterOfAnotherVersionRefusesThem() {
    int other = WireVersion.CURRENT + 1;
    ActorSystem<Void> newer =
        NodeSystem.start(
            NodeSystem.resolve(FAST)
                .withValue(WireVersion.KEY, ConfigValueFactory.fromAnyRef(other)),
            spawned -> {});
    try {
      NodeSystem.awaitUp(newer, DEADLINE);
      Config joining =
          ConfigFactory.empty()
              .withValue(
                  "pekko.cluster.seed-nodes",
                  ConfigValueFactory.fromIterable(List.of(NodeSystem.address(newer))));
      String why = WireVersion.KEY + " is " + WireVersion.CURRENT + ": nodes of different";
      long start = System.nanoTime();
      assertThatThrownBy(() -> Node.start(joining))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(why);
      assertThatThrownBy(
              () ->
                  Conditions.runApp(
                      new App(
                          new IdleFlow(),
                          joining.withValue(
                              "fulgur.node.host-works", ConfigValueFactory.fromAnyRef(false)))))
          .isInstanceOf(AppFailedException.class)
          .hasMessageContaining("could not join the cluster")
          .hasMessageContaining(why);
      // well before the join timeout (30s) that a node which never hears back waits out
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    } finally {
      NodeSystem.shutdown(newer, Duration.ofSeconds(15));
    }
  }

  /**
   * Starts a node that joins the seed with the config {@code change} makes of a Fulgur node's, and
   * checks that it is refused: it stops, saying why, the seed logs the versions, and the seed never
   * lists it as a member.
   */
  private static void refusedJoin(
      java.util.function.UnaryOperator<Config> change, String joinerVersion) {
    String seedAddress = NodeSystem.address(seed);
    Config joinerConfig =
        change.apply(
            NodeSystem.resolve(
                FAST.withValue(
                    "pekko.cluster.seed-nodes",
                    ConfigValueFactory.fromIterable(List.of(seedAddress)))));
    Cluster seedCluster = Cluster.get(Adapter.toClassic(seed));
    Set<String> seenBySeed = ConcurrentHashMap.newKeySet();
    try (Conditions.LogCapture pekkoLogs =
            Conditions.LogCapture.attach("org.apache.pekko.cluster");
        Conditions.LogCapture fulgurLogs = Conditions.LogCapture.attach()) {
      long start = System.nanoTime();
      ActorSystem<Void> joiner = NodeSystem.start(joinerConfig, spawned -> {});
      String joinerAddress = Cluster.get(Adapter.toClassic(joiner)).selfAddress().toString();
      try {
        // The refused node shuts itself down, so waiting for it to be Up fails at once and says
        // why.
        assertThatThrownBy(() -> NodeSystem.awaitUp(joiner, DEADLINE))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("could not join the cluster of seed nodes [" + seedAddress + "]")
            .hasMessageContaining(WireVersion.KEY + " is " + joinerVersion)
            .hasMessageContaining("cannot form a cluster");
        Duration refusedAfter = Duration.ofNanos(System.nanoTime() - start);
        assertThat(refusedAfter).isLessThan(DEADLINE);
        System.out.println("refused and stopped after " + refusedAfter.toMillis() + " ms");

        String expected =
            WireVersion.KEY
                + " is "
                + joinerVersion
                + " on the other node and "
                + WireVersion.CURRENT
                + " on this node";
        await(
            "the seed node to log why it refused " + joinerAddress,
            DEADLINE,
            () -> {
              for (Member m : seedCluster.state().getMembers()) {
                seenBySeed.add(m.address().toString());
              }
              return pekkoLogs.lines().stream()
                  .anyMatch(l -> l.contains(joinerAddress) && l.contains(expected));
            });
        for (Member m : seedCluster.state().getMembers()) {
          seenBySeed.add(m.address().toString());
        }
        assertThat(seenBySeed).contains(seedAddress).doesNotContain(joinerAddress);

        String seedLine =
            pekkoLogs.lines().stream().filter(l -> l.contains(expected)).findFirst().orElseThrow();
        System.out.println("seed node:    " + seedLine);
        assertThat(seedLine)
            .startsWith("WARN")
            .contains("cannot form a cluster (upgrade every node to the same Fulgur release)");
        pekkoLogs.lines().stream()
            .filter(l -> l.startsWith("ERROR") && l.contains(joinerAddress))
            .forEach(l -> System.out.println("joining node: " + l));

        // The joining node's own ERROR line, logged when it stopped.
        await(
            "the refused node to log why it stopped",
            DEADLINE,
            () ->
                fulgurLogs.lines().stream()
                    .anyMatch(
                        l ->
                            l.startsWith("ERROR")
                                && l.contains(joinerAddress)
                                && l.contains(WireVersion.KEY + " is " + joinerVersion)));
        fulgurLogs.lines().stream()
            .filter(l -> l.contains(joinerAddress))
            .forEach(l -> System.out.println("joining node: " + l));
      } finally {
        NodeSystem.shutdown(joiner, Duration.ofSeconds(15));
      }
    }
    // The seed is untouched: still Up, alone.
    assertThat(seedCluster.selfMember().status())
        .isEqualTo(org.apache.pekko.cluster.MemberStatus.up());
  }

  private static List<String> messages(ConfigValidation validation) {
    assertThat(validation).isInstanceOf(Invalid.class);
    return CollectionConverters.asJava(((Invalid) validation).errorMessages());
  }
}
