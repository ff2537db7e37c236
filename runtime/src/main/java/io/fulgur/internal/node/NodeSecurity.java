package io.fulgur.internal.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns {@code fulgur.security} into Pekko's transport settings: mutual TLS from a directory of PEM
 * files, and the refusal to start a node reachable from other machines without TLS.
 */
final class NodeSecurity {
  private NodeSecurity() {}

  static final String TRANSPORT = "pekko.remote.artery.transport";
  private static final String ENGINE = "pekko.remote.artery.ssl.rotating-keys-engine.";

  /** The files a TLS directory holds, and what each is. */
  private static final List<String[]> TLS_FILES =
      List.of(
          new String[] {"ca.crt", "ca-cert-file", "the certificate of the CA every node trusts"},
          new String[] {"tls.crt", "cert-file", "this node's certificate"},
          new String[] {"tls.key", "key-file", "this node's private key"});

  /** {@code full} with TLS set from {@code fulgur.security.tls-dir}, checked for exposure. */
  static Config configure(Config full) {
    String dir = full.getString("fulgur.security.tls-dir");
    if (!dir.isBlank()) {
      full = withTls(full, Path.of(dir).toAbsolutePath());
    }
    refuseExposedPlainTcp(full);
    return full;
  }

  private static Config withTls(Config full, Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "fulgur.security.tls-dir: no directory " + dir + " (it holds ca.crt, tls.crt, tls.key)");
    }
    for (String[] file : TLS_FILES) {
      Path path = dir.resolve(file[0]);
      if (!Files.isReadable(path)) {
        throw new IllegalArgumentException(
            "fulgur.security.tls-dir: no readable " + path + " (" + file[2] + ", PEM)");
      }
      full = full.withValue(ENGINE + file[1], ConfigValueFactory.fromAnyRef(path.toString()));
    }
    return full.withValue(TRANSPORT, ConfigValueFactory.fromAnyRef("tls-tcp"))
        .withValue(
            "pekko.remote.artery.ssl.ssl-engine-provider",
            ConfigValueFactory.fromAnyRef(
                "org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider"))
        .withValue(
            ENGINE + "ssl-context-cache-ttl",
            ConfigValueFactory.fromAnyRef(full.getString("fulgur.security.tls-cache-ttl")));
  }

  private static void refuseExposedPlainTcp(Config full) {
    if ("tls-tcp".equals(full.getString(TRANSPORT))
        || full.getBoolean("fulgur.security.allow-insecure")) {
      return;
    }
    String canonical = full.getString("pekko.remote.artery.canonical.hostname");
    String bind = full.getString("pekko.remote.artery.bind.hostname");
    for (String host : bind.isEmpty() ? List.of(canonical) : List.of(canonical, bind)) {
      if (!isLoopback(host)) {
        throw new IllegalArgumentException(
            "This node would listen on "
                + host
                + " over plain TCP: any process that reaches that address could join the cluster"
                + " and run works on this node. Give it key material for mutual TLS (--tls-dir,"
                + " FULGUR_TLS_DIR or fulgur.security.tls-dir; samples/make-dev-certs.sh makes"
                + " some for development), or start it anyway on a network you trust as a whole"
                + " with --insecure (fulgur.security.allow-insecure = on). See docs/security.md.");
      }
    }
  }

  private static boolean isLoopback(String host) {
    if (host.startsWith("<")) {
      return false; // Pekko's <getHostAddress> and <getHostName>: the machine's own address
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
