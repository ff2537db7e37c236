package io.fulgur.benchmarks;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The JVMs the benchmarks start: the worker process of the two-process scenarios, the start-up
 * probe, and the benchmarks' own JVM when the one they were started in lacks the flags Hazelcast
 * asks for.
 */
final class JavaProcesses {
  private JavaProcesses() {}

  /**
   * The access to JDK internals Hazelcast 5 asks for on Java 9+ (it checks for it at start-up,
   * {@code ModularJavaUtils}, and falls back to slower paths without it). Only the Hazelcast
   * baseline needs it, so it is given to the JVMs that run Hazelcast members and to no build.
   */
  private static final List<Grant> HAZELCAST_GRANTS =
      List.of(
          new Grant("--add-exports", "java.base", "jdk.internal.ref"),
          new Grant("--add-opens", "java.base", "java.lang"),
          new Grant("--add-opens", "java.base", "sun.nio.ch"),
          new Grant("--add-opens", "java.management", "sun.management"),
          new Grant("--add-opens", "jdk.management", "com.sun.management.internal"));

  /** System properties with these prefixes, given to this JVM, are given to the JVMs it starts. */
  private static final List<String> FORWARDED_PREFIXES =
      List.of("fulgur.", "pekko.", "bench.", "hazelcast.");

  /** An {@code --add-exports} or {@code --add-opens} of a package to every unnamed module. */
  private record Grant(String option, String module, String pkg) {
    /** The JDK running has the module (the flag would only draw a warning otherwise). */
    boolean applies() {
      return ModuleLayer.boot().findModule(module).isPresent();
    }

    /** This JVM was given the grant. */
    boolean held() {
      Module m = ModuleLayer.boot().findModule(module).orElseThrow();
      Module unnamed = JavaProcesses.class.getModule();
      return option.equals("--add-opens") ? m.isOpen(pkg, unnamed) : m.isExported(pkg, unnamed);
    }

    List<String> flag() {
      return List.of(option, module + "/" + pkg + "=ALL-UNNAMED");
    }
  }

  /** The JVM flags Hazelcast asks for, for a JVM that runs a Hazelcast member. */
  static List<String> hazelcastFlags() {
    List<String> flags = new ArrayList<>(List.of("--add-modules", "java.se"));
    for (Grant grant : HAZELCAST_GRANTS) {
      if (grant.applies()) {
        flags.addAll(grant.flag());
      }
    }
    return flags;
  }

  /** Whether this JVM runs with {@link #hazelcastFlags()}. */
  static boolean hasHazelcastFlags() {
    return ModuleLayer.boot().findModule("java.se").isPresent()
        && HAZELCAST_GRANTS.stream().filter(Grant::applies).allMatch(Grant::held);
  }

  /**
   * The start of a command that runs a class of this module in a new JVM: the {@code java} of this
   * JVM, the settings given to this JVM ({@code -Dfulgur.x=y} and the other forwarded prefixes: a
   * setting applies to every JVM of a run alike), then {@code jvmOptions}, then the classpath and
   * {@code mainClass}.
   */
  static List<String> command(List<String> jvmOptions, Class<?> mainClass) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String key : System.getProperties().stringPropertyNames()) {
      if (FORWARDED_PREFIXES.stream().anyMatch(key::startsWith)) {
        command.add("-D" + key + "=" + System.getProperty(key));
      }
    }
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath(), mainClass.getName()));
    return command;
  }

  /**
   * Runs {@code mainClass} with {@code args} in a JVM of its own with {@link #hazelcastFlags()},
   * its output and input this JVM's, and returns when it ended with 0; throws if it ended with
   * another code. This is how the benchmarks get Hazelcast's flags under {@code mvn exec:java},
   * which runs them in Maven's JVM: there the flags would have to be given to every build.
   */
  static void runWithHazelcastFlags(Class<?> mainClass, String[] args)
      throws IOException, InterruptedException {
    List<String> command = command(hazelcastFlags(), mainClass);
    command.addAll(Arrays.asList(args));
    Process process = new ProcessBuilder(command).inheritIO().start();
    // Maven stopped (SIGTERM) stops the benchmarks too, rather than leaving them running
    Thread stop = new Thread(process::destroy, "stop-benchmark-jvm");
    Runtime.getRuntime().addShutdownHook(stop);
    try {
      int exit = process.waitFor();
      if (exit != 0) {
        throw new IllegalStateException("the benchmark JVM exited with " + exit);
      }
    } catch (InterruptedException e) {
      process.destroy();
      throw e;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stop);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }

  /** This JVM's classpath, also under exec:java (whose class loader holds the project's jars). */
  static String classpath() {
    List<String> entries = new ArrayList<>();
    if (JavaProcesses.class.getClassLoader() instanceof URLClassLoader loader) {
      for (URL url : loader.getURLs()) {
        entries.add(new File(url.getPath()).getAbsolutePath());
      }
    }
    return entries.isEmpty()
        ? System.getProperty("java.class.path")
        : String.join(File.pathSeparator, entries);
  }
}
