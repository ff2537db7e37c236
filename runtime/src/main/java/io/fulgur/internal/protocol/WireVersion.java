package io.fulgur.internal.protocol;

/**
 * The version of Fulgur's wire format, one number shared by the serializer (first byte of every
 * payload) and the join check that keeps nodes of different versions out of one cluster.
 */
public final class WireVersion {
  /** The wire format this build writes and reads; bump it on any incompatible change. */
  public static final int CURRENT = 4;

  /**
   * The config key every Fulgur node carries with {@link #CURRENT} (set by the runtime, not by the
   * user), compared when a node joins.
   */
  public static final String KEY = "fulgur.wire.version";

  private WireVersion() {}
}
