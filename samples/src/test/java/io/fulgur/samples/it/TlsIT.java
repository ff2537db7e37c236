package io.fulgur.samples.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A cluster of two {@code cpu} workers over mutual TLS, with key material that {@code
 * samples/make-dev-certs.sh} makes for the test (a CA of its own, nothing from git), and keys read
 * again every 2 s. A node with a certificate of another CA, one of the same CA with another subject
 * and one without TLS cannot join it, and nothing of theirs reaches its nodes; a member with the
 * cluster's own keys that is not an app's flow commands none of the app's works and hands its flow
 * no event; and key material of a new CA swapped in on both workers while they run keeps the
 * cluster up and serving new apps.
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsIT {
  private static final Duration UP = Duration.ofSeconds(60);
  private static final Path CERTS = Path.of("target", "tls-it").toAbsolutePath();
  private static final ProcessGroup processes = new ProcessGroup();
  private static FulgurProcess seed;
  private static FulgurProcess worker;
  private static int seedPort;
  private static Path cacheConfig;

  /** {@code make-dev-certs.sh ARGS...}, which must succeed. */
  private static void makeCerts(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", "make-dev-certs.sh"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  private static String dir(String... parts) {
    return CERTS.resolve(Path.of("", parts)).toString();
  }

  @BeforeAll
  static void startTheCluster() throws Exception {
    if (Files.exists(CERTS)) {
      try (var paths = Files.walk(CERTS)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    makeCerts(dir("ca"), "seed", "worker", "flow", "rogue");
    makeCerts(dir("other-ca"), "stranger");
    makeCerts("--subject", "other-cluster", "--ca", dir("ca"), dir("ca"), "other-subject");
    cacheConfig = CERTS.resolve("cache.conf");
    Files.writeString(cacheConfig, "fulgur.security.tls-cache-ttl = 2s\n");
    seedPort = ProcessGroup.freePort();
    seed = startWorker("seed", "--port", "" + seedPort);
    worker = startWorker("worker", "--seed", "127.0.0.1:" + seedPort);
  }

  /** A cpu worker over TLS with the key material of {@code name}, up. */
  private static FulgurProcess startWorker(String name, String... where) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "node",
                "--roles",
                "cpu",
                "--tls-dir",
                dir("ca", name),
                "--config",
                cacheConfig.toString()));
    args.addAll(List.of(where));
    FulgurProcess node = processes.start("tls-" + name, args.toArray(String[]::new));
    node.awaitUp(UP);
    return node;
  }

  @AfterAll
  static void stopEveryProcess() {
    processes.close();
  }

  private static FulgurProcess runCount(String name, int seconds) throws IOException {
    return processes.start(
        name,
        "run",
        "io.fulgur.samples.it.LoadFlows$Count",
        "" + seconds,
        "--seed",
        "127.0.0.1:" + seedPort,
        "--tls-dir",
        dir("ca", "flow"));
  }

  @Test
  @Order(1)
  void strangersCannotJoinAndNothingOfTheirsReachesTheCluster() throws Exception {
    int[] ports = {ProcessGroup.freePort(), ProcessGroup.freePort(), ProcessGroup.freePort()};
    List<FulgurProcess> strangers =
        List.of(
            processes.start(
                "tls-stranger-other-ca",
                "node",
                "--roles",
                "cpu",
                "--port",
                "" + ports[0],
                "--join-timeout",
                "8s",
                "--seed",
                "127.0.0.1:" + seedPort,
                "--tls-dir",
                dir("other-ca", "stranger")),
            processes.start(
                "tls-stranger-other-subject",
                "node",
                "--roles",
                "cpu",
                "--port",
                "" + ports[1],
                "--join-timeout",
                "8s",
                "--seed",
                "127.0.0.1:" + seedPort,
                "--tls-dir",
                dir("ca", "other-subject")),
            processes.start(
                "tls-stranger-plain-tcp",
                "node",
                "--roles",
                "cpu",
                "--port",
                "" + ports[2],
                "--join-timeout",
                "8s",
                "--seed",
                "127.0.0.1:" + seedPort));
    List<String> hints = List.of("certificate", "certificate", "--tls-dir");
    for (int i = 0; i < strangers.size(); i++) {
      FulgurProcess stranger = strangers.get(i);
      String hint = hints.get(i);
      assertThat(stranger.awaitExit(UP)).as(stranger.tail()).isEqualTo(1);
      assertThat(stranger.lines())
          .anyMatch(
              l -> l.startsWith("fulgur: could not join the cluster via seed") && l.contains(hint));
    }
    for (int port : ports) {
      for (FulgurProcess member : List.of(seed, worker)) {
        // the members never heard of the strangers' addresses: no join, no message, no reply
        assertThat(member.lines()).noneMatch(l -> l.contains("127.0.0.1:" + port));
      }
    }
    assertThat(seed.isAlive() && worker.isAlive()).isTrue();
  }

  @Test
  @Order(2)
  void aMemberThatIsNotTheAppsFlowCommandsNoneOfItsWorks() throws Exception {
    FulgurProcess flow = runCount("tls-victim-flow", 10);
    String started =
        flow.awaitLine("the app's start", UP, l -> l.contains("App [") && l.contains("] started"));
    String appId = started.substring(started.indexOf("App [") + 5, started.indexOf("] started"));
    String flowNode =
        started.substring(started.indexOf("flow on node [") + 14, started.lastIndexOf(']'));
    flow.awaitLine("the counters counting", UP, l -> l.contains("] step 5"));
    FulgurProcess rogue =
        processes.startMain(
            "tls-rogue-member",
            RogueMember.class.getName(),
            "" + seedPort,
            dir("ca", "rogue"),
            appId,
            flowNode,
            "root.a");
    rogue.awaitLine("the rogue's commands sent", UP, l -> l.startsWith("ROGUE sent commands"));
    assertThat(rogue.awaitLine("what reached the rogue", UP, l -> l.startsWith("ROGUE received")))
        .isEqualTo("ROGUE received 0");
    assertThat(flow.awaitExit(UP)).as(flow.tail()).isZero();
    assertThat(flow.lines()).contains("COUNT done: 100 and 100");
    assertThat(flow.lines()).noneMatch(l -> l.contains("root.rogue"));
    assertThat(flow.lines())
        .anyMatch(
            l -> l.contains("drops messages claiming to come from host") && l.contains(appId));
    for (FulgurProcess host : List.of(seed, worker)) {
      host.awaitLine(
          "the rogue's commands dropped",
          UP,
          l -> l.contains("Dropping commands from") && l.contains("for app [" + appId + "]"));
    }
  }

  /**
   * Last, since the cluster's CA changes: both workers get key material of a new CA while the
   * cluster runs, and a flow node with the new CA's material can only join if they read it.
   */
  @Test
  @Order(3)
  void keyMaterialSwappedInKeepsTheClusterUpAndServing() throws Exception {
    makeCerts(dir("new-ca"), "flow");
    makeCerts("--ca", dir("new-ca"), dir("ca"), "seed", "worker");
    Thread.sleep(2_500); // past the 2 s the workers keep their keys: the next connection reads them
    FulgurProcess flow =
        processes.start(
            "tls-after-swap-flow",
            "run",
            "io.fulgur.samples.it.LoadFlows$Count",
            "2",
            "--seed",
            "127.0.0.1:" + seedPort,
            "--tls-dir",
            dir("new-ca", "flow"));
    assertThat(flow.awaitExit(UP)).as(flow.tail()).isZero();
    assertThat(flow.lines()).contains("COUNT done: 20 and 20");
    assertThat(seed.isAlive() && worker.isAlive()).isTrue();
    assertThat(seed.reachabilityAlarms()).isEmpty();
    assertThat(worker.reachabilityAlarms()).isEmpty();
  }
}
