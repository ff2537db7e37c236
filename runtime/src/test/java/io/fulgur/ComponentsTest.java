package io.fulgur;

import static io.fulgur.Conditions.runApp;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Nested flows, works in List and Map fields, names by path, children added while running. */
class ComponentsTest {

  static class Echo extends Work<String> {
    static final List<String> RAN = new CopyOnWriteArrayList<>();

    Echo() {
      super(WorkOptions.defaults());
    }

    @Override
    protected void onRun(String input) {
      RAN.add(name() + ":" + input);
    }
  }

  static class Child extends Flow {
    final Echo leaf = new Echo();

    @Override
    public void run() {
      leaf.run("from child");
    }
  }

  static class Root extends Flow {
    final Child child = new Child();
    final List<Echo> workers = new ArrayList<>(List.of(new Echo(), new Echo()));
    final Map<String, Echo> byKey = new LinkedHashMap<>(Map.of("alpha", new Echo()));
    private final Echo hidden = new Echo();
    boolean added;

    @Override
    public void run() {
      child.run();
      for (Echo w : workers) {
        w.run("listed");
      }
      byKey.get("alpha").run("mapped");
      hidden.run("private field");
      if (!added) {
        added = true;
        workers.add(new Echo()); // joins the app in this very pass
      }
      workers.get(2).run("added while running");
      stop();
    }
  }

  @Test
  void componentsAreNamedByPathAndAddedChildrenJoinTheApp() {
    Echo.RAN.clear();
    Root root = new Root();
    runApp(new App(root));
    assertThat(root.child.name()).isEqualTo("root.child");
    assertThat(root.child.leaf.name()).isEqualTo("root.child.leaf");
    assertThat(root.workers.get(0).name()).isEqualTo("root.workers.0");
    assertThat(root.workers.get(1).name()).isEqualTo("root.workers.1");
    assertThat(root.workers.get(2).name()).isEqualTo("root.workers.2");
    assertThat(root.byKey.get("alpha").name()).isEqualTo("root.byKey.alpha");
    assertThat(root.hidden.name()).isEqualTo("root.hidden");
    assertThat(Echo.RAN)
        .containsExactly(
            "root.child.leaf:from child",
            "root.workers.0:listed",
            "root.workers.1:listed",
            "root.byKey.alpha:mapped",
            "root.hidden:private field",
            "root.workers.2:added while running",
            "root.workers.2:listed");
  }

  static class Grower extends Flow {
    final Map<String, Echo> byKey = new LinkedHashMap<>();
    final List<Child> children = new ArrayList<>();

    @Override
    public void run() {
      if (byKey.isEmpty()) {
        // added now, called in a later pass: adding a child starts a pass
        byKey.put("late", new Echo());
        children.add(new Child());
        return;
      }
      byKey.get("late").run("late");
      for (Child c : children) {
        c.run();
      }
      stop();
    }
  }

  @Test
  void addingAChildStartsAPass() {
    Echo.RAN.clear();
    Grower flow = new Grower();
    runApp(new App(flow));
    assertThat(Echo.RAN).containsExactly("root.byKey.late:late", "root.children.0.leaf:from child");
  }

  /** A child flow that grows its own map on its first pass. */
  static class Holder extends Flow {
    final Map<String, Echo> works = new LinkedHashMap<>();

    @Override
    public void run() {
      if (works.isEmpty()) {
        works.put("late", new Echo());
        return;
      }
      works.get("late").run("deep");
    }
  }

  static class DeepFlow extends Flow {
    final List<Holder> holders = List.of(new Holder()); // never changes

    @Override
    public void run() {
      holders.get(0).run();
      if (Echo.RAN.size() == 1) {
        stop();
      }
    }
  }

  @Test
  void childrenAddedDeepInsideAnUnchangedListAreFound() {
    Echo.RAN.clear();
    DeepFlow flow = new DeepFlow();
    runApp(new App(flow));
    assertThat(Echo.RAN).containsExactly("root.holders.0.works.late:deep");
  }
}
