package io.fulgur.cluster;

import io.fulgur.AppFailedException;
import java.io.PrintWriter;
import java.net.BindException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fulgur} command: {@code fulgur node} starts a worker node, {@code fulgur run} runs an
 * app whose flow node joins the cluster. Run with {@code --help} for the options.
 */
@Command(
    name = "fulgur",
    mixinStandardHelpOptions = true,
    versionProvider = Launcher.Version.class,
    description = "Runs Fulgur nodes and apps on a Pekko cluster.",
    subcommands = {NodeCommand.class, RunCommand.class},
    footer = {
      "",
      "Start a cluster of two cpu workers, then run the toy app across it:",
      "  fulgur node --roles cpu --port 2551",
      "  fulgur node --roles cpu --port 2552 --seed 127.0.0.1:2551",
      "  fulgur run io.fulgur.samples.ToyApp parallel 5 --seed 127.0.0.1:2551",
      "",
      "Every node needs the app's classes on its classpath: start them all from the same jar."
    })
public final class Launcher implements Runnable {
  /** Exit code for bad usage (unknown option, bad role or seed syntax). */
  static final int USAGE = 2;

  /** Exit code when the node or app failed at run time. */
  static final int FAILED = 1;

  private Launcher() {}

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /**
   * Whether the launcher runs as its JVM's main program, which then exits with its code: only then
   * does {@code fulgur node} take over SIGTERM and SIGINT ({@link StopSignals}).
   */
  static volatile boolean ownsJvm;

  /** Runs the launcher; exits the JVM with the command's exit code. */
  public static void main(String[] args) {
    ownsJvm = true;
    System.exit(execute(args));
  }

  /** Runs the launcher and returns its exit code (0 = success). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Launcher());
    cli.setParameterExceptionHandler(
        (ex, rawArgs) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          err.println("fulgur: " + ex.getMessage());
          err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          err.flush();
          return USAGE;
        });
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          err.println("fulgur: " + describe(ex));
          err.flush();
          return FAILED;
        });
    return cli.execute(args);
  }

  /** One line for an error: what went wrong, not a stack trace. */
  static String describe(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return "cannot listen on the given --hostname/--port: "
            + t.getMessage()
            + " (is the port in use?)";
      }
    }
    if (ex instanceof AppFailedException) {
      return "app failed: " + ex.getMessage();
    }
    String message = ex.getMessage();
    return message == null ? ex.toString() : message;
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Launcher.class.getPackage().getImplementationVersion();
      return new String[] {"fulgur " + (v == null ? "(development build)" : v)};
    }
  }
}
