package io.fulgur.internal.flow;

import io.fulgur.Flow;
import io.fulgur.Work;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
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

    /** Whether a work already has this name (works are kept by name by the listener). */
    boolean workNamed(String name);
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

  /**
   * A flow holds a component where the app cannot see it (an array, a {@code Set}, a map with keys
   * that are not strings): the app fails at once rather than leave it silently out.
   */
  static final class MisplacedComponent extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MisplacedComponent(String message) {
      super(message);
    }
  }

  private static boolean mayHold(Class<?> type) {
    return Work.class.isAssignableFrom(type)
        || Flow.class.isAssignableFrom(type)
        || Map.class.isAssignableFrom(type)
        || Collection.class.isAssignableFrom(type)
        || type.isArray() && mayBeComponent(type.getComponentType())
        || type == Object.class
        || type == Iterable.class;
  }

  /** Whether an array of this element type may hold a work or a flow. */
  private static boolean mayBeComponent(Class<?> type) {
    return Work.class.isAssignableFrom(type)
        || Flow.class.isAssignableFrom(type)
        || type.isAssignableFrom(Work.class)
        || type.isAssignableFrom(Flow.class)
        || type.isArray() && mayBeComponent(type.getComponentType());
  }

  /**
   * A List or Map field as last walked: the same collection with the same size is taken to hold the
   * same children (only its flows are walked again), so a pass costs O(changed components), not
   * O(all works). A full walk every {@link #FULL_SCAN_EVERY_NANOS} catches elements replaced in
   * place ({@code list.set}); a work that is called before that is bound at once anyway.
   */
  private record Seen(Object container, int size, List<Flow> flows) {}

  private static final long FULL_SCAN_EVERY_NANOS = 1_000_000_000L;

  private final Listener listener;
  private final Logger log;
  private final IdentityHashMap<Object, String> names = new IdentityHashMap<>();

  /** Names of flows; works' names are the listener's (one map per work is enough). */
  private final Set<String> flowNames = new HashSet<>();

  private final IdentityHashMap<Flow, Seen[]> seen = new IdentityHashMap<>();
  private long lastFullScan = System.nanoTime();

  Components(Listener listener, Logger log) {
    this.listener = listener;
    this.log = log;
  }

  /**
   * Walks the tree from the root, skipping collections that did not change (with a full walk at
   * least once a second); returns how many components were seen for the first time.
   */
  int scan(Flow root) {
    boolean full = System.nanoTime() - lastFullScan > FULL_SCAN_EVERY_NANOS;
    return scan(root, full);
  }

  /** Walks the whole tree from the root, every element of every collection. */
  int scanAll(Flow root) {
    return scan(root, true);
  }

  private int scan(Flow root, boolean full) {
    if (full) {
      lastFullScan = System.nanoTime();
    }
    int before = names.size();
    walk(root, "root", Collections.newSetFromMap(new IdentityHashMap<>()), full);
    return names.size() - before;
  }

  private void walk(Flow flow, String path, Set<Flow> visited, boolean full) {
    if (!visited.add(flow)) {
      return;
    }
    String name = names.get(flow);
    if (name == null) {
      name = assign(flow, path);
      listener.flowFound(flow, name);
    }
    List<Field> fields = CHILD_FIELDS.get(flow.getClass());
    Seen[] seenFields = seen.computeIfAbsent(flow, f -> new Seen[fields.size()]);
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      Object value;
      try {
        value = f.get(flow);
      } catch (IllegalAccessException e) {
        continue;
      }
      String childPath = name + "." + f.getName();
      if (value instanceof Object[] array && mayBeComponent(array.getClass().getComponentType())
          || value instanceof Collection<?> && !(value instanceof List<?>)) {
        // looked at again only when the container or its size changed: a set or an array that is
        // not a List is walked only to refuse components in it
        int size = value instanceof Object[] array ? array.length : ((Collection<?>) value).size();
        Seen before = seenFields[i];
        if (before == null || before.container != value || before.size != size) {
          refuseComponentsIn(value, childPath);
          seenFields[i] = new Seen(value, size, List.of());
        }
      } else if (value instanceof List<?> || value instanceof Map<?, ?>) {
        int size = value instanceof List<?> list ? list.size() : ((Map<?, ?>) value).size();
        Seen before = seenFields[i];
        if (!full && before != null && before.container == value && before.size == size) {
          for (Flow child : before.flows) {
            walk(child, childPath, visited, false);
          }
          continue;
        }
        List<Flow> flows = new ArrayList<>();
        visitCollection(value, childPath, visited, full, flows);
        seenFields[i] = new Seen(value, size, flows.isEmpty() ? List.of() : flows);
      } else {
        visit(value, childPath, visited, full);
      }
    }
  }

  private void visit(Object value, String path, Set<Flow> visited, boolean full) {
    if (value instanceof Work<?> work) {
      if (!names.containsKey(work)) {
        listener.workFound(work, assign(work, path));
      }
    } else if (value instanceof Flow flow) {
      walk(flow, path, visited, full);
    }
  }

  private void visitCollection(
      Object value, String path, Set<Flow> visited, boolean full, List<Flow> flows) {
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        Object element = list.get(i);
        if (element instanceof Flow flow) {
          flows.add(flow);
        }
        visit(element, path + "." + i, visited, full);
      }
    } else if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        Object element = entry.getValue();
        if (entry.getKey() instanceof String key) {
          if (element instanceof Flow flow) {
            flows.add(flow);
          }
          visit(element, path + "." + key, visited, full);
        } else if (element instanceof Work<?> || element instanceof Flow) {
          throw new MisplacedComponent(
              path
                  + " holds "
                  + describe(element)
                  + " under a key of type "
                  + (entry.getKey() == null ? "null" : entry.getKey().getClass().getName())
                  + ", so it is not part of the app (a component is named by its key): use a"
                  + " Map<String, ...> or a List");
        }
      }
    }
  }

  /** An array or a collection that is not a List must not hold components. */
  private static void refuseComponentsIn(Object container, String path) {
    Iterable<?> elements =
        container instanceof Object[] array
            ? java.util.Arrays.asList(array)
            : (Iterable<?>) container;
    for (Object element : elements) {
      if (element instanceof Object[] nested) {
        refuseComponentsIn(nested, path);
      } else if (element instanceof Work<?> || element instanceof Flow) {
        String kind =
            container instanceof Object[]
                ? "an array"
                : container instanceof Set<?> ? "a Set" : "a " + container.getClass().getName();
        throw new MisplacedComponent(
            path
                + " holds "
                + describe(element)
                + " in "
                + kind
                + ", so it is not part of the app (components have stable names only in a List or"
                + " a Map<String, ...>): hold it in a List or a Map<String, ...>");
      }
    }
  }

  private static String describe(Object component) {
    return (component instanceof Work<?> ? "a work (" : "a flow (")
        + component.getClass().getName()
        + ")";
  }

  private String assign(Object component, String path) {
    String name = path;
    for (int n = 2; flowNames.contains(name) || listener.workNamed(name); n++) {
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
    if (component instanceof Flow) {
      flowNames.add(name);
    }
    return name;
  }
}
