package io.fulgur.internal.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeSecurityTest {
  @TempDir Path dir;

  private static Config resolve(String config) {
    return NodeSystem.resolve(ConfigFactory.parseString(config));
  }

  private String tlsDir() throws Exception {
    for (String f : new String[] {"ca.crt", "tls.crt", "tls.key"}) {
      Files.writeString(dir.resolve(f), "PEM");
    }
    return "fulgur.security.tls-dir = \"" + dir + "\"\n";
  }

  @Test
  void aTlsDirectoryTurnsOnMutualTlsWithRotatingKeysFromItsFiles() throws Exception {
    Config full = resolve(tlsDir() + "fulgur.security.tls-cache-ttl = 2s");
    assertThat(full.getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");
    assertThat(full.getString("pekko.remote.artery.ssl.ssl-engine-provider"))
        .endsWith("RotatingKeysSSLEngineProvider");
    String engine = "pekko.remote.artery.ssl.rotating-keys-engine.";
    assertThat(full.getString(engine + "ca-cert-file")).isEqualTo(dir.resolve("ca.crt").toString());
    assertThat(full.getString(engine + "cert-file")).isEqualTo(dir.resolve("tls.crt").toString());
    assertThat(full.getString(engine + "key-file")).isEqualTo(dir.resolve("tls.key").toString());
    assertThat(full.getDuration(engine + "ssl-context-cache-ttl").toMillis()).isEqualTo(2000);
  }

  @Test
  void aMissingFileIsNamedWithWhatItIs() throws Exception {
    String config = tlsDir();
    Files.delete(dir.resolve("tls.key"));
    assertThatThrownBy(() -> resolve(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(dir.resolve("tls.key").toString())
        .hasMessageContaining("private key");
    assertThatThrownBy(() -> resolve("fulgur.security.tls-dir = \"" + dir.resolve("nope") + "\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no directory");
  }

  @Test
  void aNodeReachableFromOtherMachinesWithoutTlsRefusesToStartUnlessToldInsecure()
      throws Exception {
    for (String exposed :
        new String[] {
          "pekko.remote.artery.canonical.hostname = \"10.1.2.3\"",
          "pekko.remote.artery.bind.hostname = \"0.0.0.0\"",
          "pekko.remote.artery.canonical.hostname = \"<getHostAddress>\""
        }) {
      assertThatThrownBy(() -> resolve(exposed))
          .as(exposed)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("plain TCP")
          .hasMessageContaining("--tls-dir")
          .hasMessageContaining("--insecure");
      assertThat(resolve(exposed + "\nfulgur.security.allow-insecure = on")).isNotNull();
      assertThat(resolve(exposed + "\n" + tlsDir()).getString("pekko.remote.artery.transport"))
          .isEqualTo("tls-tcp");
    }
  }

  @Test
  void theLoopbackDefaultStaysPlain() {
    Config full = resolve("");
    assertThat(full.getString("pekko.remote.artery.transport")).isEqualTo("tcp");
    assertThat(resolve("pekko.remote.artery.canonical.hostname = localhost")).isNotNull();
  }
}
