package io.fulgur.internal.node;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs, on every node, each member this node's failure detector takes for unreachable or reachable
 * again, and each member downed: the lines an operator reads to tell a slow node from a dead one,
 * and the ones the load tests count. Logger {@code io.fulgur.reachability}.
 */
public final class ReachabilityLog {
  /** The logger's name, so that operators can route or silence it. */
  public static final String LOGGER = "io.fulgur.reachability";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private ReachabilityLog() {}

  /**
   * Subscribes to the cluster's reachability and downing events and logs them; sets {@code
   * selfDowned} when the cluster downs this node.
   */
  public static Behavior<Object> create(java.util.concurrent.atomic.AtomicBoolean selfDowned) {
    return Behaviors.setup(
        ctx -> {
          Cluster cluster = Cluster.get(ctx.getSystem());
          String self = cluster.selfMember().address().toString();
          cluster
              .subscriptions()
              .tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.ReachabilityEvent.class));
          cluster
              .subscriptions()
              .tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberDowned.class));
          return Behaviors.receive(Object.class)
              .onMessage(
                  ClusterEvent.UnreachableMember.class,
                  e -> {
                    LOG.warn(
                        "Fulgur node [{}] takes member [{}] for UNREACHABLE: no heartbeat for"
                            + " longer than pekko.cluster.failure-detector allows",
                        self,
                        describe(e.member()));
                    return Behaviors.same();
                  })
              .onMessage(
                  ClusterEvent.ReachableMember.class,
                  e -> {
                    LOG.info(
                        "Fulgur node [{}] sees member [{}] as reachable again",
                        self,
                        describe(e.member()));
                    return Behaviors.same();
                  })
              .onMessage(
                  ClusterEvent.MemberDowned.class,
                  e -> {
                    if (e.member().address().equals(cluster.selfMember().address())) {
                      selfDowned.set(true);
                    }
                    LOG.warn(
                        "Fulgur node [{}] sees member [{}] DOWNED", self, describe(e.member()));
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private static String describe(Member member) {
    return member.address() + " roles " + member.getRoles();
  }
}
