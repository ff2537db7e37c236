package io.fulgur.internal.protocol;

import java.io.NotSerializableException;

/**
 * Walks a CBOR value before Jackson reads it: every declared length and count must fit in the bytes
 * that remain, nesting stays below a limit, and text is valid UTF-8. Jackson would otherwise set
 * aside buffers for what a header announces (a few bytes announcing a 2 GB string cost it 128 KiB
 * before it finds the end), and decode broken UTF-8 into text that cannot be written again.
 */
final class CborCheck {
  private static final int MAX_DEPTH = 200;

  private final byte[] buf;
  private final int end;
  private int pos;

  private CborCheck(byte[] buf, int off, int len) {
    this.buf = buf;
    this.pos = off;
    this.end = off + len;
  }

  /** Checks the one CBOR value in {@code buf[off, off + len)}. */
  static void check(byte[] buf, int off, int len) throws NotSerializableException {
    CborCheck c = new CborCheck(buf, off, len);
    c.item(0);
    if (c.pos != c.end) {
      throw bad("bytes after the value");
    }
  }

  private static NotSerializableException bad(String what) {
    return new NotSerializableException(
        "malformed Fulgur message: an input or state that is not valid CBOR: " + what);
  }

  private int next() throws NotSerializableException {
    if (pos >= end) {
      throw bad("truncated");
    }
    return buf[pos++] & 0xff;
  }

  /** The argument of a head whose additional information is {@code info}; -1 for indefinite. */
  private long argument(int info) throws NotSerializableException {
    if (info < 24) {
      return info;
    }
    int bytes =
        switch (info) {
          case 24 -> 1;
          case 25 -> 2;
          case 26 -> 4;
          case 27 -> 8;
          case 31 -> 0;
          default -> throw bad("reserved additional information " + info);
        };
    if (bytes == 0) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v = (v << 8) | next();
    }
    return v;
  }

  private void item(int depth) throws NotSerializableException {
    if (depth > MAX_DEPTH) {
      throw bad("nested deeper than " + MAX_DEPTH);
    }
    int head = next();
    int major = head >>> 5;
    int info = head & 0x1f;
    long arg = argument(info);
    switch (major) {
      case 0, 1 -> {
        if (arg < 0) {
          throw bad("an indefinite integer");
        }
      }
      case 2, 3 -> {
        if (arg >= 0) {
          bytes(arg, major == 3);
        } else {
          // chunks of the same major type, then a break
          while (true) {
            int chunk = next();
            if (chunk == 0xff) {
              break;
            }
            if (chunk >>> 5 != major) {
              throw bad("a chunk of another type in an indefinite string");
            }
            long n = argument(chunk & 0x1f);
            if (n < 0) {
              throw bad("an indefinite chunk");
            }
            bytes(n, major == 3);
          }
        }
      }
      case 4, 5 -> {
        int per = major == 5 ? 2 : 1;
        if (arg >= 0) {
          if (arg > end - pos) {
            throw bad("a count of " + arg + " with " + (end - pos) + " bytes left");
          }
          for (long i = 0; i < arg * per; i++) {
            item(depth + 1);
          }
        } else {
          while (true) {
            if (pos >= end) {
              throw bad("truncated");
            }
            if ((buf[pos] & 0xff) == 0xff) {
              pos++;
              break;
            }
            for (int i = 0; i < per; i++) {
              item(depth + 1);
            }
          }
        }
      }
      case 6 -> item(depth + 1);
      default -> {
        // simple values and floats: their bytes were the argument; a lone break is not a value
        if (info == 31) {
          throw bad("an unexpected break");
        }
      }
    }
  }

  private void bytes(long n, boolean text) throws NotSerializableException {
    if (n > end - pos) {
      throw bad("a length of " + n + " with " + (end - pos) + " bytes left");
    }
    int to = pos + (int) n;
    if (text) {
      utf8(pos, to);
    }
    pos = to;
  }

  /** Well-formed UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
  private void utf8(int from, int to) throws NotSerializableException {
    int i = from;
    while (i < to) {
      int b = buf[i] & 0xff;
      if (b < 0x80) {
        i++;
        continue;
      }
      int n;
      int min;
      if (b >= 0xc2 && b <= 0xdf) {
        n = 1;
        min = 0x80;
      } else if (b >= 0xe0 && b <= 0xef) {
        n = 2;
        min = 0x800;
      } else if (b >= 0xf0 && b <= 0xf4) {
        n = 3;
        min = 0x10000;
      } else {
        throw bad("text that is not UTF-8");
      }
      if (to - i - 1 < n) {
        throw bad("text that is not UTF-8");
      }
      int cp = b & (0x3f >> n);
      for (int k = 1; k <= n; k++) {
        int c = buf[i + k] & 0xff;
        if ((c & 0xc0) != 0x80) {
          throw bad("text that is not UTF-8");
        }
        cp = (cp << 6) | (c & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        throw bad("text that is not UTF-8");
      }
      i += n + 1;
    }
  }
}
