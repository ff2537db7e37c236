package io.fulgur.internal.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ActorPath;
import org.junit.jupiter.api.Test;

/** The names of work actors: valid, readable, and sorted in the order the works were placed. */
class NodeHostTest {

  @Test
  void childNamesSortInPlacementOrderAcrossEveryLength() {
    List<Long> numbers = new ArrayList<>();
    for (long n = 0; n < 2_000; n++) {
      numbers.add(n);
    }
    long power = 36;
    for (int digits = 2; digits <= 12; digits++, power *= 36) {
      // either side of each change of length: 35 -> 36, 1295 -> 1296, ...
      numbers.add(power - 1);
      numbers.add(power);
    }
    numbers.add(Long.MAX_VALUE - 1);
    numbers.add(Long.MAX_VALUE);
    numbers.sort(null);
    String previous = null;
    for (long n : numbers) {
      // the work names differ the other way round: they must not decide the order
      String name = NodeHost.childName(n, "root.works." + (Long.MAX_VALUE - n));
      if (previous != null && !previous.equals(name)) {
        assertThat(name).as("name of work number %d", n).isGreaterThan(previous);
      }
      previous = name;
    }
  }

  @Test
  void childNamesKeepTheWorkNameAndAreValidActorNames() {
    assertThat(NodeHost.childName(0, "root.counter")).isEqualTo("a0-root.counter");
    assertThat(NodeHost.childName(36, "root.works.7")).isEqualTo("b10-root.works.7");
    String odd = NodeHost.childName(5, "root.map.a b/ü");
    assertThat(odd).startsWith("a5-");
    assertThat(ActorPath.isValidPathElement(odd)).as(odd).isTrue();
  }
}
