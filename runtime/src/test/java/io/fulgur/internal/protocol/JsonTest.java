package io.fulgur.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Call keys: canonical JSON, and the fast path gives exactly what the full path gives. */
class JsonTest {

  @Test
  void simpleKeysEqualTheCanonicalJsonText() {
    List<Object> values =
        Arrays.asList(
            null,
            "",
            "plain",
            "quote \" and \\ backslash",
            "tab\tnew\nline",
            "ünïcødé ✓",
            "\u0001",
            0,
            -7,
            -1024,
            -1025,
            1023,
            1024,
            Integer.MAX_VALUE,
            Integer.MIN_VALUE,
            Long.MIN_VALUE,
            5L,
            (short) 3,
            (byte) -1,
            true,
            false);
    for (Object v : values) {
      // the short ways (keys without a tree, trees without Jackson's serializer) agree with it
      assertThat(Json.tree(v)).as(String.valueOf(v)).isEqualTo(Json.MAPPER.valueToTree(v));
      assertThat(Json.simpleKey(v))
          .as(String.valueOf(v))
          .isEqualTo(Json.text(Json.MAPPER.valueToTree(v)));
    }
  }

  @Test
  void otherValuesTakeTheFullPathWithSortedKeys() {
    assertThat(Json.simpleKey(1.5)).isNull();
    assertThat(Json.simpleKey(List.of(1))).isNull();
    assertThat(Json.text(Json.tree(Map.of("b", 1, "a", 2)))).isEqualTo("{\"a\":2,\"b\":1}");
  }
}
