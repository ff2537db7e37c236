package io.fulgur.benchmarks;

import com.typesafe.config.Config;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A running {@link BenchWorker} process: its node's address, its echo actor's ref and the name of
 * its Hazelcast cluster. Closing it closes the worker's stdin, which stops the worker, and waits
 * for the process to end.
 */
record WorkerProcess(
    Process process,
    BufferedReader out,
    String address,
    String echoPath,
    String reliablePath,
    String hzName)
    implements AutoCloseable {

  /** Starts a worker JVM and waits until it printed its address, its echo and READY. */
  static WorkerProcess start() throws IOException {
    return start(List.of());
  }

  /** {@link #start()} with more JVM options for the worker (for example -Dfulgur.x=y). */
  static WorkerProcess start(List<String> jvmOptions) throws IOException {
    String hzName = "fulgur-bench-" + UUID.randomUUID();
    List<String> options = new ArrayList<>(JavaProcesses.hazelcastFlags());
    options.addAll(jvmOptions);
    List<String> command = JavaProcesses.command(options, BenchWorker.class);
    command.add(hzName);
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String address = null;
      String echo = null;
      String reliable = null;
      for (String line = out.readLine();
          line != null && !line.equals("READY");
          line = out.readLine()) {
        if (line.startsWith("ADDRESS ")) {
          address = line.substring(8);
        } else if (line.startsWith("ECHO ")) {
          echo = line.substring(5);
        } else if (line.startsWith("RELIABLE ")) {
          reliable = line.substring(9);
        }
      }
      if (address == null || echo == null || reliable == null) {
        throw new IllegalStateException("the worker process ended before it was ready");
      }
      return new WorkerProcess(process, out, address, echo, reliable, hzName);
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** Runs a full GC in the worker and waits for it. */
  void gc() throws IOException {
    process.getOutputStream().write("GC\n".getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
    for (String line = out.readLine(); !"GC-DONE".equals(line); line = out.readLine()) {
      if (line == null) {
        throw new IllegalStateException("the worker process ended");
      }
    }
  }

  /** The config of a node in this process that joins the worker's node and hosts no works. */
  Config joining() {
    return PekkoNodes.seeds(address).withFallback(PekkoNodes.NO_HOST);
  }

  /** Closes the worker's stdin and waits up to 30 s for it to end, then kills it. */
  @Override
  public void close() throws IOException {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      process.destroyForcibly();
      throw e;
    }
  }
}
