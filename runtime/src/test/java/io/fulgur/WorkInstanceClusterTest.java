package io.fulgur;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link WorkInstanceContract} on a cluster of two {@code cpu} nodes and a flow node in this JVM,
 * every message serialised (surefire sets {@code pekko.actor.serialize-messages = on}).
 */
class WorkInstanceClusterTest extends WorkInstanceContract {
  private static LocalCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = LocalCluster.start(ConfigFactory.parseString(ALLOWED), "cpu", "cpu");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  App app(Flow flow) {
    return new App(flow, cluster.appConfig());
  }
}
