package io.fulgur.internal.flow;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulgur.Flow;
import io.fulgur.Work;
import io.fulgur.WorkStatus;
import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.FlowBinding;
import io.fulgur.internal.FlowCore;
import io.fulgur.internal.Internals;
import io.fulgur.internal.WorkBinding;
import io.fulgur.internal.WorkCore;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.InputTypes;
import io.fulgur.internal.protocol.InstanceCodec;
import io.fulgur.internal.protocol.Json;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The passes of an app's root flow and the calls its {@code run()} makes: a pass runs the flow's
 * code on the flow actor's thread; a call to a work is sent once per input (kept for the next
 * passes), and a sequential one not yet succeeded ends the pass ({@link PassInterrupt}). Finds the
 * app's works and flows in the flow's fields ({@link Components}) and binds them to the app.
 */
final class FlowPass implements WorkBinding, FlowBinding, Components.Listener {

  private static final org.slf4j.Logger DEBUG_LOG =
      org.slf4j.LoggerFactory.getLogger(FlowActor.class);

  private final ActorContext<FlowMessage> context;
  private final Flow root;
  private final FlowControl control;
  private final WorkPlacer placer;
  private final Map<String, WorkEntry> entries;
  private final Consumer<String> subscribe;
  private final Components components;

  /** The thread of the pass that runs now, or null between passes. */
  private Thread passThread;

  /** How the app ends, decided inside a pass; the pass ends first. */
  private Outcome endRequest;

  /** Components found by the latest {@link #scan}. */
  private int newComponents;

  private long nextCallId;
  private long passes;

  /**
   * The passes of {@code root}, whose works go into {@code entries}; {@code subscribe} is told the
   * role of each work found, to follow the hosts of that role.
   */
  FlowPass(
      ActorContext<FlowMessage> context,
      Flow root,
      FlowControl control,
      WorkPlacer placer,
      Map<String, WorkEntry> entries,
      Consumer<String> subscribe) {
    this.context = context;
    this.root = root;
    this.control = control;
    this.placer = placer;
    this.entries = entries;
    this.subscribe = subscribe;
    this.components = new Components(this, context.getLog());
  }

  ActorSystem<?> system() {
    return context.getSystem();
  }

  /** Passes run so far. */
  long passes() {
    return passes;
  }

  /**
   * Runs a pass; returns how the app ends (the flow ended it, threw, or holds a component where it
   * cannot be one), or null while it goes on. Asks for another pass when it found new components.
   */
  Outcome run() {
    passes++;
    placer.newPass();
    passThread = Thread.currentThread();
    WorkCore.CURRENT_PASS.set(this);
    try {
      root.run();
    } catch (PassInterrupt interrupt) {
      // a sequential call holds the pass, or the app is ending (endRequest says which)
    } catch (Throwable t) {
      endRequest =
          Outcome.failed(
              "The flow's run() threw "
                  + FailureDescription.className(t)
                  + ": "
                  + FailureDescription.message(t),
              t);
    } finally {
      WorkCore.CURRENT_PASS.remove();
      passThread = null;
    }
    if (endRequest != null) {
      return endRequest;
    }
    Outcome misplaced = scan(false);
    if (misplaced == null && newComponents > 0) {
      control.requestPass();
    }
    return misplaced;
  }

  /** Finds every component before the first pass: how the app ends if one cannot be, or null. */
  Outcome scanAll() {
    return scan(true);
  }

  /**
   * Finds components added since the last scan (all of them with {@code all}); a component held
   * where it cannot be part of the app, or a work that cannot be copied to a node, ends the app at
   * once: returns how, outside a pass, and ends the pass inside one.
   */
  private Outcome scan(boolean all) {
    Outcome failed;
    try {
      newComponents = all ? components.scanAll(root) : components.scan(root);
      return null;
    } catch (Components.MisplacedComponent | InstanceCodec.InstanceException e) {
      failed = Outcome.failed(e.getMessage(), e);
    } catch (RuntimeException e) {
      // a user collection's iterator threw while the flow's fields were walked
      failed =
          Outcome.failed(
              "Walking the flow's fields for works and flows failed: "
                  + FailureDescription.summary(e),
              e);
    }
    if (inPass()) {
      throw endInPass(failed);
    }
    return failed;
  }

  /** Whether a pass runs on the calling thread now. */
  boolean inPass() {
    return passThread != null && Thread.currentThread() == passThread;
  }

