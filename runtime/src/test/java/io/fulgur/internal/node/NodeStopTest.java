package io.fulgur.internal.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.junit.jupiter.api.Test;

/**
 * A node that stopped as asked (SIGTERM through the JVM's shutdown, a leave asked of the cluster)
 * is told apart from one that stopped unasked (downed, refused, failed to join, no shutdown at
 * all), which a process supervisor must start again.
 */
class NodeStopTest {

  private static Optional<String> of(CoordinatedShutdown.Reason reason) {
    return NodeStop.unexpected(Optional.of(reason));
  }

  @Test
  void aShutdownOfTheJvmOrALeaveIsAsked() {
    assertThat(of(CoordinatedShutdown.jvmExitReason())).isEmpty();
    assertThat(of(CoordinatedShutdown.clusterLeavingReason())).isEmpty();
  }

  @Test
  void downedRefusedOrFailedIsUnasked() {
    assertThat(of(CoordinatedShutdown.clusterDowningReason())).get().asString().contains("downed");
    assertThat(of(CoordinatedShutdown.clusterJoinUnsuccessfulReason()))
        .get()
        .asString()
        .contains("could not join");
    assertThat(of(CoordinatedShutdown.incompatibleConfigurationDetectedReason()))
        .get()
        .asString()
        .contains("refused");
    assertThat(of(CoordinatedShutdown.actorSystemTerminateReason())).isPresent();
    assertThat(NodeStop.unexpected(Optional.empty()))
        .get()
        .asString()
        .contains("without a shutdown");
  }
}
