package io.fulgur.internal.work;

/**
 * Cuts the bytes of one printed stream into lines. A line ends at {@code \n}, {@code \r} or {@code
 * \r\n}: a progress bar that redraws itself with {@code \r} gives one line per redraw instead of
 * one line that never ends. A line longer than {@code maxBytes} is cut into pieces of at most that
 * many bytes, each shipped as a line, cut before a UTF-8 character that would not fit whole: no
 * byte is lost, and the pieces put back together are the line.
 */
final class LineAssembler {

  /** Receives each line as it ends (the bytes are reused afterwards). */
  interface Sink {
    void line(byte[] bytes, int length);
  }

  private final int maxBytes;
  private byte[] partial = new byte[128];
  private int length;

  /** The last byte seen ended a line with {@code \r}: a {@code \n} right after belongs to it. */
  private boolean afterCr;

  LineAssembler(int maxBytes) {
    if (maxBytes < 4) {
      throw new IllegalArgumentException("a line must hold at least 4 bytes, was " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  /** Takes {@code n} bytes from {@code b[off]}: every line they end goes to {@code sink}. */
  void write(byte[] b, int off, int n, Sink sink) {
    int end = off + n;
    int i = off;
    if (afterCr && i < end) {
      afterCr = false;
      if (b[i] == '\n') {
        i++;
      }
    }
    int start = i;
    for (; i < end; i++) {
      byte c = b[i];
      if (c == '\n' || c == '\r') {
        append(b, start, i - start, sink);
        end(sink);
        if (c == '\r') {
          if (i + 1 == end) {
            afterCr = true;
          } else if (b[i + 1] == '\n') {
            i++;
          }
        }
        start = i + 1;
      }
    }
    append(b, start, end - start, sink);
  }

  /** Ends the unterminated line, if there is one (the call has ended). */
  void flush(Sink sink) {
    afterCr = false;
    if (length > 0) {
      end(sink);
    }
  }

  /** Bytes of the line not ended yet. */
  int pending() {
    return length;
  }

  private void append(byte[] b, int off, int n, Sink sink) {
    while (n > 0) {
      if (length == maxBytes) {
        cut(sink); // a byte more than a line may hold: ship what it holds
      }
      int k = Math.min(maxBytes - length, n);
      if (length + k > partial.length) {
        partial =
            java.util.Arrays.copyOf(partial, Math.min(maxBytes, Math.max(length + k, 2 * length)));
      }
      System.arraycopy(b, off, partial, length, k);
      length += k;
      off += k;
      n -= k;
    }
  }

  private void end(Sink sink) {
    sink.line(partial, length);
    length = 0;
  }

  /** Ships the full line up to its last whole UTF-8 character; the rest starts the next piece. */
  private void cut(Sink sink) {
    int at = cutPoint(partial, length);
    sink.line(partial, at);
    System.arraycopy(partial, at, partial, 0, length - at);
    length -= at;
  }

  /** Where {@code bytes[0, length)} can be cut so that no UTF-8 character is split. */
  static int cutPoint(byte[] bytes, int length) {
    int lead = length - 1;
    while (lead >= 0 && length - lead <= 3 && (bytes[lead] & 0xC0) == 0x80) {
      lead--; // continuation bytes: the character began earlier
    }
    if (lead <= 0) {
      return length; // the character began the line, or the bytes are not UTF-8: cut anywhere
    }
    int b = bytes[lead] & 0xFF;
    int size = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    return length - lead >= size ? length : lead;
  }
}
