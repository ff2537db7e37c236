package io.fulgur.internal.node;

import io.fulgur.CloudCompute;
import io.fulgur.Work;
import io.fulgur.WorkOptions;
import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.Settings;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.WorkMessage;
import io.fulgur.internal.work.NodeResources;
import io.fulgur.internal.work.WorkActor;
import io.fulgur.internal.work.WorkInstantiator;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The actors of the works placed on a node: made by the host as its children, or taken from the
 * idle ones that released works left (the last one in first: its cache is warm). Idle actors unused
 * for {@link #TRIM_INTERVAL} are stopped. Runs inside the host actor, on its thread.
 */
final class WorkActors {

  /** How long idle work actors stay unused before the host stops them. */
  static final Duration TRIM_INTERVAL = Duration.ofMinutes(1);

  /** Time to look at the idle actors. */
  enum Trim implements HostMessage.Internal {
    INSTANCE
  }

  /** Why a work cannot be placed here, said to its flow. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** What a work's options are made of on a node: its compute name and its flags. */
  private record OptionsKey(String compute, int flags) {}

  private final ActorContext<HostMessage> context;
  private final Settings settings;
  private final Set<String> roles;
  private final String address;

  /** What every work actor made here is given. */
  private final NodeResources node;

  /** Options are immutable values: works with the same ones share one instance. */
  private final Map<OptionsKey, WorkOptions> optionsInUse = new HashMap<>();

  private final ArrayDeque<ActorRef<WorkMessage>> idle = new ArrayDeque<>();

  /** Work actors made on this node so far: orders their names ({@link #childName}). */
  private long made;

  /** Whether an idle actor was used since the last trim. */
  private boolean idleUsed;

  private boolean trimScheduled;

  WorkActors(ActorContext<HostMessage> context, Settings settings, NodeResources node) {
    this.context = context;
    this.settings = settings;
    this.roles = Set.copyOf(settings.roles());
    this.address = node.address();
    this.node = node;
  }

  /**
   * The name of the {@code n}th work actor made here: a key that sorts by {@code n}, the number's
   * length as a letter then its base-36 digits ({@code a0}, {@code az}, {@code b10}), so shorter
   * numbers sort first. No work name: an idle actor may serve another work later.
   *
   * <p>Pekko keeps a parent's children in a tree sorted by name: with names in the order the actors
   * are made, each new child goes to the same edge of the tree and finds the path there already in
   * the CPU's cache, where names in no particular order would walk a cold path.
   */
  static String childName(long n) {
    String digits = Long.toString(n, 36);
    return (char) ('a' + digits.length() - 1) + digits;
  }

  /**
   * The actor of a work of app {@code appId} placed here, starting {@code first} (if not null) as
   * it starts.
   *
   * @throws Refused when the node has not the work's role or cannot load its class
   */
  ActorRef<WorkMessage> make(
      String appId,
      ActorRef<FlowMessage> flow,
      HostMessage.Place place,
      HostMessage.RunWork firstRun)
      throws Refused {
    if (!settings.serveAllRoles() && !roles.contains(place.compute())) {
      throw new Refused(
          "node " + address + " has roles " + roles + ", not '" + place.compute() + "'");
    }
    // Only the class is loaded here (not initialised): the instance is made by the work's first
    // call on its runner thread, so that no constructor of the user's runs on this dispatcher.
    Class<? extends Work<?>> cls;
    try {
      cls = WorkInstantiator.load(place.workClass());
    } catch (ClassNotFoundException e) {
      throw new Refused(
          "class "
              + place.workClass()
              + " is not on the classpath of node "
              + address
              + " (worker nodes need the app's classes)");
    } catch (RuntimeException | LinkageError e) {
      throw new Refused(
          "class " + place.workClass() + " cannot be used: " + FailureDescription.summary(e));
    }
    WorkOptions options = options(place);
    WorkMessage.Run first =
        firstRun == null
            ? null
            : new WorkMessage.Run(firstRun.callId(), firstRun.input(), firstRun.inputClass());
    WorkMessage.Bind bind =
        new WorkMessage.Bind(appId, place.work(), cls, options, place.instance(), flow, first);
    ActorRef<WorkMessage> work = idle.pollLast();
    if (work != null) {
      // an actor of an ended work: no actor to make
      idleUsed = true;
      work.tell(bind);
      return work;
    }
    return context.spawn(
        WorkActor.create(bind, node), childName(made++), NodeSystem.WORK_DISPATCHER);
  }

  private WorkOptions options(HostMessage.Place place) {
    int flags =
        (place.parallel() ? 1 : 0)
            | (place.cacheCalls() ? 2 : 0)
            | (place.raiseException() ? 4 : 0);
    return optionsInUse.computeIfAbsent(
        new OptionsKey(place.compute(), flags),
        k ->
            WorkOptions.defaults()
                .withCompute(new CloudCompute(place.compute()))
                .withParallel(place.parallel())
                .withCacheCalls(place.cacheCalls())
                .withRaiseException(place.raiseException()));
  }

  /**
   * A work actor whose work was released: kept for a later placement while its app is still here
   * ({@code appHere}) and fewer than {@code fulgur.node.idle-work-actors} are kept, stopped
   * otherwise. Only an actor this host made is taken: another would be handed works.
   */
  void idle(ActorRef<WorkMessage> ref, boolean appHere) {
    if (!context.getSelf().path().equals(ref.path().parent())) {
      context.getLog().warn("Ignoring an idle notice for {}: not a work actor of this host", ref);
      return;
    }
    // the app gone: the host may have stopped the actor, or never will (it forgot the work)
    if (appHere && idle.size() < settings.idleWorkActors()) {
      idle.addLast(ref);
      if (!trimScheduled) {
        trimScheduled = true;
        idleUsed = false;
        context.scheduleOnce(TRIM_INTERVAL, context.getSelf(), Trim.INSTANCE);
      }
    } else {
      context.stop(ref);
    }
  }

  /** Stops the idle actors if none was used since the last look. */
  void onTrim() {
    if (!idleUsed) {
      context
          .getLog()
          .debug("Stopping {} idle work actors unused for {}", idle.size(), TRIM_INTERVAL);
      for (ActorRef<WorkMessage> ref : idle) {
        context.stop(ref);
      }
      idle.clear();
    }
    idleUsed = false;
    trimScheduled = !idle.isEmpty();
    if (trimScheduled) {
      context.scheduleOnce(TRIM_INTERVAL, context.getSelf(), Trim.INSTANCE);
    }
  }
}
