package io.fulgur.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Upper bounds of how many bytes Fulgur's messages take between nodes, so that batches are cut
 * before they outgrow Artery's maximum frame size (a larger message is dropped by Artery) and a
 * single input, state or line too large for any message is refused with a reason instead of being
 * lost on the way.
 */
public final class WireSize {
  /** Room left in every message for its envelope, app id, refs and names. */
  public static final int HEADROOM = 4096;

  /** Per command or event: its kind, call id, flags and length prefixes. */
  private static final int PER_ITEM = 24;

  private WireSize() {}

  /** The UTF-8 length of {@code s} (0 for null). */
  public static int utf8(String s) {
    if (s == null) {
      return 0;
    }
    int n = s.length();
    int bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        // 2 bytes below U+0800; 3 above; a surrogate pair is 4 bytes for its 2 chars
        bytes += c < 0x800 ? 1 : Character.isSurrogate(c) ? 1 : 2;
      }
    }
    return bytes;
  }

  /** {@code text} cut to at most {@code maxBytes} of UTF-8, saying so at its end. */
  public static String cut(String text, int maxBytes) {
    if (text == null || utf8(text) <= maxBytes) {
      return text;
    }
    int keep = fitting(text, maxBytes - 128); // room for the note at the end
    return text.substring(0, keep)
        + " [cut at "
        + keep
        + " of "
        + text.length()
        + " characters: too long for one message between nodes]";
  }

  /**
   * A stack trace cut to at most {@code maxBytes} of UTF-8 (at least 64), ending with {@code ...
   * [trace cut: N more characters]}: its start, where the exception and its nearest frames are, is
   * what a reader needs.
   */
  public static String cutTrace(String trace, int maxBytes) {
    if (trace == null || utf8(trace) <= maxBytes) {
      return trace;
    }
    int keep = fitting(trace, maxBytes - 64); // room for the note at the end
    return trace.substring(0, keep)
        + String.format(
            java.util.Locale.ROOT, "... [trace cut: %,d more characters]", trace.length() - keep);
  }

  /** How many of {@code text}'s first characters fit in {@code room} bytes of UTF-8. */
  private static int fitting(String text, int room) {
    int keep = 0;
    int bytes = 0;
    while (keep < text.length()) {
      char c = text.charAt(keep);
      int size = c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
      if (bytes + size > room) {
        break;
      }
      bytes += size;
      keep++;
    }
    if (keep > 0 && Character.isHighSurrogate(text.charAt(keep - 1))) {
      keep--; // never half a surrogate pair
    }
    return keep;
  }

  /** At least the bytes {@code node} takes in a message (as CBOR or Fulgur's short forms). */
  public static long of(JsonNode node) {
    if (node == null) {
      return 1;
    }
    if (node.isTextual()) {
      return 9 + utf8(node.textValue());
    }
    if (node.isContainerNode()) {
      long size = 9;
      if (node.isObject()) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          size += 9 + utf8(field.getKey()) + of(field.getValue());
        }
      } else {
        for (JsonNode element : node) {
          size += of(element);
        }
      }
      return size;
    }
    if (node.isBinary()) {
      try {
        return 9 + node.binaryValue().length;
      } catch (java.io.IOException e) {
        return 9 + node.asText().length();
      }
    }
    if (node.isBigInteger() || node.isBigDecimal()) {
      return 9 + node.asText().length();
    }
    return 9; // null, boolean, number
  }

  /** At least the bytes one command takes in a host batch. */
  public static long of(HostMessage.Command command) {
    if (command instanceof HostMessage.Place p) {
      return PER_ITEM + utf8(p.work()) + utf8(p.workClass()) + utf8(p.compute()) + of(p.instance());
    } else if (command instanceof HostMessage.RunWork r) {
      return PER_ITEM + utf8(r.work()) + of(r.input()) + utf8(r.inputClass());
    } else if (command instanceof HostMessage.StopWork s) {
      return PER_ITEM + utf8(s.work()) + utf8(s.reason());
    }
    return PER_ITEM;
  }

  /** At least the bytes one event takes in an event batch. */
  public static long of(FlowMessage.Event event) {
    long size = PER_ITEM + utf8(event.work());
    if (event instanceof FlowMessage.PlacementFailed p) {
      size += utf8(p.nodeAddress()) + utf8(p.message());
    } else if (event instanceof FlowMessage.StateChanged s) {
      size += of(s.state());
    } else if (event instanceof FlowMessage.Done d) {
      size += of(d.state());
    } else if (event instanceof FlowMessage.Failed f) {
      size += of(f.state());
      if (f.failure() != null) {
        size +=
            utf8(f.failure().reason())
                + utf8(f.failure().exceptionClass())
                + utf8(f.failure().message())
                + utf8(f.failure().stackTrace());
      }
    } else if (event instanceof FlowMessage.Stopped s) {
      size += utf8(s.reason());
    } else if (event instanceof FlowMessage.Output o) {
      for (PrintMessage.Line line : o.lines()) {
        size += 6 + utf8(line.text());
      }
    }
    return size;
  }

  /**
   * The most bytes of inputs, states, lines and events one message may carry with {@code
   * maxFrameSize} (Artery's {@code maximum-frame-size}).
   */
  public static int budget(long maxFrameSize) {
    return (int) Math.max(8 * 1024, Math.min(Integer.MAX_VALUE, maxFrameSize) - HEADROOM);
  }

  /** How a refusal of an input or state names its limit and the settings behind it. */
  public static String valueLimitText(int max) {
    return String.format(
        java.util.Locale.ROOT,
        "an input or state between nodes is at most %,d bytes (fulgur.work.max-value-size, capped"
            + " at pekko.remote.artery.advanced.maximum-frame-size less %,d bytes of headers)",
        max,
        HEADROOM);
  }

  /** How a refusal names the limit: the budget and the setting behind it. */
  public static String limitText(int budget) {
    return String.format(
        java.util.Locale.ROOT,
        "a message between nodes carries at most %,d bytes of it"
            + " (pekko.remote.artery.advanced.maximum-frame-size less %,d bytes of headers)",
        budget,
        HEADROOM);
  }
}
