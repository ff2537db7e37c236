package io.fulgur.internal;

/** What a {@link FlowCore} calls when user code calls {@code stop} or {@code fail}. */
public interface FlowBinding {
  /** Ends the app normally (or as failed); does not return: it ends the pass. */
  void end(FlowCore flow, boolean failed, String reason);
}
