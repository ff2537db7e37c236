package io.fulgur.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where a node listens and which cluster it joins: options shared by every command. */
final class NetworkOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Artery TCP port of this node; 0 picks a free one (default: 0).")
  Integer port;

  @Option(
      names = "--hostname",
      paramLabel = "HOST",
      description =
          "Address the other nodes reach this one at (default: 127.0.0.1). Use the"
              + " machine's network address when nodes run on several machines.")
  String hostname;

  @Option(
      names = "--seed",
      paramLabel = "HOST:PORT",
      split = ",",
      description =
          "A node of the cluster to join (repeatable). None: this node starts a new cluster.")
  List<String> seeds;

  @Option(
      names = "--tls-dir",
      paramLabel = "DIR",
      description =
          "Mutual TLS between nodes, with the PEM files in DIR: ca.crt, tls.crt, tls.key"
              + " (samples/make-dev-certs.sh makes some for development). Also FULGUR_TLS_DIR.")
  File tlsDir;

  @Option(
      names = "--insecure",
      description =
          "Start without TLS on an address other machines can reach (refused otherwise): only on a"
              + " network you trust as a whole. Also FULGUR_INSECURE=on.")
  boolean insecure;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "A HOCON file with more settings (fulgur.*, pekko.*): options given on the command"
              + " line win over it, and it wins over their defaults.")
  File config;

  @Option(
      names = "--join-timeout",
      paramLabel = "DURATION",
      description = "How long to wait to join the cluster (default: 20s).")
  String joinTimeout;

  /**
   * The node's config: the command's own settings, then the options given on the command line, then
   * the --config file, then the options' defaults, then fulgur-cluster.conf.
   */
  Config toConfig(Config commandSettings) {
    Config fromFile = ConfigFactory.empty();
    if (config != null) {
      if (!config.isFile()) {
        throw new ParameterException(spec.commandLine(), "--config: no file " + config);
      }
      try {
        fromFile = ConfigFactory.parseFile(config);
      } catch (ConfigException e) {
        throw new ParameterException(spec.commandLine(), "--config: " + e.getMessage());
      }
    }
    Config given = ConfigFactory.empty();
    if (port != null) {
      if (port < 0 || port > 65535) {
        throw new ParameterException(spec.commandLine(), "--port must be 0-65535, was " + port);
      }
      given =
          given.withValue(
              "pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port));
    }
    if (hostname != null) {
      given =
          given.withValue(
              "pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(hostname));
    }
    if (seeds != null) {
      List<String> seedAddresses = new ArrayList<>();
      for (String seed : seeds) {
        seedAddresses.add(seedAddress(seed));
      }
      given =
          given.withValue(
              "pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedAddresses));
    }
    if (tlsDir != null) {
      if (!tlsDir.isDirectory()) {
        throw new ParameterException(spec.commandLine(), "--tls-dir: no directory " + tlsDir);
      }
      given =
          given.withValue(
              "fulgur.security.tls-dir", ConfigValueFactory.fromAnyRef(tlsDir.getAbsolutePath()));
    }
    if (insecure) {
      given =
          given.withValue("fulgur.security.allow-insecure", ConfigValueFactory.fromAnyRef(true));
    }
    if (joinTimeout != null) {
      given =
          given.withValue("fulgur.node.join-timeout", ConfigValueFactory.fromAnyRef(joinTimeout));
    }
    Config defaults =
        ConfigFactory.parseString(
            "pekko.remote.artery.canonical.port = 0\n"
                + "pekko.remote.artery.canonical.hostname = \"127.0.0.1\"\n"
                + "pekko.cluster.seed-nodes = []\n"
                + "fulgur.node.join-timeout = 20s");
    Config full;
    try {
      full =
          ClusterConfig.load(
              commandSettings.withFallback(given).withFallback(fromFile).withFallback(defaults));
    } catch (ConfigException e) {
      throw new ParameterException(spec.commandLine(), "invalid configuration: " + e.getMessage());
    }
    int finalPort = full.getInt("pekko.remote.artery.canonical.port");
    if (finalPort != 0) {
      checkFree(full.getString("pekko.remote.artery.canonical.hostname"), finalPort);
    }
    seedsForMessages = full.getStringList("pekko.cluster.seed-nodes");
    return full;
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

  private List<String> seedsForMessages = List.of();

  /** The seed nodes the node was given, for messages. */
  String seedsForMessages() {
    return seedsForMessages.isEmpty()
        ? "none (a new cluster)"
        : String.join(", ", seedsForMessages).replace("pekko://fulgur@", "");
  }
}
