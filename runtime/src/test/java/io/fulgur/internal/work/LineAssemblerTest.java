package io.fulgur.internal.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines end at \n, \r or \r\n; a long one is cut at whole UTF-8 characters, nothing lost. */
class LineAssemblerTest {
  private final List<String> lines = new ArrayList<>();
  private final List<Integer> sizes = new ArrayList<>();
  private final LineAssembler.Sink sink =
      (bytes, length) -> {
        lines.add(new String(bytes, 0, length, StandardCharsets.UTF_8));
        sizes.add(length);
      };

  private void write(LineAssembler a, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    a.write(b, 0, b.length, sink);
  }

  @Test
  void aLineEndsAtNewlineCarriageReturnOrBoth() {
    LineAssembler a = new LineAssembler(1024);
    write(a, "one\ntwo\r\nthree\rfour\n\nsix");
    assertThat(lines).containsExactly("one", "two", "three", "four", "");
    a.flush(sink);
    assertThat(lines).endsWith("six");
  }

  @Test
  void aCarriageReturnAndNewlineSplitBetweenWritesEndOneLine() {
    LineAssembler a = new LineAssembler(1024);
    write(a, "10%\r");
    write(a, "\n");
    write(a, "20%\r");
    write(a, "30%\r");
    assertThat(lines).containsExactly("10%", "20%", "30%");
    a.flush(sink);
    assertThat(lines).hasSize(3);
  }

  @Test
  void aLongLineIsCutIntoPiecesThatJoinToIt() {
    StringBuilder text = new StringBuilder();
    while (text.length() < 100_000) {
      text.append("abc é € 𝄞 "); // 1, 2, 3 and 4 bytes a character
    }
    LineAssembler a = new LineAssembler(1000);
    // in writes of odd sizes, cutting characters between writes too
    byte[] b = text.toString().getBytes(StandardCharsets.UTF_8);
    for (int off = 0; off < b.length; off += 777) {
      a.write(b, off, Math.min(777, b.length - off), sink);
    }
    a.flush(sink);
    assertThat(String.join("", lines)).isEqualTo(text.toString());
    assertThat(sizes.subList(0, sizes.size() - 1)).allMatch(n -> n <= 1000 && n >= 997);
    assertThat(sizes.get(sizes.size() - 1)).isBetween(1, 1000);
    assertThat(lines).noneMatch(l -> l.contains("\uFFFD"));
  }

  @Test
  void aLineOfExactlyTheLimitStaysOneLine() {
    LineAssembler a = new LineAssembler(8);
    write(a, "12345678\n12345678");
    a.flush(sink);
    assertThat(lines).containsExactly("12345678", "12345678");
  }

  @Test
  void bytesThatAreNotUtf8AreCutAnywhere() {
    byte[] junk = new byte[20];
    java.util.Arrays.fill(junk, (byte) 0x80);
    LineAssembler a = new LineAssembler(8);
    a.write(junk, 0, junk.length, sink);
    a.flush(sink);
    assertThat(sizes).containsExactly(8, 8, 4);
  }
}
