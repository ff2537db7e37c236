package io.fulgur.internal.flow;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulgur.WorkFailure;
import io.fulgur.WorkStatus;
import io.fulgur.internal.Settings;
import io.fulgur.internal.node.HostKeys;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.InstanceCodec;
import io.fulgur.internal.protocol.WireSize;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

/**
 * Puts an app's works on hosts and sends them their calls: waits until the cluster lists every host
 * of a work's role, asks {@link Placement} where the work goes, sends its instance with the calls
 * that waited for it, and fails them when no node of the role joins in time or the instance cannot
 * be copied to a node. Runs inside the flow actor, on its thread.
 */
final class WorkPlacer {

  /** The hosts of a role changed. */
  record HostsChanged(Receptionist.Listing listing) implements FlowMessage.Internal {}

  /** A work waited a while for a node of its role: warn. */
  record WarnNoNode(String work) implements FlowMessage.Internal {}

  /** A work waited long enough for the listing of its role to catch up with the membership. */
  record ListingSettled(String work) implements FlowMessage.Internal {}

  /** A work waited for a node of its role as long as it may. */
  record PlacementTimeout(String work) implements FlowMessage.Internal {}

  /** A host this app placed works on is gone: its node left or was downed. */
  record HostTerminated(ActorRef<HostMessage> host) implements FlowMessage.Internal {}

  /** Placements logged at INFO: the first ones help, ten thousand would drown the log. */
  private static final int PLACEMENTS_LOGGED_AT_INFO = 20;

  private static final org.slf4j.Logger DEBUG_LOG =
      org.slf4j.LoggerFactory.getLogger(FlowActor.class);

  private final ActorContext<FlowMessage> context;
  private final TimerScheduler<FlowMessage> timers;
  private final Settings settings;
  private final FlowControl flow;
  private final Map<String, WorkEntry> entries;
  private final Cluster cluster;

  /** This node's cluster address, the node address of works placed on its own host. */
  private final String selfAddress;

  private final Placement<ActorRef<HostMessage>> placement;

  /** Whether a role's listing was behind the membership, read once per pass. */
  private final Map<String, Boolean> listingBehindInPass = new HashMap<>();

  /** Hosts this app placed works on: watched, so that a lost node is seen once for all works. */
  private final java.util.Set<ActorRef<HostMessage>> watchedHosts = new java.util.HashSet<>();

  private int placementsLogged;
  private final ActorRef<Receptionist.Listing> listingAdapter;

  /** The roles whose hosts the flow follows. */
  private final Set<String> subscribedRoles = new java.util.HashSet<>();

  WorkPlacer(
      ActorContext<FlowMessage> context,
      TimerScheduler<FlowMessage> timers,
      Settings settings,
      ActorRef<HostMessage> localHost,
      FlowControl flow,
      Map<String, WorkEntry> entries) {
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.flow = flow;
    this.entries = entries;
    this.cluster = Cluster.get(Adapter.toClassic(context.getSystem()));
    this.selfAddress = cluster.selfAddress().toString();
    this.placement =
        new Placement<>(
            HostKeys.ANY_ROLE,
            localHost,
            role -> settings.serveAllRoles() || settings.roles().contains(role),
            host -> host.path().toString());
    this.listingAdapter = context.messageAdapter(Receptionist.Listing.class, HostsChanged::new);
  }

  /** Follows the hosts of {@code role}: each change of them comes as a {@link HostsChanged}. */
  void subscribe(String role) {
    if (subscribedRoles.add(role)) {
      context
          .getSystem()
          .receptionist()
          .tell(Receptionist.subscribe(HostKeys.forRole(role), listingAdapter));
    }
  }

  /** A pass begins: the membership is read again. */
  void newPass() {
    listingBehindInPass.clear();
  }

  /** Sends a new call to the work's host, or places the work first. */
  void call(WorkEntry entry, WorkEntry.Call call) {
    if (entry.host != null) {
      sendRun(entry.host, entry, call);
    } else {
      entry.queueUnsent(call);
      place(entry);
    }
  }

