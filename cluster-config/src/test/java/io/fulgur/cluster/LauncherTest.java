package io.fulgur.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The launcher's answers to bad input: one clear line and an exit code, no stack trace. */
class LauncherTest {

  record Result(int exitCode, List<String> out, List<String> err) {}

  private static Result launch(String... args) {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = Launcher.execute(args);
      return new Result(
          code,
          out.toString(StandardCharsets.UTF_8).lines().toList(),
          err.toString(StandardCharsets.UTF_8).lines().toList());
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  private static List<String> fulgurLines(Result r) {
    return r.err().stream().filter(l -> l.startsWith("fulgur: ")).toList();
  }

  @Test
  void helpListsTheCommands() {
    Result r = launch("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(String.join("\n", r.out())).contains("node", "run", "--seed 127.0.0.1:2551");
  }

  @Test
  void anInvalidRoleIsOneLine() {
    Result r = launch("node", "--roles", "cpu,bad role");
    assertThat(r.exitCode()).isEqualTo(Launcher.USAGE);
    assertThat(fulgurLines(r))
        .containsExactly(
            "fulgur: --roles: 'bad role' is not a valid role (letters, digits, '-', '_', '.')");
    assertThat(r.err()).noneMatch(l -> l.trim().startsWith("at "));
  }

  @Test
  void aMalformedSeedIsOneLine() {
    Result r = launch("node", "--roles", "cpu", "--seed", "localhost");
    assertThat(r.exitCode()).isEqualTo(Launcher.USAGE);
    assertThat(fulgurLines(r)).singleElement().asString().contains("--seed must be HOST:PORT");
  }

  @Test
  void anUnknownOptionIsOneLine() {
    Result r = launch("run", "io.fulgur.samples.ToyApp", "--sed", "127.0.0.1:2551");
    assertThat(r.exitCode()).isEqualTo(Launcher.USAGE);
    assertThat(fulgurLines(r)).singleElement().asString().contains("--sed");
  }

  @Test
  void aNodeOtherMachinesReachWithoutTlsRefusesToStartInOneLine() {
    Result r = launch("node", "--roles", "cpu", "--hostname", "10.255.255.1");
    assertThat(r.exitCode()).isEqualTo(Launcher.FAILED);
    assertThat(fulgurLines(r))
        .singleElement()
        .asString()
        .contains("10.255.255.1", "plain TCP", "--tls-dir", "--insecure");
    assertThat(r.err()).noneMatch(l -> l.trim().startsWith("at "));
  }

  @Test
  void aMissingTlsDirectoryIsOneLine() {
    Result r = launch("node", "--roles", "cpu", "--tls-dir", "/no/such/dir");
    assertThat(r.exitCode()).isEqualTo(Launcher.USAGE);
    assertThat(fulgurLines(r)).singleElement().asString().contains("--tls-dir: no directory");
  }

  @Test
  void aPortInUseIsOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Result r = launch("node", "--roles", "cpu", "--port", "" + taken.getLocalPort());
      assertThat(r.exitCode()).isEqualTo(Launcher.USAGE);
      assertThat(fulgurLines(r))
          .singleElement()
          .asString()
          .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .contains("in use");
      assertThat(r.err()).noneMatch(l -> l.trim().startsWith("at "));
    }
  }

  @Test
  @Timeout(60)
  void anUnreachableSeedIsOneLineAfterTheJoinTimeout() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    Result r =
        launch(
            "node", "--roles", "cpu", "--seed", "127.0.0.1:" + closedPort, "--join-timeout", "2s");
    assertThat(r.exitCode()).isEqualTo(Launcher.FAILED);
    assertThat(fulgurLines(r))
        .singleElement()
        .asString()
        .contains("could not join the cluster via seed 127.0.0.1:" + closedPort);
  }

  @Test
  void runRefusesAClassThatIsNeitherAFlowNorAMain() {
    Result r = launch("run", "java.lang.Object");
    assertThat(r.exitCode()).isEqualTo(Launcher.USAGE);
    assertThat(fulgurLines(r)).singleElement().asString().contains("neither a Flow");
    Result missing = launch("run", "com.example.Missing");
    assertThat(fulgurLines(missing)).singleElement().asString().contains("not on the classpath");
  }
}
