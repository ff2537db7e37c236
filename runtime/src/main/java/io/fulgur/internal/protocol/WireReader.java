package io.fulgur.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link WireWriter} wrote, trusting nothing: every length and count is checked against
 * the bytes that remain before anything is allocated for it, and a negative or oversized number is
 * refused. Every refusal is a {@link NotSerializableException}, which Pekko logs and drops: no
 * bytes from the network can make the node allocate more than they justify.
 */
final class WireReader {
  private final byte[] buf;
  private int pos;
  private String[] shared;
  private int sharedCount;

  WireReader(byte[] buf) {
    this.buf = buf;
  }

  private static NotSerializableException malformed(String what) {
    return new NotSerializableException("malformed Fulgur message: " + what);
  }

  /** A non-negative int. */
  int varint() throws NotSerializableException {
    long v = varlong();
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw malformed("number out of range (" + v + ")");
    }
    return (int) v;
  }

  long varlong() throws NotSerializableException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = next();
      v |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw malformed("varint too long");
  }

  /**
   * A count of items that follow, each at least one byte: never more than the bytes that remain, so
   * that a list made for it is bounded by the message's size.
   */
  int count() throws NotSerializableException {
    int n = varint();
    if (n > remaining()) {
      throw malformed("a count of " + n + " with " + remaining() + " bytes left");
    }
    return n;
  }

  int remaining() {
    return buf.length - pos;
  }

  private byte next() throws NotSerializableException {
    if (pos >= buf.length) {
      throw malformed("truncated");
    }
    return buf[pos++];
  }

  boolean bool() throws NotSerializableException {
    byte b = next();
    if (b != 0 && b != 1) {
      throw malformed("a boolean of " + b);
    }
    return b == 1;
  }

  String string() throws NotSerializableException {
    int n = varint() - 1;
    if (n < 0) {
      return null;
    }
    return utf8(n);
  }

  /** A string that must be there. */
  String requiredString(String what) throws NotSerializableException {
    String s = string();
    if (s == null) {
      throw malformed(what + " is missing");
    }
    return s;
  }

  /** {@code n} bytes as they are ({@link WireWriter#fixed}); {@code what} names them if missing. */
  byte[] fixed(int n, String what) throws NotSerializableException {
    if (n > remaining()) {
      throw malformed(what + " is cut short");
    }
    byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return b;
  }

  private String utf8(int n) throws NotSerializableException {
    check(n);
    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  private void check(int n) throws NotSerializableException {
    if (n < 0 || n > remaining()) {
      throw malformed("a length of " + n + " with " + remaining() + " bytes left");
    }
  }

  /** Reads what {@link WireWriter#shared} wrote. */
  String shared() throws NotSerializableException {
    int n = varint();
    if (n == 0) {
      return null;
    }
    if (n == 1) {
      int i = varint();
      if (i >= sharedCount) {
        throw malformed("string reference " + i);
      }
      return shared[i];
    }
    String s = utf8(n - 2);
    if (shared == null) {
      shared = new String[WireWriter.MAX_SHARED];
    }
    if (sharedCount < WireWriter.MAX_SHARED) {
      shared[sharedCount++] = s;
    }
    return s;
  }

  /** A shared string that must be there. */
  String requiredShared(String what) throws NotSerializableException {
    String s = shared();
    if (s == null) {
      throw malformed(what + " is missing");
    }
    return s;
  }

  JsonNode json() throws NotSerializableException {
    int tag = varint();
    switch (tag) {
      case WireWriter.JSON_ABSENT:
        return null;
      case WireWriter.JSON_NULL:
        return NullNode.getInstance();
      case WireWriter.JSON_LONG:
        long z = varlong();
        long v = (z >>> 1) ^ -(z & 1);
        return v == (int) v ? IntNode.valueOf((int) v) : LongNode.valueOf(v);
      case WireWriter.JSON_TEXT:
        return TextNode.valueOf(requiredString("a text value"));
      case WireWriter.JSON_TRUE:
        return BooleanNode.TRUE;
      case WireWriter.JSON_FALSE:
        return BooleanNode.FALSE;
      case WireWriter.JSON_CBOR:
        int n = varint();
        check(n);
        CborCheck.check(buf, pos, n);
        try {
          JsonNode node = WireSerializer.CBOR.readTree(buf, pos, n);
          pos += n;
          if (node == null || node.isMissingNode()) {
            throw malformed("an empty CBOR value");
          }
          return node;
        } catch (IOException e) {
          throw malformed("an input or state that is not valid CBOR: " + e.getMessage());
        }
      default:
        throw malformed("unknown JSON tag " + tag);
    }
  }

  /** The message must end where its last field ends. */
  void end() throws NotSerializableException {
    if (pos != buf.length) {
      throw malformed(remaining() + " bytes after the message's end");
    }
  }
}
