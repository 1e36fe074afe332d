package swamp.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One process a test started: a master, a worker or a {@code bin/swamp} client command. Its
 * stdout and stderr go to files under the test's log directory (one file for both, unless the
 * test needs them apart).
 */
public class Node {

  private final String name;
  private final Process process;
  private final Path out;
  private final Path err;
  private final long startedNanos = System.nanoTime();

  Node(String name, Process process, Path out, Path err) {
    this.name = name;
    this.process = process;
    this.out = out;
    this.err = err;
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The processes it started (and they started), running now. */
  public java.util.stream.Stream<ProcessHandle> descendants() {
    return process.descendants();
  }

  /** Sends SIGKILL: the process dies without a word, as a crashed machine's would. */
  public void killHard() {
    process.destroyForcibly();
    try { // SIGKILL is sent; the process is gone once the kernel has reaped it
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Sends the signal {@code name} ({@code "STOP"}, {@code "CONT"}, ...) with kill(1). SIGSTOP
   * freezes the JVM (not the jobs it started): to its peers it is a machine cut off the network.
   */
  public void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid()))
          .redirectErrorStream(true).start();
      String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + name + " " + pid() + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted sending SIG" + name + " to " + name(), e);
    }
  }

  /** Sends SIGTERM: a polite request to stop. */
  public void terminate() {
    process.destroy();
  }

  /** How long ago the process was started. */
  public Duration age() {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /**
   * Waits for the process to end by itself within {@code timeout} and returns its exit code; a
   * process still running then fails the test with the tail of its output.
   */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " (pid " + pid() + ") still runs after " + timeout.toSeconds()
            + "s; expected it to exit\n" + tail(40));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + name, e);
    }
    return process.exitValue();
  }

  /** Its stdout (and its stderr too when they share a file) so far. */
  public String output() {
    return read(out);
  }

  /** Its stderr so far; its whole output when stdout and stderr share a file. */
  public String errors() {
    return read(err);
  }

  /** Everything it wrote, for messages. */
  public String log() {
    return out.equals(err) ? read(out) : read(out) + read(err);
  }

  public String tail(int lines) {
    StringBuilder b = new StringBuilder();
    for (Path p : out.equals(err) ? List.of(out) : List.of(out, err)) {
      List<String> all = read(p).lines().toList();
      b.append("---- ").append(name).append(" (pid ").append(pid()).append(", ")
          .append(process.isAlive() ? "running" : "exited " + process.exitValue()).append("): last ")
          .append(Math.min(lines, all.size())).append(" of ").append(all.size())
          .append(" lines of ").append(p).append('\n');
      all.subList(Math.max(0, all.size() - lines), all.size())
          .forEach(l -> b.append("  | ").append(l).append('\n'));
    }
    return b.toString();
  }

  /** Kills the process and everything it started (jobs included), and waits for them to go. */
  void kill() {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return name + "(pid " + pid() + ")";
  }
}
