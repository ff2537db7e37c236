package io.fulgur;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A cluster of Fulgur worker nodes inside this JVM, on 127.0.0.1: for tests, samples and trying a
 * deployment's shape on one machine. Each node is a separate ActorSystem; every message between
 * them goes through Artery and Jackson, as between machines.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.start("cpu", "cpu", "gpu")) {
 *   new App(new MyFlow(), cluster.appConfig()).run();
 * }
 * }</pre>
 */
public final class LocalCluster implements AutoCloseable {
  /**
   * Faster membership and Receptionist gossip than Pekko's defaults: cheap for a handful of nodes
   * on one machine, and it brings a node Up and its works' hosts into view in a fraction of the
   * time. Given to every node and to {@link #appConfig()}, below the caller's config.
   */
  private static final Config LOCAL_TUNING =
      ConfigFactory.parseString(
          String.join(
              "\n",
              "pekko.cluster.gossip-interval = 200ms",
              "pekko.cluster.leader-actions-interval = 200ms",
              "pekko.cluster.distributed-data.notify-subscribers-interval = 100ms",
              "pekko.cluster.distributed-data.gossip-interval = 500ms",
              "pekko.cluster.typed.receptionist.distributed-data.notify-subscribers-interval ="
                  + " 100ms"));

  private final List<Node> nodes;
  private final Config common;

  private LocalCluster(List<Node> nodes, Config common) {
    this.nodes = List.copyOf(nodes);
    this.common = common;
  }

  /**
   * Starts one worker node per argument and waits until all are Up.
   *
   * @param nodeRoles the roles of each node, comma-separated: {@code "cpu"}, {@code "cpu,gpu"}
   */
  public static LocalCluster start(String... nodeRoles) {
    return start(ConfigFactory.empty(), nodeRoles);
  }

  /**
   * Starts one worker node per argument with {@code common} config (given to every node and to
   * {@link #appConfig()}), and waits until all are Up.
   *
   * @param common settings for every node, e.g. {@code pekko.actor.serialize-messages = on}
   * @param nodeRoles the roles of each node, comma-separated: {@code "cpu"}, {@code "cpu,gpu"}
   */
  public static LocalCluster start(Config common, String... nodeRoles) {
    if (nodeRoles.length == 0) {
      throw new IllegalArgumentException("A LocalCluster needs at least one node");
    }
    common = common.withFallback(LOCAL_TUNING);
    List<Node> started = new ArrayList<>();
    try {
      String seed = null;
      for (String roles : nodeRoles) {
        List<String> roleList =
            Arrays.stream(roles.split(",")).map(String::trim).filter(r -> !r.isEmpty()).toList();
        Config nodeConfig =
            ConfigFactory.empty()
                .withValue("fulgur.node.roles", ConfigValueFactory.fromIterable(roleList))
                .withValue(
                    "pekko.cluster.seed-nodes",
                    ConfigValueFactory.fromIterable(seed == null ? List.of() : List.of(seed)))
                .withFallback(common);
        Node node = Node.start(nodeConfig);
        started.add(node);
        if (seed == null) {
          seed = node.address();
        }
      }
    } catch (RuntimeException e) {
      started.forEach(Node::close);
      throw e;
    }
    return new LocalCluster(started, common);
  }

  /** The worker nodes, in the order they were started. */
  public List<Node> nodes() {
    return nodes;
  }

  /**
   * Config for an {@link App} whose flow node joins this cluster and hosts no works of its own:
   * {@code new App(flow, cluster.appConfig()).run()}.
   */
  public Config appConfig() {
    return ConfigFactory.empty()
        .withValue("fulgur.node.host-works", ConfigValueFactory.fromAnyRef(false))
        .withValue(
            "pekko.cluster.seed-nodes",
            ConfigValueFactory.fromIterable(List.of(nodes.get(0).address())))
        .withFallback(common);
  }

  /** Stops every node, the seed last. */
  @Override
  public void close() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
  }
}
