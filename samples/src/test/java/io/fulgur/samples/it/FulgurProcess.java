package io.fulgur.samples.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code fulgur} launcher in a JVM of its own, started from the samples' runnable jar plus the
 * test classes (so that worker nodes can create the tests' works). Its output is kept in memory and
 * in {@code target/it-logs/NAME.log}.
 */
final class FulgurProcess implements AutoCloseable {
  private static final Path JAR = Path.of("target", "fulgur-app.jar");
  private static final Path TEST_CLASSES = Path.of("target", "test-classes");
  private static final int MAX_LINES_KEPT = 200_000;

  final String name;
  final long startedAt = System.nanoTime();
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private FulgurProcess(String name, Process process, Path log) throws IOException {
    this.name = name;
    this.process = process;
    PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
    reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  if (lines.size() < MAX_LINES_KEPT) {
                    lines.add(line);
                  }
                  file.println(line);
                }
              } catch (IOException e) {
                // the process ended
              } finally {
                file.close();
              }
            },
            "output-of-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code fulgur ARGS...} in a new JVM. */
  static FulgurProcess start(String name, String... args) throws IOException {
    return start(name, List.of(), args);
  }

  /** Starts {@code fulgur ARGS...} in a new JVM with more JVM options (they come last). */
  static FulgurProcess start(String name, List<String> jvmOptions, String... args)
      throws IOException {
    return startMain(name, jvmOptions, "io.fulgur.cluster.Launcher", args);
  }

  /** Starts {@code mainClass} (from the runnable jar or the test classes) in a new JVM. */
  static FulgurProcess startMain(
      String name, List<String> jvmOptions, String mainClass, String... args) throws IOException {
    if (!Files.isRegularFile(JAR)) {
      fail("the runnable jar " + JAR.toAbsolutePath() + " is missing: run the package phase");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    // as samples/fulgur starts it: works' threads at the lowest OS priority
    command.add("-XX:ThreadPriorityPolicy=1");
    command.add("-XX:JavaPriority1_To_OSPriority=19");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(JAR.toAbsolutePath() + File.pathSeparator + TEST_CLASSES.toAbsolutePath());
    command.add(mainClass);
    command.addAll(List.of(args));
    Path logs = Files.createDirectories(Path.of("target", "it-logs"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new FulgurProcess(name, process, logs.resolve(name + ".log"));
  }

  /** Waits for a line that matches, failing the test after the deadline. */
  String awaitLine(String what, Duration deadline, Predicate<String> matches) {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      Optional<String> found = lines.stream().filter(matches).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      if (!process.isAlive() && lines.stream().noneMatch(matches)) {
        sleepBriefly();
        if (lines.stream().noneMatch(matches)) {
          fail(name + " exited (" + process.exitValue() + ") before " + what + ":\n" + tail());
        }
      }
      sleepBriefly();
    }
    return fail(
        "Timed out after "
            + deadline
            + " waiting for "
            + name
            + " to print "
            + what
            + ":\n"
            + tail());
  }

  /** The node address from the launcher's "Fulgur node ADDRESS is up" line. */
  String awaitUp(Duration deadline) {
    String line =
        awaitLine(
            "that it is up", deadline, l -> l.startsWith("Fulgur node ") && l.contains(" is up"));
    return line.split(" ")[2];
  }

  /** Waits for the process to exit, and for its last lines to be read; its exit code. */
  int awaitExit(Duration deadline) throws InterruptedException {
    if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
      fail(name + " did not exit within " + deadline + ":\n" + tail());
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * SIGTERM, then the exit code once it has exited (failing the test after the deadline). Sent
   * through the process handle: {@code Process.destroy} also closes its output, whose last lines
   * the test wants to read.
   */
  int sigterm(Duration deadline) throws InterruptedException {
    process.toHandle().destroy();
    return awaitExit(deadline);
  }

  /** SIGSTOP for {@code pause}, then SIGCONT: the whole JVM frozen, as in a long GC pause. */
  void freeze(Duration pause) throws IOException, InterruptedException {
    signal("STOP");
    try {
      Thread.sleep(pause.toMillis());
    } finally {
      signal("CONT");
    }
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, "" + process.pid()).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      fail("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** The lines in which this node took a member for unreachable or saw one downed. */
  List<String> reachabilityAlarms() {
    return lines().stream()
        .filter(l -> l.contains("for UNREACHABLE") || l.contains("DOWNED"))
        .toList();
  }

  /** SIGKILL: the JVM gets no chance to leave the cluster. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  String tail() {
    List<String> all = lines();
    return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM, then SIGKILL if it is still up after 10 s. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
