package io.fulgur.internal.node;

import com.typesafe.config.Config;
import io.fulgur.internal.protocol.WireVersion;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Refuses a join between nodes whose {@code fulgur.wire.version} differs or is missing: they could
 * not read each other's messages. Registered in fulgur-node-defaults.conf; Pekko runs it on the
 * cluster's side with the joining node's value, and on the joining side with the cluster's.
 */
public final class WireVersionCompatChecker extends JoinConfigCompatChecker {
  private static final Seq<String> REQUIRED =
      CollectionConverters.asScala(List.of(WireVersion.KEY)).toList();

  private static final String WHY =
      ": nodes of different Fulgur wire versions cannot form a cluster (upgrade every node to the"
          + " same Fulgur release)";

  /** Pekko creates checkers by reflection, with no arguments. */
  public WireVersionCompatChecker() {}

  /** The key the joining node sends along with its join request. */
  @Override
  public Seq<String> requiredKeys() {
    return REQUIRED;
  }

  /**
   * Compares the other node's version ({@code toCheck}: the joining node's on the cluster's side,
   * the cluster's on the joining side) with this node's ({@code actualConfig}).
   */
  @Override
  public ConfigValidation check(Config toCheck, Config actualConfig) {
    String other = versionIn(toCheck);
    String self = versionIn(actualConfig);
    if (other != null && other.equals(self)) {
      return Valid.getInstance();
    }
    String message =
        WireVersion.KEY
            + " is "
            + (other == null ? "missing" : other)
            + " on the other node and "
            + (self == null ? "missing" : self)
            + " on this node"
            + WHY;
    return new Invalid(CollectionConverters.asScala(List.of(message)).toList());
  }

  /** The version as written ({@code 1}), or null without one. */
  private static String versionIn(Config config) {
    return config.hasPath(WireVersion.KEY)
        ? Objects.toString(config.getValue(WireVersion.KEY).unwrapped())
        : null;
  }
}
