package io.fulgur.internal.flow;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulgur.Work;
import io.fulgur.WorkFailure;
import io.fulgur.WorkOptions;
import io.fulgur.WorkStatus;
import io.fulgur.internal.WorkCore;
import io.fulgur.internal.protocol.HostMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/** The flow's view of one work: where it is placed and every call it was sent. */
final class WorkEntry {

  /** One call: a key (the input's canonical JSON) sent to the work once. */
  static final class Call {
    final long id;
    final String key;

    /** Kept while the call may be sent again (placement, retries); dropped when it ends. */
    JsonNode input;

    /** The input's class, sent with it for a work whose input type is generic, else null. */
    final String inputClass;

    WorkStatus status = WorkStatus.PENDING;

    /** How many times the call was re-placed after its node was lost. */
    int retries;

    Call(long id, String key, JsonNode input, String inputClass) {
      this.id = id;
      this.key = key;
      this.input = input;
      this.inputClass = inputClass;
    }
  }

  final String name;
  final Work<?> work;
  final WorkCore core;
  final WorkOptions options;
  final String role;
  // An app may hold 100,000 works, most of them called once: one call needs no table, and a work
  // with nothing running holds no list.
  private String onlyKey;
  private Call onlyCall;
  private Map<String, Call> callsByKey;

  /** Calls not yet SUCCEEDED, FAILED or STOPPED, in the order they were sent; null when none. */
  private List<Call> active;

  /** Calls waiting for the work to be placed. */
  private ArrayDeque<Call> unsent;

  /** The host the work is placed on (or being placed on); null while it has none. */
  ActorRef<HostMessage> host;

  /** The work's {@code Place} was sent: the flow takes it as placed from then on. */
  boolean placed;

  boolean waitingForNode;
  boolean listingSettled;

  /** A {@code ListingSettled} timer runs for this work. */
  boolean listingTimer;

  boolean released;
  Call latest;

  WorkEntry(String name, Work<?> work, WorkCore core) {
    this.name = name;
    this.work = work;
    this.core = core;
    this.options = core.options();
    this.role = options.compute().name();
  }

  /** Queues a call until the work has a host. */
  void queueUnsent(Call call) {
    if (unsent == null) {
      unsent = new ArrayDeque<>(2);
    }
    unsent.addLast(call);
  }

  boolean hasUnsent() {
    return unsent != null && !unsent.isEmpty();
  }

  /** Takes the queued calls, oldest first. */
  List<Call> drainUnsent() {
    if (unsent == null) {
      return List.of();
    }
    List<Call> calls = new ArrayList<>(unsent);
    unsent = null;
    return calls;
  }

  /** The call with this key, or null. */
  Call call(String key) {
    if (callsByKey != null) {
      return callsByKey.get(key);
    }
    return key.equals(onlyKey) ? onlyCall : null;
  }

  /** Records a new call (the latest one for its key) and makes it active. */
  void add(Call call) {
    if (callsByKey != null) {
      callsByKey.put(call.key, call);
    } else if (onlyKey == null || onlyKey.equals(call.key)) {
      onlyKey = call.key;
      onlyCall = call;
    } else {
      callsByKey = new HashMap<>(4);
      callsByKey.put(onlyKey, onlyCall);
      callsByKey.put(call.key, call);
      onlyKey = null;
      onlyCall = null;
    }
    if (active == null) {
      active = new ArrayList<>(2);
    }
    active.add(call);
  }

  /** The active call with this id, or null (the oldest are looked at first). */
  Call active(long id) {
    if (active != null) {
      for (Call call : active) {
        if (call.id == id) {
          return call;
        }
      }
    }
    return null;
  }

  /** A copy of the active calls, oldest first. */
  List<Call> activeCalls() {
    return active == null ? List.of() : new ArrayList<>(active);
  }

  boolean hasActive() {
    return active != null;
  }

  /** Ends a call with a final status; the work's status follows its latest call. */
  void finish(Call call, WorkStatus status, String reason, WorkFailure failure) {
    call.status = status;
    call.input = null;
    if (active != null) {
      active.remove(call);
      if (active.isEmpty()) {
        active = null;
      }
    }
    if (call == latest) {
      core.status(status, reason, failure);
    }
  }

  /** Moves a call to a non-final status. */
  void progress(Call call, WorkStatus status, String reason) {
    call.status = status;
    if (call == latest) {
      core.status(status, reason, null);
    }
  }
}
