package io.fulgur.samples.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every command line of the README's {@code sh} blocks, run as written from the project's root,
 * must exit 0 within three minutes in all. New commands in the README are picked up as they come.
 *
 * <ul>
 *   <li>Maven runs through the project's wrapper, {@code ./mvnw}, as the README says: a README
 *       command that calls the installed {@code mvn} fails the test, since a fresh machine may have
 *       none or another version.
 *   <li>{@code ./mvnw ... verify} (the suite this test is part of) and {@code install} or {@code
 *       deploy} (they would write outside the project) are skipped.
 *   <li>Maven runs with {@code -Dbench.quick=true} in {@code MAVEN_OPTS}, so the benchmark command
 *       is a smoke run.
 *   <li>{@code fulgur node ...} starts in the background; the next command starts once it prints
 *       that it is up. Nodes must stay up until the last command has run, and are stopped then
 *       (SIGTERM to their whole process tree).
 * </ul>
 *
 * <p>The commands run in copies of the project's sources under {@code target/readme-commands/}:
 * they build and package the modules themselves, and a copy keeps them from rewriting this build's
 * jars and classes while it uses them. The benchmark commands ({@code ./mvnw ... -pl benchmarks})
 * run in a copy of their own, beside the others. Each command's output is kept in {@code
 * target/it-logs/readme-line-N.log}, N its line in README.md.
 */
class ReadmeCommandsIT {
  private static final Duration BUDGET = Duration.ofMinutes(3);
  private static final Duration STOP = Duration.ofSeconds(15);
  private static final Set<String> NOT_COPIED = Set.of("target", ".git", ".idea");
  private static final Set<String> SKIPPED_GOALS = Set.of("verify", "install", "deploy");

  /** How the README runs Maven: the wrapper at the project's root. */
  private static final String MAVEN = "./mvnw";

  private final List<Process> started = new CopyOnWriteArrayList<>();

  /** A command line of the README and the line of README.md it is on. */
  record Command(int line, String text) {
    List<String> words() {
      return List.of(text.split("\\s+"));
    }

    /** A Maven command, through the wrapper. */
    boolean isMaven() {
      return words().get(0).equals(MAVEN);
    }

    /** A Maven command run by the installed {@code mvn} rather than the wrapper. */
    boolean isInstalledMaven() {
      return words().get(0).equals("mvn");
    }

    boolean isSkipped() {
      return isMaven() && words().stream().anyMatch(SKIPPED_GOALS::contains);
    }

    /** {@code fulgur node}: a node that stays up until it is stopped. */
    boolean isNode() {
      List<String> w = words();
      return w.size() > 1
          && (w.get(0).equals("fulgur") || w.get(0).endsWith("/fulgur"))
          && w.get(1).equals("node");
    }

    /** The port given with {@code --port}, or -1. */
    int port() {
      List<String> w = words();
      int i = w.indexOf("--port");
      return i >= 0 && i + 1 < w.size() ? Integer.parseInt(w.get(i + 1)) : -1;
    }

    /** A Maven command that builds the benchmarks only. */
    boolean isBenchmark() {
      List<String> w = words();
      int i = w.indexOf("-pl");
      return isMaven() && i >= 0 && i + 1 < w.size() && w.get(i + 1).equals("benchmarks");
    }

    @Override
    public String toString() {
      return "README.md:" + line + " `" + text + "`";
    }
  }

