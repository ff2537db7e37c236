package io.fulgur.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Key material for the TLS rows, made by the project's {@code samples/make-dev-certs.sh}. */
final class DevCerts {
  private DevCerts() {}

  /** A new CA and a directory of key material per node name, under a temporary directory. */
  static Path make(String... nodes) throws IOException, InterruptedException {
    Path script = script();
    Path out = Files.createTempDirectory("fulgur-bench-tls");
    List<String> command = new ArrayList<>(List.of("bash", script.toString(), out.toString()));
    command.addAll(List.of(nodes));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(script + " failed: " + output);
    }
    return out;
  }

  /** The script, found from the directory Maven runs in (the project's root or a module). */
  private static Path script() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path script = dir.resolve("samples").resolve("make-dev-certs.sh");
      if (Files.isRegularFile(script)) {
        return script;
      }
    }
    throw new IllegalStateException(
        "samples/make-dev-certs.sh not found above " + Path.of("").toAbsolutePath());
  }
}
