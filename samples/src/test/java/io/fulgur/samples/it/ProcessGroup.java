package io.fulgur.samples.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** The {@code fulgur} processes a test started, all stopped when it closes. */
final class ProcessGroup implements AutoCloseable {
  private final List<FulgurProcess> processes = new ArrayList<>();

  /** Starts {@code fulgur ARGS...} in a new JVM with more JVM options, and keeps it. */
  FulgurProcess start(String name, List<String> jvmOptions, String... args) throws IOException {
    FulgurProcess p = FulgurProcess.start(name, jvmOptions, args);
    processes.add(p);
    return p;
  }

  /** Starts {@code mainClass ARGS...} in a new JVM, and keeps it. */
  FulgurProcess startMain(String name, String mainClass, String... args) throws IOException {
    FulgurProcess p = FulgurProcess.startMain(name, List.of(), mainClass, args);
    processes.add(p);
    return p;
  }

  /** Starts {@code fulgur ARGS...} in a new JVM, and keeps it. */
  FulgurProcess start(String name, String... args) throws IOException {
    return start(name, List.of(), args);
  }

  List<FulgurProcess> all() {
    return List.copyOf(processes);
  }

  /** A port free on 127.0.0.1 now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (FulgurProcess p : processes) {
      p.close();
    }
  }
}
