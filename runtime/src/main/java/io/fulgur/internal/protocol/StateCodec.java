package io.fulgur.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulgur.Work;
import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.protocol.WorkFields.WorkField;
import java.io.IOException;
import java.util.List;

/**
 * A work's state: its public, non-static, non-final, non-transient fields ({@link WorkFields}), as
 * a JSON object, written and read as the instance is ({@link InstanceMapper}: fields, never getters
 * or setters). A field whose type is a type variable reads as the class the work's concrete class
 * bound it to.
 */
public final class StateCodec {

  private StateCodec() {}

  /** Whether the work's class has any state field. */
  public static boolean hasState(Work<?> work) {
    return hasState(work.getClass());
  }

  /** Whether instances of the work class have any state field. */
  public static boolean hasState(Class<?> workClass) {
    return !WorkFields.of(workClass).state().isEmpty();
  }

  /**
   * A snapshot of the work's state.
   *
   * @throws Json.NotSerializableException naming the field that cannot be serialised
   * @throws java.util.ConcurrentModificationException if a collection changed while it was read
   */
  public static ObjectNode snapshot(Work<?> work) {
    ObjectNode node = InstanceMapper.MAPPER.createObjectNode();
    for (WorkField sf : WorkFields.of(work.getClass()).state()) {
      try {
        node.set(sf.field().getName(), InstanceCodec.tree(work, work.name(), sf, sf.get(work)));
      } catch (InstanceCodec.InstanceException e) {
        throw new Json.NotSerializableException(e.getMessage(), e);
      }
    }
    return node;
  }

  /**
   * A snapshot of the work's state after a call: a collection that a thread the call left behind
   * changed while it was read is read again, up to three times (then null).
   *
   * @throws Json.NotSerializableException naming the field that cannot be serialised
   */
  public static ObjectNode snapshotAfterCall(Work<?> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return snapshot(work);
      } catch (java.util.ConcurrentModificationException e) {
        if (attempt == 3) {
          return null;
        }
      }
    }
  }

  /**
   * The state part of an instance snapshot ({@link InstanceCodec#snapshot}): what the work's node
   * compares its first state sync with.
   */
  public static ObjectNode ofInstance(Class<?> workClass, JsonNode instance) {
    ObjectNode node = InstanceMapper.MAPPER.createObjectNode();
    if (instance != null && instance.isObject()) {
      for (WorkField sf : WorkFields.of(workClass).state()) {
        JsonNode value = instance.get(sf.key());
        if (value != null) {
          node.set(sf.field().getName(), value);
        }
      }
    }
    return node;
  }

  /**
   * Writes a snapshot into the work's fields; fields not in the snapshot are left alone.
   *
   * @throws IllegalStateException naming the field whose value could not be built or set
   */
  public static void apply(Work<?> work, JsonNode state) {
    if (state == null || !state.isObject()) {
      return;
    }
    List<WorkField> fields = WorkFields.of(work.getClass()).state();
    for (WorkField sf : fields) {
      JsonNode value = state.get(sf.field().getName());
      if (value == null) {
        continue;
      }
      try {
        sf.field().set(work, sf.reader().readValue(value));
      } catch (IllegalAccessException | IOException e) {
        throw new IllegalStateException(
            "state field '" + sf.field().getName() + "' could not be set: " + e.getMessage(), e);
      } catch (Error e) {
        // a constructor of the field's type threw (user code, run on the flow's actor): as an
        // exception would, the state is not applied and the event that carried it still counts
        if (FailureDescription.isFatal(e)) {
          throw e;
        }
        throw new IllegalStateException(
            "state field '"
                + sf.field().getName()
                + "' could not be set: "
                + FailureDescription.summary(e),
            e);
      }
    }
  }
}
