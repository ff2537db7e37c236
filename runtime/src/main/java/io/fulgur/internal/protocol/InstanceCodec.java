package io.fulgur.internal.protocol;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulgur.Work;
import io.fulgur.internal.FailureDescription;
import io.fulgur.internal.protocol.WorkFields.WorkField;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Copies a work's instance from the flow to the work's node: every field {@link WorkFields} lists,
 * as a JSON object keyed by field, written and read with {@link InstanceMapper}. The embedded node
 * copies through it too, so that a work never shares an object with its flow, local or clustered.
 * Every refusal is an {@link InstanceException} naming the work, its class, the field path and the
 * fix.
 */
public final class InstanceCodec {

  /** A work's instance cannot be copied to its node; the message says why and what to do. */
  public static final class InstanceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InstanceException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final String FIX = "mark it transient or make it serialisable";

  /** The most path segments a message names (a deep graph's path would be kilobytes). */
  private static final int MAX_PATH_SEGMENTS = 12;

  private InstanceCodec() {}

  /** Whether the work's class has any field to copy. */
  public static boolean hasFields(Work<?> work) {
    return !WorkFields.of(work.getClass()).instance().isEmpty();
  }

  /**
   * The mistakes that can be seen when a work joins its app, before any call: a class that holds
   * its enclosing instance, and a field whose value is a work, a flow, an actor ref, a thread or a
   * lambda (values set later are checked at placement).
   *
   * @throws InstanceException naming the first mistake
   */
  public static void check(Work<?> work, String name) {
    WorkFields.Fields fields = WorkFields.of(work.getClass());
    if (!fields.problems().isEmpty()) {
      throw new InstanceException(prefix(work, name) + ": " + fields.problems().get(0), null);
    }
    for (WorkField f : fields.instance()) {
      Object value = f.get(work);
      String refusal = value == null ? null : InstanceMapper.refusal(value.getClass());
      if (refusal != null) {
        throw new InstanceException(
            prefix(work, name)
                + ": field "
                + name
                + "."
                + f.field().getName()
                + " holds "
                + refusal
                + "; "
                + FIX,
            null);
      }
    }
  }

  /**
   * The instance as JSON, checked to fit in {@code maxBytes} and, once per field and value class,
   * to build back into an object of the value's class (a {@code Dog} in an {@code Animal} field
   * would arrive as an {@code Animal}; a record in an {@code Object} field as a map).
   *
   * @throws InstanceException naming the field that cannot travel, or the largest field of an
   *     instance that is too large
   */
  public static ObjectNode snapshot(Work<?> work, String name, int maxBytes) {
    List<WorkField> fields = WorkFields.of(work.getClass()).instance();
    ObjectNode tree = InstanceMapper.MAPPER.createObjectNode();
    long total = 0;
    long largest = -1;
    WorkField largestField = null;
    for (int i = 0; i < fields.size(); i++) {
      WorkField f = fields.get(i);
      Object value = f.get(work);
      JsonNode node = write(work, name, f, value);
      if (value != null && !f.builtBack().contains(value.getClass())) {
        checkBuildsBack(work, name, f, value, node);
        f.builtBack().add(value.getClass());
      }
      long size = WireSize.of(node);
      total += size;
      if (size > largest) {
        largest = size;
        largestField = f;
      }
      tree.set(f.key(), node);
    }
    if (total > maxBytes) {
      throw new InstanceException(
          String.format(
              Locale.ROOT,
              "%s: the instance takes at least %,d bytes, more than fulgur.work.max-instance-size"
                  + " (%,d bytes); its largest field is %s.%s (%,d bytes). Keep large data out of"
                  + " the work (a path or URL it reads on its node), or raise the setting (it is"
                  + " capped at pekko.remote.artery.advanced.maximum-frame-size less 4 KiB)",
              prefix(work, name),
              total,
              maxBytes,
              name,
              largestField.field().getName(),
              largest),
          null);
    }
    return tree;
  }

  /**
   * Sets the work's fields from an instance snapshot; fields missing from it keep what the class's
   * no-argument constructor set, if any.
   *
   * @throws InstanceException naming the field that cannot be built
   */
  public static void apply(Work<?> work, String name, JsonNode tree) {
    if (tree == null || !tree.isObject()) {
      return;
    }
    for (WorkField f : WorkFields.of(work.getClass()).instance()) {
      JsonNode node = tree.get(f.key());
      if (node == null) {
        continue;
      }
      Object value = read(work, name, f, node);
      try {
        f.field().set(work, value);
      } catch (IllegalAccessException | IllegalArgumentException e) {
        throw new InstanceException(
            prefix(work, name)
                + ": field "
                + name
                + "."
                + f.field().getName()
                + " cannot be set: "
                + e.getMessage(),
            e);
      }
    }
  }

