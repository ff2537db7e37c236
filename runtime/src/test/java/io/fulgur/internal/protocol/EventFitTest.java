package io.fulgur.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulgur.WorkFailure;
import org.junit.jupiter.api.Test;

/**
 * Events cut to fit one message between nodes: a failure keeps its state and as much of its message
 * and trace as fits beside it, the trace cut at its end with a note; with no room beside the state,
 * the state is left out rather than the trace.
 */
class EventFitTest {
  private static final int BUDGET = WireSize.budget(256 * 1024);

  private static JsonNode state(int chars) {
    ObjectNode state = JsonNodeFactory.instance.objectNode();
    state.put("blob", "s".repeat(chars));
    return state;
  }

  private static FlowMessage.Failed failed(JsonNode state, int messageChars, int traceChars) {
    return new FlowMessage.Failed(
        "root.work",
        7,
        new WorkFailure(
            "user_exception",
            "java.lang.IllegalStateException",
            "m".repeat(messageChars),
            "java.lang.IllegalStateException: mmm\n" + "\tat frame\n".repeat(traceChars / 10)),
        state);
  }

  @Test
  void aFailureThatFitsIsLeftAlone() {
    FlowMessage.Failed event = failed(state(1_000), 1_000, 10_000);
    assertThat(EventFit.fit(event, BUDGET)).isSameAs(event);
  }

  @Test
  void aLargeStateWithAHugeMessageAndTraceFitsWithItsStateAndTheTraceCut() {
    FlowMessage.Failed event = failed(state(190_000), 100_000, 400_000);
    FlowMessage.Failed fitted = EventFit.fit(event, BUDGET);
    assertThat(WireSize.of(fitted)).isLessThanOrEqualTo(BUDGET);
    assertThat(fitted.state()).isEqualTo(event.state());
    assertThat(fitted.callId()).isEqualTo(7);
    assertThat(fitted.failure().reason()).isEqualTo("user_exception");
    assertThat(fitted.failure().exceptionClass()).isEqualTo("java.lang.IllegalStateException");
    assertThat(fitted.failure().message()).startsWith("mmm").contains("[cut at ");
    assertThat(WireSize.utf8(fitted.failure().message()))
        .isGreaterThanOrEqualTo((BUDGET - 190_100) / 4 - 200);
    assertThat(fitted.failure().stackTrace())
        .startsWith("java.lang.IllegalStateException: mmm\n\tat frame")
        .containsPattern("\\.\\.\\. \\[trace cut: [0-9,]+ more characters\\]$");
  }

  @Test
  void aShortTraceKeepsAllOfItAndTheMessageTakesTheRest() {
    FlowMessage.Failed event = failed(state(100_000), 300_000, 1_000);
    FlowMessage.Failed fitted = EventFit.fit(event, BUDGET);
    assertThat(WireSize.of(fitted)).isLessThanOrEqualTo(BUDGET);
    assertThat(fitted.failure().stackTrace()).isEqualTo(event.failure().stackTrace());
    assertThat(WireSize.utf8(fitted.failure().message()))
        .isGreaterThan(BUDGET - 100_000 - 2_000 - 300);
  }

  @Test
  void aStateThatLeavesNoRoomForTheFailureIsLeftOutNotTheTrace() {
    FlowMessage.Failed event = failed(state(BUDGET - 1_000), 10_000, 10_000);
    FlowMessage.Failed fitted = EventFit.fit(event, BUDGET);
    assertThat(fitted.state()).isNull();
    assertThat(fitted.failure().stackTrace()).isEqualTo(event.failure().stackTrace());
    assertThat(fitted.failure().message()).isEqualTo(event.failure().message());
  }

  @Test
  void aRefusalTooLongForAMessageIsCut() {
    FlowMessage.PlacementFailed event =
        new FlowMessage.PlacementFailed(
            "root.work", "pekko://fulgur@127.0.0.1:1", "r".repeat(400_000));
    FlowMessage.PlacementFailed fitted = EventFit.fit(event, BUDGET);
    assertThat(WireSize.of(fitted)).isLessThanOrEqualTo(BUDGET);
    assertThat(fitted.message()).startsWith("rrr").contains("[cut at ");
    FlowMessage.PlacementFailed small =
        new FlowMessage.PlacementFailed("root.work", "pekko://fulgur@127.0.0.1:1", "short");
    assertThat(EventFit.fit(small, BUDGET)).isSameAs(small);
  }
}
