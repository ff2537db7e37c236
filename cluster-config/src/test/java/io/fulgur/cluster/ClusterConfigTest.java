package io.fulgur.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fulgur.App;
import io.fulgur.CloudCompute;
import io.fulgur.Flow;
import io.fulgur.Node;
import io.fulgur.Work;
import io.fulgur.internal.dispatch.ThreadingMode;
import io.fulgur.internal.node.NodeSystem;
import io.fulgur.internal.protocol.WireVersion;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The deployment HOCON forms a working cluster and carries the settings it documents; its nodes
 * carry this build's wire version whatever the config says.
 */
class ClusterConfigTest {

  @Test
  void defaultsDescribeOneNodeOnLoopbackWithTheSplitBrainResolver() {
    Config config = ClusterConfig.load();
    assertThat(config.getString("pekko.actor.provider")).isEqualTo("cluster");
    assertThat(config.getString("pekko.remote.artery.canonical.hostname")).isEqualTo("127.0.0.1");
    assertThat(config.getInt("pekko.remote.artery.canonical.port")).isEqualTo(2552);
    assertThat(config.getString("pekko.cluster.downing-provider-class")).contains("SplitBrain");
    Config node = io.fulgur.internal.node.NodeSystem.resolve(config);
    assertThat(node.getString("pekko.cluster.split-brain-resolver.active-strategy"))
        .isEqualTo("keep-majority");
    assertThat(node.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause"))
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(node.getDuration("pekko.cluster.split-brain-resolver.stable-after"))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(config.getBoolean("pekko.actor.allow-java-serialization")).isFalse();
  }

  @Test
  void fulgurCustomThreadingFromTheEnvironmentReachesTheNode() {
    assertThat(ThreadingMode.of(NodeSystem.resolve(ClusterConfig.load())))
        .isEqualTo(ThreadingMode.CUSTOM);
    // as with FULGUR_CUSTOM_THREADING=off in the environment (HOCON looks the variable up in the
    // config it resolves against first)
    Config deployment =
        ConfigFactory.parseString("FULGUR_CUSTOM_THREADING = off")
            .withFallback(
                ConfigFactory.parseResources(
                    ClusterConfig.class.getClassLoader(), ClusterConfig.RESOURCE))
            .resolve();
    Config node = NodeSystem.resolve(deployment);
    assertThat(ThreadingMode.of(node)).isEqualTo(ThreadingMode.PEKKO);
    assertThat(node.getString("pekko.remote.artery.advanced.use-dispatcher"))
        .isEqualTo("pekko.remote.default-remote-dispatcher");
  }

  /** Reports its node. */
  static class Where extends Work<String> {
    public String ranOn;

    Where() {
      super(new CloudCompute("cpu"));
    }

    @Override
    protected void onRun(String input) {
      ranOn = nodeAddress();
    }
  }

  static class WhereFlow extends Flow {
    final Where where = new Where();

    @Override
    public void run() {
      where.run("x");
      stop();
    }
  }

  @Test
  @Timeout(60)
  void aWorkerNodeAndAnAppFormAClusterFromIt() {
    Config worker =
        ClusterConfig.load(
            ConfigFactory.parseString(
                "pekko.remote.artery.canonical.port = 0\nfulgur.node.roles = [cpu]"));
    try (Node node = Node.start(worker)) {
      assertThat(node.roles()).containsExactly("cpu");
      // A config that claims another wire version (as a --config file could) does not change the
      // node's: the runtime sets this build's, so the app's node is not refused by the worker.
      Config flowNode =
          ClusterConfig.load(
              ConfigFactory.parseString(
                  "pekko.remote.artery.canonical.port = 0\n"
                      + "fulgur.node.host-works = off\n"
                      + WireVersion.KEY
                      + " = "
                      + (WireVersion.CURRENT + 1)
                      + "\n"
                      + "pekko.cluster.seed-nodes = [\""
                      + node.address()
                      + "\"]"));
      WhereFlow flow = new WhereFlow();
      assertThat(NodeSystem.resolve(flowNode).getInt(WireVersion.KEY))
          .isEqualTo(WireVersion.CURRENT);
      new App(flow, flowNode).run();
      assertThat(flow.where.ranOn).isEqualTo(node.address());
    }
  }
}
