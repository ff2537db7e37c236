package io.fulgur;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Works configured through their constructors, and works that make the usual mistakes. */
final class InstanceWorks {
  private InstanceWorks() {}

  static final CloudCompute CPU = new CloudCompute("cpu");

  /** Configuration as a record: built back through its canonical constructor. */
  record Batching(int size, String unit) {}

  /** A superclass whose private field a subclass shadows. */
  abstract static class Labelled extends Work<String> {
    private final String label;

    Labelled(WorkOptions options, String label) {
      super(options);
      this.label = label;
    }

    String baseLabel() {
      return label;
    }
  }

  /** The trainer: everything it needs comes through its constructor. */
  static final class Trainer extends Labelled {
    private final String modelPath;
    private final int batch;
    private final List<String> datasets;
    private final Batching batching;
    private final String label;
    private final WorkOptions fallback = WorkOptions.defaults().withParallel(true);

    /** What onRun saw, as state: synced back to the flow. */
    public String seen;

    Trainer(String modelPath, int batch, List<String> datasets, Batching batching) {
      super(WorkOptions.defaults().withCompute(CPU), "base-label");
      this.modelPath = modelPath;
      this.batch = batch;
      this.datasets = datasets;
      this.batching = batching;
      this.label = "own-label";
    }

    @Override
    protected void onRun(String data) {
      seen =
          String.join(
              "|",
              data,
              modelPath,
              Integer.toString(batch),
              String.valueOf(datasets),
              String.valueOf(batching),
              label,
              baseLabel(),
              "fallback parallel " + fallback.parallel());
    }
  }

  /** Transient fields stay behind; the no-argument constructor sets what the node sees. */
  static final class WithTransients extends Work<Void> {
    private final String kept;
    private transient String cache;
    private transient int counter;
    public String seen;

    WithTransients(String kept) {
      super(CPU);
      this.kept = kept;
      this.cache = "flow-side cache";
      this.counter = 42;
    }

    @Override
    protected void onRun(Void ignored) {
      seen = kept + "|" + cache + "|" + counter;
    }
  }

  /** As above, with a no-argument constructor: its transient values are what the node sees. */
  static final class WithDefaultTransients extends Work<Void> {
    private transient String cache = "from the no-argument constructor";
    private String kept = "default";
    public String seen;

    WithDefaultTransients() {
      super(CPU);
    }

    WithDefaultTransients(String kept) {
      this();
      this.kept = kept;
      this.cache = "flow-side cache";
    }

    @Override
    protected void onRun(Void ignored) {
      seen = kept + "|" + cache;
    }
  }

  /** Two fields that share one list. */
  static final class Sharing extends Work<Void> {
    private final List<String> first;
    private final List<String> second;
    public boolean sameList;
    public int secondSize;

    Sharing(List<String> shared) {
      super(CPU);
      this.first = shared;
      this.second = shared;
    }

    @Override
    protected void onRun(Void ignored) {
      first.add("added on the node");
      sameList = first == second;
      secondSize = second.size();
    }
  }

  /** A point, as state and as input. */
  record Point(int x, int y) {}

  /** State whose type is a type variable. */
  static class Holder<T> extends Work<Integer> {
    public T value;

    Holder() {
      super(CPU);
    }

    @Override
    protected void onRun(Integer input) {}
  }

  /** Binds the holder's type: the flow reads a {@link Point}, not a map. */
  static final class PointHolder extends Holder<Point> {
    @Override
    protected void onRun(Integer input) {
      value = new Point(input, input * 2);
    }
  }

  /** A generic work: its input arrives as the class the flow passed. */
  static final class Echo<T> extends Work<T> {
    public String inputClass;
    public String elementClass;

    Echo() {
      super(CPU);
    }

    @Override
    protected void onRun(T input) {
      inputClass = input.getClass().getName();
      if (input instanceof List<?> list && !list.isEmpty()) {
        elementClass = list.get(0).getClass().getName();
      }
    }
  }

  /** Sleeps for a time given to its constructor, and says when it ran. */
  static final class Sleeper extends Work<Void> {
    private final long millis;
    public long startedAt;
    public long endedAt;

    Sleeper(long millis) {
      super(CPU, true);
      this.millis = millis;
    }

    @Override
    protected void onRun(Void ignored) throws InterruptedException {
      startedAt = System.currentTimeMillis();
      Thread.sleep(millis);
      endedAt = System.currentTimeMillis();
    }
  }

  /** A quick sequential work that says when it ended. */
  static final class Stamp extends Work<Void> {
    public long endedAt;

    Stamp() {
      super(CPU);
    }

    @Override
    protected void onRun(Void ignored) {
      endedAt = System.currentTimeMillis();
    }
  }

  /** A local class in a static method: the variable it captures travels with it. */
  static Work<Void> greeter(String greeting) {
    final class Greeter extends Work<Void> {
      public String said;

      Greeter() {
        super(CPU);
      }

      @Override
      protected void onRun(Void ignored) {
        said = greeting + ", node";
      }
    }
    return new Greeter();
  }

