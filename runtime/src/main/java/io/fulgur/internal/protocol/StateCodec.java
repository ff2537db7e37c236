package io.fulgur.internal.protocol;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulgur.Work;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A work's state: its public, non-static, non-final, non-transient fields, as a JSON object. Reads
 * and writes fields directly: no user getter or setter runs.
 */
public final class StateCodec {
  private record StateField(Field field, JavaType type) {}

  private static final ClassValue<List<StateField>> FIELDS =
      new ClassValue<>() {
        @Override
        protected List<StateField> computeValue(Class<?> type) {
          List<StateField> fields = new ArrayList<>();
          Set<String> seen = new HashSet<>();
          for (Class<?> c = type; c != null && c != Work.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
              int m = f.getModifiers();
              if (Modifier.isPublic(m)
                  && !Modifier.isStatic(m)
                  && !Modifier.isFinal(m)
                  && !Modifier.isTransient(m)
                  && !f.isSynthetic()
                  && seen.add(f.getName())) {
                f.setAccessible(true);
                fields.add(
                    new StateField(f, Json.MAPPER.getTypeFactory().constructType(f.getGenericType())));
              }
            }
          }
          return List.copyOf(fields);
        }
      };

  private StateCodec() {}

  /** Whether the work's class has any state field. */
  public static boolean hasState(Work<?> work) {
    return hasState(work.getClass());
  }

  /** Whether instances of the work class have any state field. */
  public static boolean hasState(Class<?> workClass) {
    return !FIELDS.get(workClass).isEmpty();
  }

  /**
   * A snapshot of the work's state.
   *
   * @throws Json.NotSerializableException naming the field that cannot be serialised
   * @throws java.util.ConcurrentModificationException if a collection changed while it was read
   */
  public static ObjectNode snapshot(Work<?> work) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    for (StateField sf : FIELDS.get(work.getClass())) {
      Object value;
      try {
        value = sf.field.get(work);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
      try {
        node.set(sf.field.getName(), Json.tree(value));
      } catch (Json.NotSerializableException e) {
        throw new Json.NotSerializableException(
            "state field '"
                + sf.field.getName()
                + "' of type "
                + sf.type.toCanonical()
                + " is not JSON-serialisable: "
                + e.getMessage(),
            e);
      }
    }
    return node;
  }

  /** Writes a snapshot into the work's fields; fields not in the snapshot are left alone. */
  public static void apply(Work<?> work, JsonNode state) {
    if (state == null || !state.isObject()) {
      return;
    }
    for (StateField sf : FIELDS.get(work.getClass())) {
      JsonNode value = state.get(sf.field.getName());
      if (value == null) {
        continue;
      }
      try {
        sf.field.set(work, Json.read(value, sf.type));
      } catch (IllegalAccessException | com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(
            "state field '" + sf.field.getName() + "' could not be set: " + e.getMessage(), e);
      }
    }
  }
}
