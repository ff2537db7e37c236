package io.fulgur.internal;

import com.typesafe.config.Config;
import io.fulgur.internal.dispatch.SelectorExecutor;
import io.fulgur.internal.dispatch.ThreadingMode;
import io.fulgur.internal.protocol.WireSize;
import java.time.Duration;
import java.util.List;

/**
 * Fulgur's settings, read once from the {@code fulgur} section of a node's config (see
 * reference.conf for what each key means).
 */
public record Settings(
    List<String> roles,
    boolean hostWorks,
    boolean serveAllRoles,
    int idleWorkActors,
    int maxCallThreads,
    Duration joinTimeout,
    Duration leaveTimeout,
    Duration placementWarnAfter,
    Duration placementTimeout,
    Duration listingSettle,
    Duration appStopTimeout,
    Duration stateSyncInterval,
    Duration runningReportDelay,
    Duration forceStopAfter,
    Duration outputFlushInterval,
    int outputBatchLines,
    int outputMaxBufferedLines,
    long outputMaxBufferedBytesPerNode,
    int outputMaxLineBytes,
    int messageBudget,
    int maxInstanceSize,
    int maxValueSize,
    List<String> allowedPackages,
    ThreadingMode threading,
    Channel channel) {

  /**
   * The flow-host channel ({@code fulgur.channel}): the most messages unacknowledged per direction
   * of one channel and over all channels to one node, the first and the longest wait before they
   * are sent again, the longest an ack waits for a message to ride on, and the test-only loss of
   * one message in {@code testDropOneIn}.
   */
  public record Channel(
      int window,
      int associationWindow,
      Duration resendAfter,
      Duration maxResendAfter,
      Duration ackDelay,
      int testDropOneIn) {

    /**
     * The most messages a sender can have unacknowledged on one stream: its own window, or the
     * connection's when that is smaller. A receiver acks at once when half of it waits for an ack,
     * so that a sender held by either window is not left waiting for the ack delay.
     */
    public int sendersWindow() {
      return Math.min(window, associationWindow);
    }
  }

  /** Artery's largest message; what Fulgur puts in one stays below it ({@link WireSize}). */
  public static final String MAX_FRAME_KEY = "pekko.remote.artery.advanced.maximum-frame-size";

  /** Reads the {@code fulgur} section; fails with the key's name when a value is wrong. */
  public static Settings from(Config config) {
    Config f = config.getConfig("fulgur");
    // read by the node's executor when the dispatcher starts: checked here, at the node's start
    atLeastOne(f, "work-dispatcher.serving-threads");
    atLeastOne(f, "work-dispatcher.serving-backlog");
    SelectorExecutor.validate(config);
    String forceStop = f.getString("work.force-stop-after");
    int budget =
        WireSize.budget(
            config.hasPath(MAX_FRAME_KEY) ? config.getBytes(MAX_FRAME_KEY) : 256 * 1024);
    return new Settings(
        List.copyOf(f.getStringList("node.roles")),
        f.getBoolean("node.host-works"),
        f.getBoolean("node.serve-all-roles"),
        atLeastZero(f, "node.idle-work-actors"),
        atLeastOne(f, "node.max-call-threads"),
        positive(f, "node.join-timeout"),
        positive(f, "node.leave-timeout"),
        positive(f, "placement.warn-after"),
        positive(f, "placement.timeout"),
        positive(f, "placement.listing-settle"),
        positive(f, "app.stop-timeout"),
        positive(f, "work.state-sync-interval"),
        positive(f, "work.running-report-delay"),
        "off".equalsIgnoreCase(forceStop) ? null : positive(f, "work.force-stop-after"),
        positive(f, "output.flush-interval"),
        atLeastOne(f, "output.batch-lines"),
        atLeastOne(f, "output.max-buffered-lines"),
        atLeastOneByte(f, "output.max-buffered-bytes-per-node"),
        lineLength(f, budget),
        budget,
        cappedBytes(f, "work.max-instance-size", budget),
        cappedBytes(f, "work.max-value-size", budget),
        allowedPackages(f),
        ThreadingMode.of(config),
        new Channel(
            atLeastOne(f, "channel.window"),
            associationWindow(config),
            positive(f, "channel.resend-after"),
            positive(f, "channel.max-resend-after"),
            positive(f, "channel.ack-delay"),
            atLeastZero(f, "channel.test-drop-one-in")));
  }

  /** A size limit in bytes, never above what one message between nodes can carry. */
  private static int cappedBytes(Config f, String key, int budget) {
    long max = f.getBytes(key);
    if (max < 1) {
      throw new IllegalArgumentException("fulgur." + key + " must be at least 1 byte, was " + max);
    }
    return (int) Math.min(max, budget);
  }

  /**
   * At least 1 KiB, and at most a third of half a message: a line's bytes that are not UTF-8 decode
   * to 3-byte replacement characters, and a batch needs every line to fit in half of one.
   */
  private static int lineLength(Config f, int budget) {
    long n = f.getBytes("output.max-line-length");
    if (n < 1024) {
      throw new IllegalArgumentException(
          "fulgur.output.max-line-length must be at least 1KiB, was " + n + " bytes");
    }
    return (int) Math.min(n, budget / 2 / 3);
  }

  private static long atLeastOneByte(Config f, String key) {
    long n = f.getBytes(key);
    if (n < 1) {
      throw new IllegalArgumentException("fulgur." + key + " must be at least 1 byte, was " + n);
    }
    return n;
  }

  /** Each entry names a package with at least two segments: "com" would open half the world. */
  private static List<String> allowedPackages(Config f) {
    List<String> packages = List.copyOf(f.getStringList("serialization.allowed-packages"));
    for (String p : packages) {
      String name = p.endsWith(".") ? p.substring(0, p.length() - 1) : p;
      if (name.indexOf('.') < 1 || name.endsWith(".") || name.contains("..")) {
        throw new IllegalArgumentException(
            "fulgur.serialization.allowed-packages: '"
                + p
                + "' is too broad or not a package name; name your own packages with at least"
                + " two segments, for example com.acme.model");
      }
    }
    return packages;
  }

  private static Duration positive(Config f, String key) {
    Duration d = f.getDuration(key);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("fulgur." + key + " must be positive, was " + d);
    }
    return d;
  }

  private static int atLeastZero(Config f, String key) {
    int n = f.getInt(key);
    if (n < 0) {
      throw new IllegalArgumentException("fulgur." + key + " must be at least 0, was " + n);
    }
    return n;
  }

  /** Artery's queue of ordinary messages to one node: what does not fit is dropped. */
  public static final String OUTBOUND_QUEUE_KEY =
      "pekko.remote.artery.advanced.outbound-message-queue-size";

  /**
   * {@code fulgur.channel.association-window}: a number, or {@code auto} for a quarter of Artery's
   * outbound queue. A quarter: the batches one way and the acks of the batches coming the other way
   * share the queue, with room left for the cluster's own messages.
   */
  private static int associationWindow(Config config) {
    String key = "fulgur.channel.association-window";
    if ("auto".equals(config.getString(key))) {
      int queue = config.hasPath(OUTBOUND_QUEUE_KEY) ? config.getInt(OUTBOUND_QUEUE_KEY) : 3072;
      return Math.max(1, queue / 4);
    }
    int n;
    try {
      n = config.getInt(key);
    } catch (com.typesafe.config.ConfigException.WrongType e) {
      throw new IllegalArgumentException(
          key + " must be auto or a number of messages, was " + config.getValue(key).render(), e);
    }
    if (n < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, was " + n);
    }
    return n;
  }

  private static int atLeastOne(Config f, String key) {
    int n = f.getInt(key);
    if (n < 1) {
      throw new IllegalArgumentException("fulgur." + key + " must be at least 1, was " + n);
    }
    return n;
  }
}
