package io.fulgur.internal;

/** What a flow-side {@link WorkCore} calls when user code calls {@code run} or {@code stop}. */
public interface WorkBinding {
  /** {@code work.run(input)} inside a pass. May end the pass by throwing a control error. */
  void run(WorkCore core, Object input);

  /** {@code work.stop()} from the flow. */
  void stop(WorkCore core);
}
