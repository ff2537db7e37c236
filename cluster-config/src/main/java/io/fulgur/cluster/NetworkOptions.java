package io.fulgur.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Where a node listens and which cluster it joins: options shared by every command. */
final class NetworkOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Artery TCP port of this node; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port = 0;

  @Option(
      names = "--hostname",
      paramLabel = "HOST",
      description =
          "Address the other nodes reach this one at (default: ${DEFAULT-VALUE}). Use the"
              + " machine's network address when nodes run on several machines.")
  String hostname = "127.0.0.1";

  @Option(
      names = "--seed",
      paramLabel = "HOST:PORT",
      split = ",",
      description =
          "A node of the cluster to join (repeatable). None: this node starts a new cluster.")
  List<String> seeds = new ArrayList<>();

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "A HOCON file with more settings (fulgur.*, pekko.*), below these options.")
  File config;

  @Option(
      names = "--join-timeout",
      paramLabel = "DURATION",
      description = "How long to wait to join the cluster (default: ${DEFAULT-VALUE}).")
  String joinTimeout = "20s";

  /** The node's config: these options over the file over fulgur-cluster.conf. */
  Config toConfig(Config commandSettings) {
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port must be 0-65535, was " + port);
    }
    if (port != 0) {
      checkFree(hostname, port);
    }
    List<String> seedAddresses = new ArrayList<>();
    for (String seed : seeds) {
      seedAddresses.add(seedAddress(seed));
    }
    Config fromFile = ConfigFactory.empty();
    if (config != null) {
      if (!config.isFile()) {
        throw new ParameterException(spec.commandLine(), "--config: no file " + config);
      }
      fromFile = ConfigFactory.parseFile(config);
    }
    Config options =
        ConfigFactory.empty()
            .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
            .withValue(
                "pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(hostname))
            .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedAddresses))
            .withValue("fulgur.node.join-timeout", ConfigValueFactory.fromAnyRef(joinTimeout));
    return ClusterConfig.load(commandSettings.withFallback(options).withFallback(fromFile));
  }

  /** Fails with one line if the port cannot be bound (Pekko would log a stack trace first). */
  private void checkFree(String host, int p) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, p));
    } catch (IOException e) {
      throw new ParameterException(
          spec.commandLine(),
          "cannot listen on " + host + ":" + p + ": " + e.getMessage() + " (is the port in use?)");
    }
  }

  private String seedAddress(String seed) {
    if (seed.startsWith("pekko://")) {
      return seed;
    }
    int colon = seed.lastIndexOf(':');
    if (colon <= 0 || colon == seed.length() - 1) {
      throw new ParameterException(
          spec.commandLine(), "--seed must be HOST:PORT (e.g. 127.0.0.1:2551), was '" + seed + "'");
    }
    try {
      int p = Integer.parseInt(seed.substring(colon + 1));
      if (p <= 0 || p > 65535) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new ParameterException(
          spec.commandLine(), "--seed port must be 1-65535, was '" + seed + "'");
    }
    return "pekko://fulgur@" + seed;
  }

  String seedsForMessages() {
    return seeds.isEmpty() ? "none (a new cluster)" : String.join(", ", seeds);
  }
}
