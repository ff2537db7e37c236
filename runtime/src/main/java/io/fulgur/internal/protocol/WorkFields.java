package io.fulgur.internal.protocol;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.fulgur.Work;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fields of a work class that travel, found once per class: every non-static, non-transient
 * field of the class and its superclasses up to {@link Work} (the <em>instance</em>, copied to the
 * work's node at placement), and among them the public non-final ones (the <em>state</em>, synced
 * back to the flow). Types are resolved against the concrete class, so that a {@code T} field of a
 * generic superclass reads as the class a subclass bound it to.
 */
public final class WorkFields {

  /**
   * One field. {@code reader} builds its value from JSON; {@code builtBack} holds the value classes
   * already seen to build back into themselves ({@link InstanceCodec#snapshot}). {@code key} is its
   * name, or, for a superclass field shadowed by a subclass field of the same name, its declaring
   * class's name and its name ({@code com.acme.Base.limit}).
   */
  public record WorkField(
      Field field, String key, JavaType type, ObjectReader reader, Set<Class<?>> builtBack) {
    /** Reads the field of {@code work}. */
    public Object get(Object work) {
      try {
        return field.get(work);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("field " + field + " cannot be read", e);
      }
    }

    /** The field's name and declaring class, for messages. */
    public String describe() {
      return field.getName()
          + " ("
          + type.toCanonical()
          + ", declared in "
          + field.getDeclaringClass().getName()
          + ")";
    }
  }

  /** A work class's instance fields and state fields, subclass fields first. */
  public record Fields(List<WorkField> instance, List<WorkField> state, List<String> problems) {}

  private static final ClassValue<Fields> FIELDS =
      new ClassValue<>() {
        @Override
        protected Fields computeValue(Class<?> type) {
          return find(type);
        }
      };

  private WorkFields() {}

  /** The fields of a work class. */
  public static Fields of(Class<?> workClass) {
    return FIELDS.get(workClass);
  }

  private static Fields find(Class<?> workClass) {
    TypeFactory types = InstanceMapper.MAPPER.getTypeFactory();
    JavaType concrete = types.constructType(workClass);
    List<WorkField> instance = new ArrayList<>();
    List<WorkField> state = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> stateNames = new HashSet<>();
    for (Class<?> c = workClass; c != null && c != Work.class; c = c.getSuperclass()) {
      JavaType declaring = concrete.findSuperType(c);
      for (Field f : c.getDeclaredFields()) {
        int m = f.getModifiers();
        if (Modifier.isStatic(m) || Modifier.isTransient(m)) {
          continue;
        }
        if (f.isSynthetic()) {
          if (f.getName().startsWith("this$")) {
            problems.add(
                "class "
                    + c.getName()
                    + " is an inner, local or anonymous class that holds its enclosing instance;"
                    + " make it a static nested or top-level class");
          }
          // a local class's captured variables (val$x) are final values the class was built with
          if (!f.getName().startsWith("val$")) {
            continue;
          }
        }
        try {
          f.setAccessible(true);
        } catch (InaccessibleObjectException e) {
          problems.add("field " + f.getName() + " of " + c.getName() + " cannot be read: " + e);
          continue;
        }
        JavaType fieldType =
            declaring == null
                ? types.constructType(f.getGenericType())
                : types.resolveMemberType(f.getGenericType(), declaring.getBindings());
        String key = names.add(f.getName()) ? f.getName() : c.getName() + "." + f.getName();
        boolean isState =
            Modifier.isPublic(m) && !Modifier.isFinal(m) && stateNames.add(f.getName());
        WorkField wf =
            new WorkField(
                f,
                key,
                fieldType,
                InstanceMapper.MAPPER.readerFor(fieldType),
                ConcurrentHashMap.newKeySet());
        instance.add(wf);
        if (isState) {
          state.add(wf);
        }
      }
    }
    return new Fields(List.copyOf(instance), List.copyOf(state), List.copyOf(problems));
  }
}
