package io.fulgur.internal.flow;

import io.fulgur.Flow;
import io.fulgur.Work;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Finds an app's flows and works: those held in a flow's fields, directly or in {@code List} and
 * {@code Map<String, ...>} fields, and names each by its path from the root the first time it is
 * seen. Names are stable for the app's life.
 */
final class Components {
  /** Told of every component seen for the first time. */
  interface Listener {
    void flowFound(Flow flow, String name);

    void workFound(Work<?> work, String name);
  }

  private static final ClassValue<List<Field>> CHILD_FIELDS =
      new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
          List<Field> fields = new ArrayList<>();
          List<Class<?>> hierarchy = new ArrayList<>();
          for (Class<?> c = type; c != null && c != Flow.class; c = c.getSuperclass()) {
            hierarchy.add(c);
          }
          Collections.reverse(hierarchy);
          for (Class<?> c : hierarchy) {
            for (Field f : c.getDeclaredFields()) {
              if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic() || !mayHold(f.getType())) {
                continue;
              }
              try {
                f.setAccessible(true);
                fields.add(f);
              } catch (InaccessibleObjectException e) {
                // a field of a class in a closed module cannot hold user components
              }
            }
          }
          return List.copyOf(fields);
        }
      };

  private static boolean mayHold(Class<?> type) {
    return Work.class.isAssignableFrom(type)
        || Flow.class.isAssignableFrom(type)
        || List.class.isAssignableFrom(type)
        || Map.class.isAssignableFrom(type)
        || type == Object.class
        || type == Iterable.class
        || type == java.util.Collection.class;
  }

  private final Listener listener;
  private final Logger log;
  private final IdentityHashMap<Object, String> names = new IdentityHashMap<>();
  private final Map<String, Object> byName = new HashMap<>();

  Components(Listener listener, Logger log) {
    this.listener = listener;
    this.log = log;
  }

  /** Walks the tree from the root; returns how many components were seen for the first time. */
  int scan(Flow root) {
    int before = names.size();
    walk(root, "root", Collections.newSetFromMap(new IdentityHashMap<>()));
    return names.size() - before;
  }

  private void walk(Flow flow, String path, Set<Flow> visited) {
    if (!visited.add(flow)) {
      return;
    }
    String name = names.get(flow);
    if (name == null) {
      name = assign(flow, path);
      listener.flowFound(flow, name);
    }
    for (Field f : CHILD_FIELDS.get(flow.getClass())) {
      Object value;
      try {
        value = f.get(flow);
      } catch (IllegalAccessException e) {
        continue;
      }
      visit(value, name + "." + f.getName(), visited);
    }
  }

  private void visit(Object value, String path, Set<Flow> visited) {
    if (value instanceof Work<?> work) {
      if (!names.containsKey(work)) {
        listener.workFound(work, assign(work, path));
      }
    } else if (value instanceof Flow flow) {
      walk(flow, path, visited);
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        Object element = list.get(i);
        if (element instanceof Work<?> || element instanceof Flow) {
          visit(element, path + "." + i, visited);
        }
      }
    } else if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        Object element = entry.getValue();
        if (entry.getKey() instanceof String key
            && (element instanceof Work<?> || element instanceof Flow)) {
          visit(element, path + "." + key, visited);
        }
      }
    }
  }

  private String assign(Object component, String path) {
    String name = path;
    for (int n = 2; byName.containsKey(name); n++) {
      name = path + "~" + n;
    }
    if (!name.equals(path)) {
      log.warn(
          "Name [{}] already belongs to another component (names are stable for the app's life):"
              + " naming the new one [{}]",
          path,
          name);
    }
    names.put(component, name);
    byName.put(name, component);
    return name;
  }
}