  @AfterEach
  void stopEveryProcess() {
    stopTrees(started);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // a guard only: the budget below fails first
  void everyReadmeCommandExitsZero() throws Exception {
    long end = System.nanoTime() + BUDGET.toNanos();
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<Command> commands = commandsOf(root.resolve("README.md"));
    assertThat(commands)
        .as("command lines in README.md's sh blocks")
        .anyMatch(c -> c.isMaven() && !c.isSkipped())
        .anyMatch(Command::isNode)
        .as("README commands that call the installed mvn instead of " + MAVEN)
        .noneMatch(Command::isInstalledMaven);
    for (Command c : commands) {
      if (c.isSkipped()) {
        report(c, "skipped", System.nanoTime());
      }
    }
    List<Command> toRun = commands.stream().filter(c -> !c.isSkipped()).toList();
    // the benchmark runs need nothing the other commands make and take the longest: beside them
    CompletableFuture<List<String>> benchmarks =
        CompletableFuture.supplyAsync(
            () -> {
              List<Command> runs = toRun.stream().filter(Command::isBenchmark).toList();
              return runInCopy(root, "benchmarks", runs, end);
            },
            r -> {
              Thread thread = new Thread(r, "readme-benchmarks");
              thread.setDaemon(true);
              thread.start();
            });
    List<String> failures = new ArrayList<>();
    failures.addAll(
        runInCopy(root, "others", toRun.stream().filter(c -> !c.isBenchmark()).toList(), end));
    failures.addAll(benchmarks.get());
    assertThat(failures).as("README commands that failed").isEmpty();
  }

  /**
   * Runs the commands one after the other in a copy of the project's sources named {@code name},
   * and returns what went wrong. Nodes they started are stopped at the end.
   */
  private List<String> runInCopy(Path root, String name, List<Command> commands, long end) {
    if (commands.isEmpty()) {
      return List.of();
    }
    List<String> failures = new ArrayList<>();
    Map<Command, Process> nodes = new LinkedHashMap<>();
    Set<Command> up = new HashSet<>();
    try {
      Path project = Path.of("target", "readme-commands", name).toAbsolutePath();
      copySources(root, project);
      Files.createDirectories(Path.of("target", "it-logs"));
      for (Command command : commands) {
        Path log = logOf(command);
        long t0 = System.nanoTime();
        if (command.isNode() && command.port() > 0 && !isFree(command.port())) {
          failures.add(
              "Port "
                  + command.port()
                  + " on 127.0.0.1, which "
                  + command
                  + " binds, is in use: stop whatever listens there and run the test again");
          break;
        }
        Process process = start(command, project, log);
        if (command.isNode()) {
          nodes.put(command, process);
          String notUp = awaitUp(command, process, log, end);
          if (notUp != null) {
            failures.add(notUp);
            break; // the commands after it need it
          }
          up.add(command);
          report(command, "up", t0);
        } else if (process.waitFor(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          int exit = process.exitValue();
          report(command, "exit " + exit, t0);
          if (exit != 0) {
            failures.add(command + " exited " + exit + "; the end of " + log + ":\n" + tail(log));
          }
        } else {
          stopTrees(List.of(process));
          failures.add(
              command
                  + " had not ended when the README commands' budget of "
                  + BUDGET.toSeconds()
                  + " s ran out; the end of "
                  + log
                  + ":\n"
                  + tail(log));
          break;
        }
      }
      nodes.forEach(
          (command, node) -> {
            if (up.contains(command) && !node.isAlive()) {
              failures.add(
                  command
                      + " did not stay up: exited "
                      + node.exitValue()
                      + "; see "
                      + logOf(command));
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failures.add("interrupted while running the commands in " + name);
    } finally {
      long t0 = System.nanoTime();
      stopTrees(nodes.values());
      nodes.forEach(
          (command, node) ->
              report(command, node.isAlive() ? "killed" : "stopped, exit " + node.exitValue(), t0));
    }
    return failures;
  }

  /** Where the output of the command goes (and stays). */
  private static Path logOf(Command command) {
    return Path.of("target", "it-logs", "readme-line-" + command.line() + ".log").toAbsolutePath();
  }

  /** The command lines of README.md's {@code sh} blocks, without their trailing comments. */
  static List<Command> commandsOf(Path readme) throws IOException {
    List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
    List<Command> commands = new ArrayList<>();
    boolean inShell = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith("```")) {
        inShell = !inShell && line.equals("```sh");
        continue;
      }
      if (inShell) {
        String command = withoutComment(line).strip();
        if (!command.isEmpty()) {
          commands.add(new Command(i + 1, command));
        }
      }
    }
    return commands;
  }

  /** The line up to a {@code #} that starts a shell comment (not one inside quotes or a word). */
  static String withoutComment(String line) {
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  /**
   * Runs the line with {@code sh} in {@code project}, with this JVM's Java first on the path and as
   * {@code JAVA_HOME} (the wrapper's Maven runs on it), Maven on the building Maven's local
   * repository, and no {@code FULGUR_*} variables (the README's defaults apply). The wrapper takes
   * its Maven from {@code MAVEN_USER_HOME} (default {@code ~/.m2}), downloading it once if a build
   * before has not.
   */
  private Process start(Command command, Path project, Path log) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder("sh", "-c", command.text())
            .directory(project.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("FULGUR_"));
    String javaHome = System.getProperty("java.home");
    env.put("JAVA_HOME", javaHome);
    env.put("PATH", Path.of(javaHome, "bin") + File.pathSeparator + env.getOrDefault("PATH", ""));
    String mavenOpts = env.getOrDefault("MAVEN_OPTS", "") + " -Dbench.quick=true";
    String repository = System.getProperty("maven.repo.local");
    if (repository != null && !repository.isEmpty()) {
      mavenOpts += " -Dmaven.repo.local=" + repository;
    }
    env.put("MAVEN_OPTS", mavenOpts.strip());
    Process process = builder.start();
    started.add(process);
    return process;
  }

  /** Waits until the node prints that it is up; returns null then, else what went wrong. */
  private static String awaitUp(Command command, Process node, Path log, long end)
      throws IOException, InterruptedException {
    while (!linesOf(log).anyMatch(l -> l.startsWith("Fulgur node ") && l.contains(" is up"))) {
      if (!node.isAlive()) {
        return command + " exited " + node.exitValue() + " before it was up:\n" + tail(log);
      }
      if (System.nanoTime() > end) {
        return command
            + " was not up when the README commands' budget of "
            + BUDGET.toSeconds()
            + " s ran out:\n"
            + tail(log);
      }
      Thread.sleep(50);
    }
    return null;
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * SIGTERM to the processes and everything they started, all at once (nodes leave the cluster side
   * by side), then SIGKILL to what is left after 15 s.
   */
  private static void stopTrees(Collection<Process> processes) {
    List<ProcessHandle> tree = new ArrayList<>();
    for (Process process : processes) {
      tree.addAll(process.descendants().toList());
      tree.add(process.toHandle());
    }
    tree.forEach(ProcessHandle::destroy);
    long end = System.nanoTime() + STOP.toNanos();
    for (ProcessHandle p : tree) {
      try {
        p.onExit().get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        p.destroyForcibly();
      }
    }
  }

  private static void report(Command command, String outcome, long t0) {
    System.out.printf(
        Locale.ROOT, "%s: %s (%.1f s)%n", command, outcome, (System.nanoTime() - t0) / 1e9);
  }

  private static Stream<String> linesOf(Path log) throws IOException {
    // a log may end in a partly written line or hold bytes that are not UTF-8: read it leniently
    return new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines();
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = linesOf(log).toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** Copies the project at {@code from} to {@code to} without build output or version control. */
  private static void copySources(Path from, Path to) throws IOException {
    if (Files.exists(to)) {
      try (Stream<Path> old = Files.walk(to)) {
        old.sorted(Comparator.reverseOrder())
            .forEach(
                p -> {
                  try {
                    Files.delete(p);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
      }
    }
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (!dir.equals(from) && NOT_COPIED.contains(dir.getFileName().toString())) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            Files.createDirectories(to.resolve(from.relativize(dir)));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (!NOT_COPIED.contains(file.getFileName().toString())) {
              // the attributes keep mvnw and samples/fulgur executable
              Path copy = to.resolve(from.relativize(file));
              Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
