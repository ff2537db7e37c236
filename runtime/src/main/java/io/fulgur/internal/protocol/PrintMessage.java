package io.fulgur.internal.protocol;

/** The works' output, as it travels to the flow's node in {@link FlowMessage.Output} events. */
public final class PrintMessage {
  private PrintMessage() {}

  /** One line a work printed; {@code err} for {@code System.err}. */
  public record Line(boolean err, String text) {}
}
