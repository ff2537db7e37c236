package io.fulgur.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireSizeTest {
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

  @Test
  void utf8LengthIsExact() {
    for (String s : List.of("", "plain", "é", "✓ check", "emoji \uD83D\uDE00 and more", "ß€𝄞")) {
      assertThat(WireSize.utf8(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
    assertThat(WireSize.utf8(null)).isZero();
  }

  @Test
  void aTreeIsNeverLargerOnTheWireThanItsEstimate() throws Exception {
    List<Object> values =
        List.of(
            42,
            -7L,
            "text é ✓ \uD83D\uDE00",
            true,
            3.25,
            new BigDecimal("12345678901234567890.123456789"),
            Map.of("a", List.of(1, 2, "x".repeat(300)), "b", Map.of("c", "d", "é", List.of())),
            List.of(List.of(List.of("deep"))));
    for (Object value : values) {
      JsonNode tree = Json.tree(value);
      assertThat(WireSize.of(tree))
          .as(value.toString())
          .isGreaterThanOrEqualTo(CBOR.writeValueAsBytes(tree).length);
    }
  }

  @Test
  void cutTextFitsEndsOnAWholeCharacterAndSaysSo() {
    String ascii = "a".repeat(10_000);
    String cut = WireSize.cut(ascii, 1_000);
    assertThat(WireSize.utf8(cut)).isLessThanOrEqualTo(1_000);
    assertThat(cut).startsWith("aaaa").contains("[cut at ").contains("of 10000 characters");

    String pairs = "\uD83D\uDE00".repeat(5_000); // 4 bytes per pair
    String cutPairs = WireSize.cut(pairs, 1_001);
    assertThat(WireSize.utf8(cutPairs)).isLessThanOrEqualTo(1_001);
    String kept = cutPairs.substring(0, cutPairs.indexOf(" [cut at"));
    assertThat(kept.length() % 2).as("whole surrogate pairs only").isZero();

    assertThat(WireSize.cut("short", 1_000)).isEqualTo("short");
    assertThat(WireSize.cut(null, 10)).isNull();
  }

  @Test
  void aCutTraceKeepsItsStartFitsAndSaysHowMuchIsGone() {
    String trace =
        "java.lang.IllegalStateException: boom\n" + "\tat a.b.C.d(C.java:1)\n".repeat(2_000);
    String cut = WireSize.cutTrace(trace, 1_000);
    assertThat(WireSize.utf8(cut)).isLessThanOrEqualTo(1_000);
    assertThat(cut).startsWith("java.lang.IllegalStateException: boom\n\tat a.b.C.d");
    String kept = cut.substring(0, cut.indexOf("... [trace cut: "));
    assertThat(cut)
        .endsWith(
            String.format(
                java.util.Locale.ROOT,
                "... [trace cut: %,d more characters]",
                trace.length() - kept.length()));
    assertThat(WireSize.cutTrace("short", 1_000)).isEqualTo("short");
    assertThat(WireSize.cutTrace(null, 100)).isNull();
  }
}