  void place(WorkEntry entry) {
    if (!entry.listingSettled && listingBehindMembership(entry.role)) {
      // The Receptionist has not shown every host of the role yet: wait a little, so that works
      // spread over all the role's nodes instead of piling onto the first one seen.
      if (!entry.listingTimer) {
        entry.listingTimer = true;
        ListingSettled settled = new ListingSettled(entry.name);
        timers.startSingleTimer(settled, settled, settings.listingSettle());
      }
      return;
    }
    ActorRef<HostMessage> host = placement.choose(entry.role);
    if (host == null) {
      waitForNode(entry);
      return;
    }
    JsonNode instance;
    try {
      // a work without fields sends none (no empty object to serialise per placement)
      instance =
          InstanceCodec.hasFields(entry.work)
              ? InstanceCodec.snapshot(entry.work, entry.name, settings.maxInstanceSize())
              : null;
    } catch (InstanceCodec.InstanceException e) {
      refuse(entry, e.getMessage());
      return;
    }
    entry.listingSettled = true;
    if (entry.listingTimer) {
      entry.listingTimer = false;
      timers.cancel(new ListingSettled(entry.name));
    }
    entry.host = host;
    placement.placed(host);
    if (watchedHosts.add(host)) {
      context.watchWith(host, new HostTerminated(host));
    }
    flow.send(
        host,
        new HostMessage.Place(
            entry.name,
            entry.work.getClass().getName(),
            entry.role,
            entry.options.parallel(),
            entry.options.cacheCalls(),
            entry.options.raiseException(),
            instance));
    placed(entry, host);
    // the host creates the work before it reads the runs that follow in the same batch
    for (WorkEntry.Call call : entry.drainUnsent()) {
      sendRun(host, entry, call);
    }
  }

  private void waitForNode(WorkEntry entry) {
    if (entry.latest != null
        && entry.latest.status == WorkStatus.PENDING
        && !"no_node_with_role".equals(entry.core.reason())) {
      entry.progress(entry.latest, WorkStatus.PENDING, "no_node_with_role");
    }
    if (!entry.waitingForNode) {
      entry.waitingForNode = true;
      WarnNoNode warn = new WarnNoNode(entry.name);
      timers.startSingleTimer(warn, warn, settings.placementWarnAfter());
      PlacementTimeout timeout = new PlacementTimeout(entry.name);
      timers.startSingleTimer(timeout, timeout, settings.placementTimeout());
    }
  }

  /** The timers run only while a work waits for a node of its role. */
  private void stopWaitingForNode(WorkEntry entry) {
    if (entry.waitingForNode) {
      entry.waitingForNode = false;
      timers.cancel(new WarnNoNode(entry.name));
      timers.cancel(new PlacementTimeout(entry.name));
    }
  }

  /**
   * The work's instance cannot be copied to a node: its calls fail at placement with reason {@code
   * instance_error}, and the app with them if the work raises.
   */
  private void refuse(WorkEntry entry, String message) {
    WorkFailure failure = new WorkFailure("instance_error", null, message, null);
    context.getLog().error("Work [{}] cannot be placed: {}", entry.name, message);
    stopWaitingForNode(entry);
    for (WorkEntry.Call call : entry.drainUnsent()) {
      entry.finish(call, WorkStatus.FAILED, "instance_error", failure);
    }
    if (flow.inPass() && entry.options.raiseException()) {
      throw flow.endInPass(
          Outcome.workFailed(
              "Work " + entry.name + " failed: " + failure.describe(), entry.name, failure));
    }
    flow.workFailed(entry, failure);
  }

  /**
   * The work is placed on {@code host} as soon as its {@code Place} is sent: the host makes the
   * work's actor before it reads anything after it, and a refusal comes back as {@code
   * PlacementFailed}.
   */
  private void placed(WorkEntry entry, ActorRef<HostMessage> host) {
    Address address = host.path().address();
    String node = address.hasGlobalScope() ? address.toString() : selfAddress;
    entry.placed = true;
    entry.core.nodeAddress(node);
    stopWaitingForNode(entry);
    if (placementsLogged < PLACEMENTS_LOGGED_AT_INFO) {
      placementsLogged++;
      context.getLog().info("Work [{}] placed on node [{}]", entry.name, node);
      if (placementsLogged == PLACEMENTS_LOGGED_AT_INFO) {
        context
            .getLog()
            .info(
                "{} works placed: further placements of this app are logged at DEBUG",
                PLACEMENTS_LOGGED_AT_INFO);
      }
    } else if (DEBUG_LOG.isDebugEnabled()) {
      // guarded: the context's logger sets the MDC each time it is asked for
      context.getLog().debug("Work [{}] placed on node [{}]", entry.name, node);
    }
  }

