package io.fulgur.internal.protocol;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An app's secret: 128 random bits its flow makes at the start and puts in every message of its
 * channels; the app's id is derived from it ({@link #appId()}). A host opens an app's channel only
 * for the token of the app's id, and drops any later message of that app without it, so a member of
 * the cluster that is not the app's flow cannot place, run, stop or release its works. Compared in
 * constant time; never printed ({@link #toString} hides it).
 */
public final class AppToken {

  /** A token's length on the wire. */
  public static final int BYTES = 16;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] bytes;

  private AppToken(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A new random token. */
  public static AppToken random() {
    byte[] b = new byte[BYTES];
    RANDOM.nextBytes(b);
    return new AppToken(b);
  }

  /** The token of these {@link #BYTES} bytes (read from the wire, or fixed in a test). */
  public static AppToken of(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException(
          "an app token has " + BYTES + " bytes, not " + bytes.length);
    }
    return new AppToken(bytes.clone());
  }

  /**
   * The id of the app this token belongs to: the first 128 bits of the token's SHA-256, in hex. The
   * id is not a secret (it is in the logs); it is bound to the token, so a host refuses a token
   * that is not the id's, and knowing an app's id gives no way to open its channel on a host.
   */
  public String appId() {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(hash, 0, BYTES);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** Whether this token is the one of the app {@code appId} ({@link #appId()}). */
  public boolean isOf(String appId) {
    return MessageDigest.isEqual(
        appId().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        appId.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  /** Whether {@code other} is this token; takes the same time wherever the two differ. */
  public boolean matches(AppToken other) {
    return other != null && MessageDigest.isEqual(bytes, other.bytes);
  }

  /** The bytes, for the wire. */
  byte[] bytes() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AppToken t && matches(t);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Hides the token: it must not reach a log. */
  @Override
  public String toString() {
    return "AppToken[hidden]";
  }
}