  private void checkInPass(String what, String name) {
    if (!inPass()) {
      throw new IllegalStateException(
          what
              + (name == null ? "" : " of " + name)
              + " must be called from a Flow's run(), during a pass of its app");
    }
  }

  /** Ends the pass and the app with this outcome (inside a pass): throw what it returns. */
  PassInterrupt endInPass(Outcome o) {
    if (endRequest == null) {
      endRequest = o;
    }
    return PassInterrupt.END;
  }

  @Override
  public void flowFound(Flow flow, String name) {
    Internals.core(flow).bind(name, this);
  }

  @Override
  public void workFound(Work<?> work, String name) {
    InstanceCodec.check(work, name);
    WorkCore core = Internals.core(work);
    WorkEntry entry = new WorkEntry(name, work, core);
    core.bind(name, this, entry);
    entries.put(name, entry);
    subscribe.accept(entry.role);
    if (DEBUG_LOG.isDebugEnabled()) {
      context.getLog().debug("Work [{}] joined the app (role [{}])", name, entry.role);
    }
  }

  @Override
  public boolean workNamed(String name) {
    return entries.containsKey(name);
  }

  // ---- calls from user code (on the pass thread)

  @Override
  public void run(WorkCore core, Object input) {
    checkInPass("run()", core.name());
    if (core.name() == null) {
      scan(true);
    }
    // entries are never removed: the record a work was bound to this app with is its entry
    WorkEntry entry =
        core.binding() == this && core.record() instanceof WorkEntry e
            ? e
            : core.name() == null ? null : entries.get(core.name());
    if (entry == null || entry.core != core) {
      throw new IllegalStateException(
          "This work is not part of the app: hold it in a field, List or Map<String, ...> of a"
              + " Flow reachable from the root before calling run()");
    }
    String key = Json.simpleKey(input);
    JsonNode tree = null;
    String inputClass = null;
    if (key == null) {
      tree = inputTree(entry, input);
      key = Json.text(tree);
      inputClass = InputTypes.wireClass(entry.work.getClass(), input);
      if (inputClass != null) {
        // two classes may share a JSON form: a generic work's call is also keyed by its class
        key = inputClass + key;
      }
    }
    WorkEntry.Call call = entry.call(key);
    if (call == null || (!entry.options.cacheCalls() && call.status == WorkStatus.SUCCEEDED)) {
      call = newCall(entry, key, tree != null ? tree : inputTree(entry, input), inputClass);
    }
    if (entry.options.parallel()) {
      return;
    }
    switch (call.status) {
      case SUCCEEDED, FAILED, STOPPED -> {
        // done, or failed without raising: the pass goes on
      }
      default -> throw PassInterrupt.AWAIT;
    }
  }

  private JsonNode inputTree(WorkEntry entry, Object input) {
    try {
      return Json.tree(input);
    } catch (Json.NotSerializableException e) {
      throw endInPass(
          Outcome.failed(
              "Input of work "
                  + entry.name
                  + " is not JSON-serialisable (type "
                  + input.getClass().getName()
                  + "): "
                  + FailureDescription.message(e),
              e));
    }
  }

  private WorkEntry.Call newCall(WorkEntry entry, String key, JsonNode input, String inputClass) {
    WorkEntry.Call call = new WorkEntry.Call(++nextCallId, key, input, inputClass);
    entry.add(call);
    entry.latest = call;
    entry.core.status(WorkStatus.PENDING, entry.placed ? "queued" : "placing", null);
    placer.call(entry, call);
    return call;
  }

  @Override
  public void stop(WorkCore core) {
    checkInPass("stop()", core.name());
    WorkEntry entry = entries.get(core.name());
    if (entry == null) {
      return;
    }
    for (WorkEntry.Call call : entry.activeCalls()) {
      entry.finish(call, WorkStatus.STOPPED, "stopped_by_flow", null);
    }
    entry.drainUnsent();
    if (entry.host != null) {
      control.send(entry.host, new HostMessage.StopWork(entry.name, "stopped_by_flow", false));
    }
  }

  @Override
  public void end(FlowCore flow, boolean failed, String reason) {
    checkInPass(failed ? "fail()" : "stop()", flow.name());
    String message =
        failed
            ? "Flow " + flow.name() + " failed the app" + (reason == null ? "" : ": " + reason)
            : reason;
    throw endInPass(failed ? Outcome.failed(message) : Outcome.stopped(message));
  }
}
