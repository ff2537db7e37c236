package io.fulgur.internal.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.fulgur.internal.Settings;
import org.junit.jupiter.api.Test;

class ChannelSettingsTest {

  private static Settings.Channel channel(String config) {
    return Settings.from(ConfigFactory.parseString(config).withFallback(ConfigFactory.load()))
        .channel();
  }

  @Test
  void theAutomaticAssociationWindowIsAQuarterOfArterysQueue() {
    assertThat(channel("").associationWindow()).isEqualTo(768);
    assertThat(
            channel("pekko.remote.artery.advanced.outbound-message-queue-size = 100")
                .associationWindow())
        .isEqualTo(25);
    assertThat(
            channel("pekko.remote.artery.advanced.outbound-message-queue-size = 2")
                .associationWindow())
        .isEqualTo(1);
    assertThat(channel("fulgur.channel.association-window = 9").associationWindow()).isEqualTo(9);
  }

  @Test
  void aWrongAssociationWindowIsNamedWithItsValue() {
    assertThatThrownBy(() -> channel("fulgur.channel.association-window = 0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fulgur.channel.association-window must be at least 1, was 0");
    assertThatThrownBy(() -> channel("fulgur.channel.association-window = lots"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be auto or a number of messages, was \"lots\"");
  }
}
