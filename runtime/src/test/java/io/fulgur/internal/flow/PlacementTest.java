package io.fulgur.internal.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PlacementTest {

  private static final String ANY = "*";

  private static Placement<String> placement(String local, Set<String> localRoles) {
    return new Placement<>(ANY, local, localRoles::contains, Function.identity());
  }

  @Test
  void spreadsWorksOverTheRoleInPathOrder() {
    Placement<String> p = placement(null, Set.of());
    p.listed("gpu", Set.of("c", "a", "b"));
    List<String> chosen = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String host = p.choose("gpu");
      p.placed(host);
      chosen.add(host);
    }
    assertEquals(List.of("a", "b", "c", "a", "b", "c", "a"), chosen);
  }

  @Test
  void noHostForARoleNobodyServes() {
    Placement<String> p = placement(null, Set.of());
    p.listed("cpu", Set.of("a"));
    assertNull(p.choose("gpu"));
  }

  @Test
  void hostsOfEveryRoleAndTheLocalHostAreCandidates() {
    Placement<String> p = placement("local", Set.of("gpu"));
    p.listed(ANY, Set.of("any"));
    assertEquals("any", p.choose("gpu"));
    p.placed("any");
    assertEquals("local", p.choose("gpu"));
    assertEquals("any", p.choose("cpu"), "the local host does not serve cpu");
  }

  @Test
  void aLostHostIsNeverChosenAgainEvenWhenListed() {
    Placement<String> p = placement(null, Set.of());
    p.listed("cpu", Set.of("a", "b"));
    p.placed(p.choose("cpu"));
    p.lost("a");
    assertEquals("b", p.choose("cpu"));
    p.listed("cpu", Set.of("a", "b"));
    p.placed("b");
    p.placed("b");
    assertEquals("b", p.choose("cpu"), "a is still lost although the listing shows it");
  }

  @Test
  void theLocalHostStaysACandidateAfterItsLoss() {
    Placement<String> p = placement("local", Set.of("cpu"));
    p.placed("local");
    p.lost("local");
    assertEquals("local", p.choose("cpu"));
  }

  @Test
  void aWorkThatLeftAHostFreesItsPlace() {
    Placement<String> p = placement(null, Set.of());
    p.listed("cpu", Set.of("a", "b"));
    p.placed("a");
    assertEquals("b", p.choose("cpu"));
    p.left("a");
    assertEquals("a", p.choose("cpu"));
  }

  @Test
  void aNewListingIsSeenAtTheNextChoice() {
    Placement<String> p = placement(null, Set.of());
    p.listed("cpu", Set.of("b"));
    p.placed(p.choose("cpu"));
    assertEquals(1, p.listedCount("cpu"));
    p.listed("cpu", Set.of("a", "b"));
    assertEquals(2, p.listedCount("cpu"));
    assertEquals("a", p.choose("cpu"));
  }
}