  /**
   * Sends a call to the work's host, or fails it when its input is too large for any message
   * between nodes (Artery would drop the message and the call would wait forever).
   */
  private void sendRun(ActorRef<HostMessage> host, WorkEntry entry, WorkEntry.Call call) {
    if (host.path().address().hasGlobalScope()) {
      long size = WireSize.of(call.input);
      if (size > settings.maxValueSize()) {
        WorkFailure failure =
            new WorkFailure(
                "input_too_large",
                null,
                String.format(
                    Locale.ROOT,
                    "the input of work %s is at least %,d bytes; %s",
                    entry.name,
                    size,
                    WireSize.valueLimitText(settings.maxValueSize())),
                null);
        // handled like a failure reported by the host, after this pass
        flow.ownEvent(new FlowMessage.Failed(entry.name, call.id, failure, null));
        return;
      }
    }
    flow.send(host, new HostMessage.RunWork(entry.name, call.id, call.input, call.inputClass));
  }

  private boolean listingBehindMembership(String role) {
    if (flow.inPass()) {
      // a pass that places many works reads the membership once per role
      return listingBehindInPass.computeIfAbsent(role, this::countListingBehind);
    }
    return countListingBehind(role);
  }

  private boolean countListingBehind(String role) {
    int expected = 0;
    for (Member m : cluster.state().getMembers()) {
      if (m.status() == MemberStatus.up() && m.hasRole(role)) {
        expected++;
      }
    }
    return placement.listedCount(role) < expected;
  }

  void onListingSettled(ListingSettled settled) {
    WorkEntry entry = entries.get(settled.work());
    if (entry != null) {
      entry.listingTimer = false;
      if (!entry.listingSettled) {
        entry.listingSettled = true;
        if (entry.host == null && entry.hasUnsent()) {
          place(entry);
        }
      }
    }
  }

  /** Takes in a role's new listing; with {@code placeWaiting}, places the works waiting for it. */
  void onHostsChanged(HostsChanged changed, boolean placeWaiting) {
    ServiceKey<?> key = changed.listing().getKey();
    String role = HostKeys.role(key);
    @SuppressWarnings("unchecked")
    ServiceKey<HostMessage> hostKey = (ServiceKey<HostMessage>) key;
    Set<ActorRef<HostMessage>> hosts = changed.listing().getServiceInstances(hostKey);
    placement.listed(role, hosts);
    context.getLog().debug("Hosts for role [{}]: {}", role, hosts);
    if (!placeWaiting) {
      return;
    }
    for (WorkEntry entry : entries.values()) {
      if (entry.host == null
          && entry.hasUnsent()
          && (role.equals(entry.role) || role.equals(HostKeys.ANY_ROLE))) {
        place(entry);
      }
    }
  }

  /** The work's host refused it or its actor there failed: it has no host now. */
  void unplaced(WorkEntry entry) {
    placement.left(entry.host);
    entry.host = null;
    entry.placed = false;
    entry.core.nodeAddress(null);
  }

  /** {@code host}'s node is gone: it is watched no more and never chosen again. */
  void lost(ActorRef<HostMessage> host) {
    watchedHosts.remove(host);
    placement.lost(host);
  }

  void onWarnNoNode(WarnNoNode warn) {
    WorkEntry entry = entries.get(warn.work());
    if (entry != null && entry.waitingForNode) {
      context
          .getLog()
          .warn(
              "Work [{}] is waiting for a node with role [{}]: no node in the cluster has that"
                  + " role; the call fails after {} (fulgur.placement.timeout)",
              entry.name,
              entry.role,
              settings.placementTimeout());
    }
  }

  void onPlacementTimeout(PlacementTimeout timeout) {
    WorkEntry entry = entries.get(timeout.work());
    if (entry == null || !entry.waitingForNode) {
      return;
    }
    entry.waitingForNode = false;
    String message =
        "no node with role '"
            + entry.role
            + "' joined within "
            + settings.placementTimeout()
            + " (fulgur.placement.timeout)";
    context.getLog().error("Work [{}] failed: {}", entry.name, message);
    WorkFailure failure = new WorkFailure("no_node_with_role", null, message, null);
    for (WorkEntry.Call call : entry.drainUnsent()) {
      entry.finish(call, WorkStatus.FAILED, "no_node_with_role", failure);
    }
    flow.workFailed(entry, failure);
  }
}
