package io.fulgur.internal;

import io.fulgur.Flow;
import io.fulgur.Work;

/**
 * Bridge from the internal packages to the non-public parts of the API classes (the "shared
 * secrets" pattern): the API classes register their accessor in their static initialiser.
 */
public final class Internals {

  /** Access to a {@link Work}'s core and its protected {@code onRun}. */
  public interface WorkAccess {
    /** The work's internal core. */
    WorkCore core(Work<?> work);

    /** Calls the work's {@code onRun(input)} on the current thread. */
    void onRun(Work<?> work, Object input) throws Exception;
  }

  /** Access to a {@link Flow}'s core. */
  public interface FlowAccess {
    /** The flow's internal core. */
    FlowCore core(Flow flow);
  }

  private static volatile WorkAccess workAccess;
  private static volatile FlowAccess flowAccess;

  private Internals() {}

  /** Called once by {@link Work}'s static initialiser. */
  public static void register(WorkAccess access) {
    workAccess = access;
  }

  /** Called once by {@link Flow}'s static initialiser. */
  public static void register(FlowAccess access) {
    flowAccess = access;
  }

  /** The core of a work. */
  public static WorkCore core(Work<?> work) {
    return workAccess().core(work);
  }

  /** The core of a flow. */
  public static FlowCore core(Flow flow) {
    return flowAccess().core(flow);
  }

  /** Runs the work's {@code onRun}. */
  public static void onRun(Work<?> work, Object input) throws Exception {
    workAccess().onRun(work, input);
  }

  private static WorkAccess workAccess() {
    WorkAccess access = workAccess;
    if (access == null) {
      initialise(Work.class);
      access = workAccess;
    }
    return access;
  }

  private static FlowAccess flowAccess() {
    FlowAccess access = flowAccess;
    if (access == null) {
      initialise(Flow.class);
      access = flowAccess;
    }
    return access;
  }

  private static void initialise(Class<?> type) {
    try {
      Class.forName(type.getName(), true, type.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
