package io.fulgur.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * Loads {@code fulgur-cluster.conf}: the settings a cluster of Fulgur nodes needs (Artery TCP
 * address, seed nodes, split-brain resolver, failure detector), with the {@code FULGUR_*}
 * environment variables applied. Give the result to {@code Node.start} or {@code new App(flow,
 * config)}.
 */
public final class ClusterConfig {
  /** The resource name of the deployment HOCON. */
  public static final String RESOURCE = "fulgur-cluster.conf";

  private ClusterConfig() {}

  /** The deployment config, resolved against the environment. */
  public static Config load() {
    return ConfigFactory.parseResources(ClusterConfig.class.getClassLoader(), RESOURCE).resolve();
  }

  /** The deployment config under {@code overrides} (e.g. a node's port and roles). */
  public static Config load(Config overrides) {
    return overrides
        .withFallback(ConfigFactory.parseResources(ClusterConfig.class.getClassLoader(), RESOURCE))
        .resolve();
  }
}
