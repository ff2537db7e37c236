package io.fulgur.internal;

/** The runtime's side of a {@link io.fulgur.Flow}: its name and the app it belongs to. */
public final class FlowCore {
  private volatile String name;
  private volatile FlowBinding binding;

  /** Binds the flow to a running app under a name; done once, by the flow actor. */
  public void bind(String name, FlowBinding binding) {
    this.name = name;
    this.binding = binding;
  }

  /** The flow's name, or {@code null} before the app started. */
  public String name() {
    return name;
  }

  /** {@code stop(reason)} or {@code fail(reason)} from user code. */
  public void end(boolean failed, String reason) {
    FlowBinding b = binding;
    if (b == null) {
      throw new IllegalStateException(
          (failed ? "fail" : "stop")
              + "() can only be called while the app runs, from a Flow's run()");
    }
    b.end(this, failed, reason);
  }
}
