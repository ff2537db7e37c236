package io.fulgur.cluster;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.fulgur.Node;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fulgur node}: a worker node that hosts works for its roles until it is stopped. */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a worker node that hosts works for its roles and stays up.",
      "SIGTERM (Ctrl-C) makes it leave the cluster cleanly; its works are stopped.",
      "Exit code 0 once it left as asked (SIGTERM, Ctrl-C, a leave asked of the cluster);",
      "1 when it stopped unasked (downed by the cluster, refused, failed): restart it then."
    })
final class NodeCommand implements Callable<Integer> {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NodeCommand.class);

  @Spec CommandSpec spec;

  @Mixin NetworkOptions network;

  @Option(
      names = "--roles",
      paramLabel = "ROLE[,ROLE...]",
      split = ",",
      required = true,
      description =
          "Roles of this node: works with CloudCompute(\"cpu\") run on nodes with role cpu.")
  List<String> roles;

  @Override
  public Integer call() throws Exception {
    for (String role : roles) {
      if (!role.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
        throw new ParameterException(
            spec.commandLine(),
            "--roles: '" + role + "' is not a valid role (letters, digits, '-', '_', '.')");
      }
    }
    Node node;
    try {
      node =
          Node.start(
              network.toConfig(
                  ConfigFactory.empty()
                      .withValue("fulgur.node.roles", ConfigValueFactory.fromIterable(roles))));
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "could not join the cluster via seed "
              + network.seedsForMessages()
              + ": "
              + e.getMessage(),
          e);
    }
    if (Launcher.ownsJvm) {
      // the signal's handler thread leaves the cluster; this thread then returns 0
      StopSignals.install(node::close);
    }
    System.out.println("Fulgur node " + node.address() + " is up with roles " + node.roles());
    System.out.flush();
    node.awaitTermination();
    Optional<String> unexpected = node.unexpectedStop();
    if (unexpected.isPresent()) {
      // a supervisor (systemd, Kubernetes, ...) starts a node that exits non-zero again
      String why =
          "Fulgur node "
              + node.address()
              + " stopped unasked: "
              + unexpected.get()
              + "; exiting with "
              + Launcher.FAILED
              + " so that it is started again";
      LOG.error(why);
      System.err.println("fulgur: " + why);
      System.err.flush();
      return Launcher.FAILED;
    }
    System.out.println("Fulgur node " + node.address() + " stopped");
    return 0;
  }
}