  /** The value built back must be of the class that was sent, give or take a collection class. */
  private static void checkBuildsBack(
      Work<?> work, String name, WorkField f, Object value, JsonNode node) {
    Class<?> sent = value.getClass();
    Class<?> declared = f.type().getRawClass();
    Object rebuilt;
    try {
      rebuilt = read(work, name, f, node);
    } catch (InstanceException e) {
      if (declared.isPrimitive() || declared == sent || value instanceof Number) {
        throw e;
      }
      // a subclass's fields do not fit its declared supertype: say that, not which field failed
      throw wrongClass(work, name, f, sent, "it cannot be built back on the node");
    }
    Class<?> arrived = rebuilt == null ? null : rebuilt.getClass();
    if (sent == arrived
        || rebuilt instanceof java.util.List<?> && value instanceof java.util.List<?>
        || rebuilt instanceof java.util.Set<?> && value instanceof java.util.Set<?>
        || rebuilt instanceof java.util.Map<?, ?> && value instanceof java.util.Map<?, ?>
        || rebuilt instanceof Number && value instanceof Number) {
      return;
    }
    throw wrongClass(
        work,
        name,
        f,
        sent,
        "it would arrive on the node as " + (arrived == null ? "null" : "a " + arrived.getName()));
  }

  private static InstanceException wrongClass(
      Work<?> work, String name, WorkField f, Class<?> sent, String consequence) {
    return new InstanceException(
        prefix(work, name)
            + ": field "
            + name
            + "."
            + f.field().getName()
            + " holds a "
            + sent.getName()
            + " but is declared "
            + f.type().toCanonical()
            + ", so "
            + consequence
            + "; declare the field with the value's class (or bind its type variable in a subclass:"
            + " class PointHolder extends Holder<Point>), or mark it transient",
        null);
  }

  /**
   * One value as JSON, as the instance copies it; for state snapshots.
   *
   * @throws InstanceException naming the field when it cannot be serialised
   */
  static JsonNode tree(Work<?> work, String name, WorkField f, Object value) {
    return write(work, name, f, value);
  }

  private static JsonNode write(Work<?> work, String name, WorkField f, Object value) {
    JsonNode simple = Json.simpleTree(value);
    if (simple != null) {
      return simple;
    }
    try {
      return InstanceMapper.MAPPER.valueToTree(value);
    } catch (IllegalArgumentException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw refused(work, name, f, cause, "cannot be serialised");
    } catch (StackOverflowError e) {
      throw tooDeep(work, name, f);
    } catch (RuntimeException | Error e) {
      // a user serializer, @JsonValue method or collection threw: the flow's actor must not, and
      // a work's final state that cannot be read still ends its call
      if (FailureDescription.isFatal(e)) {
        throw e;
      }
      throw refused(work, name, f, e, "cannot be serialised");
    }
  }

  private static InstanceException tooDeep(Work<?> work, String name, WorkField f) {
    return new InstanceException(
        prefix(work, name)
            + ": field "
            + name
            + "."
            + f.field().getName()
            + " nests too deeply to be copied (a collection that contains itself?); "
            + FIX,
        null);
  }

  private static Object read(Work<?> work, String name, WorkField f, JsonNode node) {
    try {
      return f.reader().readValue(node);
    } catch (StackOverflowError e) {
      throw tooDeep(work, name, f);
    } catch (IOException | RuntimeException e) {
      // user constructors run here (a @JsonCreator, a no-argument constructor): on the flow's
      // side too, for the check at placement, so nothing they throw may escape
      throw refused(work, name, f, e, "cannot be built back as " + f.type().toCanonical());
    } catch (Error e) {
      if (FailureDescription.isFatal(e)) {
        throw e;
      }
      throw refused(work, name, f, e, "cannot be built back as " + f.type().toCanonical());
    }
  }

  private static InstanceException refused(
      Work<?> work, String name, WorkField f, Throwable cause, String what) {
    StringBuilder path = new StringBuilder(name).append('.').append(f.field().getName());
    String reason = FailureDescription.message(cause);
    if (cause instanceof JsonMappingException m) {
      List<JsonMappingException.Reference> refs = m.getPath();
      for (int i = 0; i < refs.size() && i < MAX_PATH_SEGMENTS; i++) {
        JsonMappingException.Reference ref = refs.get(i);
        if (ref.getFieldName() != null) {
          path.append('.').append(ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          path.append('.').append(ref.getIndex());
        }
      }
      if (refs.size() > MAX_PATH_SEGMENTS) {
        path.append("... (").append(refs.size()).append(" levels deep)");
      }
      reason = m.getOriginalMessage();
      if (reason != null && reason.startsWith("Infinite recursion")) {
        reason = "nests too deeply to be copied";
      }
    }
    if (cause instanceof InstanceMapper.Refused) {
      return new InstanceException(
          prefix(work, name) + ": field " + path + " " + reason + "; " + FIX, cause);
    }
    return new InstanceException(
        prefix(work, name) + ": field " + path + " " + what + " (" + reason + "); " + FIX, cause);
  }

  private static String prefix(Work<?> work, String name) {
    return "Work " + name + " (" + work.getClass().getName() + ")";
  }
}
