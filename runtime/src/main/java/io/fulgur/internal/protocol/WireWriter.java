package io.fulgur.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the encodings of Fulgur's wire format: varints, length-prefixed UTF-8 strings, strings
 * shared within a message, and JSON values (short forms for null, integers, text and booleans, CBOR
 * for the rest). {@link WireReader} reads them back.
 */
final class WireWriter {
  static final int JSON_ABSENT = 0;
  static final int JSON_NULL = 1;
  static final int JSON_LONG = 2;
  static final int JSON_TEXT = 3;
  static final int JSON_TRUE = 4;
  static final int JSON_FALSE = 5;
  static final int JSON_CBOR = 6;

  /** How many distinct repeating strings a message shares (the rest are written in full). */
  static final int MAX_SHARED = 8;

  private byte[] buf = new byte[64];
  private int pos;

  /** Strings written by {@link #shared}, in order: a repeat is written as its index. */
  private String[] shared;

  private int sharedCount;

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }

  void varint(int v) {
    varlong(v & 0xffffffffL);
  }

  void varlong(long v) {
    ensure(10);
    while ((v & ~0x7fL) != 0) {
      buf[pos++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  /** Bytes of a length both sides know, as they are. */
  void fixed(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
  }

  void bool(boolean b) {
    ensure(1);
    buf[pos++] = (byte) (b ? 1 : 0);
  }

  /** Null as 0, else the UTF-8 length plus one and the bytes. */
  void string(String s) {
    if (s == null) {
      varint(0);
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8); // an array copy for ASCII text
    varint(utf8.length + 1);
    raw(utf8);
  }

  /**
   * A string that repeats within a message (a class name, a compute name, a node address): 0 for
   * null, 1 and the index of an earlier occurrence, or the UTF-8 length plus two and the bytes.
   */
  void shared(String s) {
    if (s == null) {
      varint(0);
      return;
    }
    for (int i = 0; i < sharedCount; i++) {
      if (shared[i] == s || shared[i].equals(s)) {
        varint(1);
        varint(i);
        return;
      }
    }
    if (shared == null) {
      shared = new String[MAX_SHARED];
    }
    if (sharedCount < MAX_SHARED) {
      shared[sharedCount++] = s;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    varint(utf8.length + 2);
    raw(utf8);
  }

  private void raw(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
  }

  void json(JsonNode node) {
    if (node == null) {
      varint(JSON_ABSENT);
    } else if (node.isNull()) {
      varint(JSON_NULL);
    } else if (node.isInt() || node.isLong()) {
      varint(JSON_LONG);
      long v = node.longValue();
      varlong((v << 1) ^ (v >> 63)); // zig-zag: small negatives stay short
    } else if (node.isTextual()) {
      varint(JSON_TEXT);
      string(node.textValue());
    } else if (node.isBoolean()) {
      varint(node.booleanValue() ? JSON_TRUE : JSON_FALSE);
    } else {
      varint(JSON_CBOR);
      try {
        byte[] cbor = WireSerializer.CBOR.writeValueAsBytes(node);
        varint(cbor.length);
        raw(cbor);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  byte[] bytes() {
    return Arrays.copyOf(buf, pos);
  }
}
