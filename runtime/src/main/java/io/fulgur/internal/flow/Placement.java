package io.fulgur.internal.flow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Where an app's works go: the hosts of each role as the cluster lists them, and how many of the
 * app's works each holds. A work goes to the host of its role with the fewest of the app's works,
 * ties to the first by path, so that works spread over a role's nodes in an order every run
 * repeats. A host whose node was lost is never chosen again (a restarted node has a new host).
 *
 * <p>Plain state, with no actor in it: the flow actor tells it what it sees and asks it where to
 * place.
 *
 * @param <H> a host
 */
final class Placement<H> {

  private final String anyRole;
  private final H localHost;
  private final Predicate<String> localServes;
  private final Comparator<H> order;
  private final Map<String, Set<H>> hostsByRole = new HashMap<>();
  private final Map<H, Integer> placedPerHost = new HashMap<>();
  private final Set<H> lostHosts = new HashSet<>();

  /**
   * The hosts a work of a role may go to, in order: made at the role's first choice after a change.
   */
  private final Map<String, List<H>> candidatesByRole = new HashMap<>();

  /**
   * A placement over listed hosts and, if not null, {@code localHost} (the flow's own node's host,
   * for the roles {@code localServes} accepts).
   *
   * @param anyRole the role under which hosts that take every role are listed
   * @param path a host's path, the order of ties
   */
  Placement(String anyRole, H localHost, Predicate<String> localServes, Function<H, String> path) {
    this.anyRole = anyRole;
    this.localHost = localHost;
    this.localServes = localServes;
    this.order = Comparator.comparing(path);
  }

  /** The cluster lists these hosts for {@code role} now. */
  void listed(String role, Set<H> hosts) {
    hostsByRole.put(role, Set.copyOf(hosts));
    candidatesByRole.clear();
  }

  /** How many hosts the cluster lists for {@code role}. */
  int listedCount(String role) {
    return hostsByRole.getOrDefault(role, Set.of()).size();
  }

  /**
   * The host of {@code role} with the fewest of the app's works, or null when the role has none.
   */
  H choose(String role) {
    List<H> candidates = candidatesByRole.get(role);
    if (candidates == null) {
      Set<H> hosts = new LinkedHashSet<>();
      hosts.addAll(hostsByRole.getOrDefault(role, Set.of()));
      hosts.addAll(hostsByRole.getOrDefault(anyRole, Set.of()));
      if (localHost != null && localServes.test(role)) {
        hosts.add(localHost);
      }
      hosts.removeAll(lostHosts);
      candidates = new ArrayList<>(hosts);
      candidates.sort(order);
      candidatesByRole.put(role, candidates);
    }
    H best = null;
    int bestCount = Integer.MAX_VALUE;
    for (H host : candidates) {
      int count = placedPerHost.getOrDefault(host, 0);
      if (count < bestCount) {
        best = host;
        bestCount = count;
      }
    }
    return best;
  }

  /** A work of the app went to {@code host}. */
  void placed(H host) {
    placedPerHost.merge(host, 1, Integer::sum);
  }

  /** A work of the app left {@code host} (its placement failed there). */
  void left(H host) {
    placedPerHost.merge(host, -1, Integer::sum);
  }

  /**
   * {@code host}'s node is gone, with every work the app had there. The local host stays a
   * candidate: it is lost only when the flow's own node stops.
   */
  void lost(H host) {
    placedPerHost.remove(host);
    if (!host.equals(localHost)) {
      lostHosts.add(host);
      candidatesByRole.clear();
    }
  }
}