  /** Reads the greeting a {@link #greeter} said. */
  static String said(Work<Void> greeter) {
    try {
      return (String) greeter.getClass().getField("said").get(greeter);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  // ---- mistakes

  /** A supertype field holding a subclass: it would arrive as the supertype. */
  static class Animal {
    String name = "animal";
  }

  static final class Dog extends Animal {
    String bark = "woof";
  }

  static final class HoldsDog extends Work<Void> {
    private final Animal pet = new Dog();

    HoldsDog() {
      super(CPU);
    }

    @Override
    protected void onRun(Void ignored) {
      pet.name.length();
    }
  }

  /** A record in an Object field: it would arrive as a map. */
  static final class HoldsObject extends Work<Void> {
    private final Object settings;

    HoldsObject(Object settings) {
      super(CPU);
      this.settings = settings;
    }

    @Override
    protected void onRun(Void ignored) {
      settings.hashCode();
    }
  }

  /** Configuration that refers to itself. */
  static final class Config {
    String name = "cfg";
    Config parent;
  }

  static final class CyclicConfig extends Work<Void> {
    private final Config cfg = new Config();

    CyclicConfig() {
      super(WorkOptions.defaults().withCompute(CPU).withRaiseException(false));
      cfg.parent = cfg;
    }

    @Override
    protected void onRun(Void ignored) {}
  }

  /** Holds a flow deep inside its configuration. */
  static final class Owner {
    final Flow flow;

    Owner(Flow flow) {
      this.flow = flow;
    }
  }

  static final class HoldsFlow extends Work<Void> {
    private final Owner owner;

    HoldsFlow(Flow flow) {
      super(CPU);
      this.owner = new Owner(flow);
    }

    @Override
    protected void onRun(Void ignored) {}
  }

  static final class Task implements Runnable {
    @Override
    public void run() {}
  }

  /** An interface-typed field: serialised, but nothing says which class to build on the node. */
  static final class HoldsRunnable extends Work<Void> {
    private final Runnable task = new Task();

    HoldsRunnable() {
      super(CPU);
    }

    @Override
    protected void onRun(Void ignored) {
      task.run();
    }
  }

  /** A lambda in a field: seen when the work joins its app. */
  static final class HoldsLambda extends Work<Void> {
    private final java.util.function.Function<String, String> shout = s -> s + "!";

    HoldsLambda() {
      super(CPU);
    }

    @Override
    protected void onRun(Void ignored) {
      shout.apply("x");
    }
  }

  static final class Helper extends Work<Void> {
    Helper() {
      super(CPU);
    }

    @Override
    protected void onRun(Void ignored) {}
  }

  /** A work that holds another work. */
  static final class HoldsWork extends Work<Void> {
    private final Helper helper = new Helper();

    HoldsWork() {
      super(CPU);
    }

    @Override
    protected void onRun(Void ignored) {}
  }

  static final class HoldsThread extends Work<Void> {
    private final Thread thread = new Thread(() -> {});

    HoldsThread() {
      super(CPU);
    }

    @Override
    protected void onRun(Void ignored) {}
  }

  /** Holds an actor ref: meaningless on another node. */
  static final class HoldsActorRef extends Work<Void> {
    private final org.apache.pekko.actor.typed.ActorRef<String> replyTo;

    HoldsActorRef(org.apache.pekko.actor.typed.ActorRef<String> replyTo) {
      super(CPU);
      this.replyTo = replyTo;
    }

    @Override
    protected void onRun(Void ignored) {
      replyTo.tell("ran");
    }
  }

  /** A final state that cannot be sent to the flow. */
  static final class UnsendableResult extends Work<Void> {
    public Object result;

    UnsendableResult() {
      super(WorkOptions.defaults().withCompute(CPU).withRaiseException(false));
    }

    @Override
    protected void onRun(Void ignored) {
      result = (Runnable) () -> {};
    }
  }

  /** A work larger than the placement limit. */
  static final class Large extends Work<Void> {
    private final String small = "small";
    private final List<String> chunks = new ArrayList<>();

    Large(int chunks, int chars) {
      super(CPU);
      for (int i = 0; i < chunks; i++) {
        this.chunks.add("x".repeat(chars));
      }
    }

    @Override
    protected void onRun(Void ignored) {
      small.length();
    }
  }

  /** Holds works where the app cannot name them. */
  static final class WorksInArray extends Flow {
    final Helper[] helpers = {new Helper()};

    @Override
    public void run() {
      stop();
    }
  }

  static final class WorksInSet extends Flow {
    final java.util.Set<Helper> helpers = java.util.Set.of(new Helper());

    @Override
    public void run() {
      stop();
    }
  }

  static final class WorksByNumber extends Flow {
    final Map<Integer, Helper> helpers = Map.of(1, new Helper());

    @Override
    public void run() {
      stop();
    }
  }
}
