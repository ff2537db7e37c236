package io.fulgur.internal.flow;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulgur.Work;
import io.fulgur.WorkFailure;
import io.fulgur.WorkOptions;
import io.fulgur.WorkStatus;
import io.fulgur.internal.WorkCore;
import io.fulgur.internal.protocol.HostMessage;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/** The flow's view of one work: where it is placed and every call it was sent. */
final class WorkEntry {

  /** One call: a key (the input's canonical JSON) sent to the work once. */
  static final class Call {
    final long id;
    final String key;
    final JsonNode input;
    WorkStatus status = WorkStatus.PENDING;
    /** How many times the call was re-placed after its node was lost. */
    int retries;

    Call(long id, String key, JsonNode input) {
      this.id = id;
      this.key = key;
      this.input = input;
    }
  }

  final String name;
  final Work<?> work;
  final WorkCore core;
  final WorkOptions options;
  final String role;
  // Small initial tables: most works see a handful of calls, and an app may hold 100,000 works.
  final Map<String, Call> callsByKey = new HashMap<>(2);
  /** Calls not yet SUCCEEDED, FAILED or STOPPED, by id, in the order they were sent. */
  final Map<Long, Call> active = new LinkedHashMap<>(2);
  /** Calls waiting for the work to be placed. */
  final ArrayDeque<Call> unsent = new ArrayDeque<>(2);

  /** The host the work is placed on (or being placed on); null while it has none. */
  ActorRef<HostMessage> host;
  /** The host confirmed the placement. */
  boolean placed;
  boolean placing;
  boolean waitingForNode;
  boolean listingSettled;
  boolean released;
  Call latest;

  WorkEntry(String name, Work<?> work, WorkCore core) {
    this.name = name;
    this.work = work;
    this.core = core;
    this.options = core.options();
    this.role = options.compute().name();
  }

  /** Ends a call with a final status; the work's status follows its latest call. */
  void finish(Call call, WorkStatus status, String reason, WorkFailure failure) {
    call.status = status;
    active.remove(call.id);
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
